"""Merge the spec layers into the model: family -> upstream model -> provider -> provider model.

Also the checks that span files: every cited source exists, every named family, envelope, model and
pixel table exists, defaults sit inside their enums and ranges, and no fact is stated twice.
One module per stage: resolve_catalogues (sources, envelopes, families, upstream models),
resolve_operations (parameters and answers), resolve_models, and here the providers and the
entry points, which also lay trees over each other (trees.py) and merge variants (extends.py).
"""

from __future__ import annotations

import gc
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from conformance.gc_pause import paused
from conformance.spec import model as m
from conformance.spec.diagnostics import Diagnostic, Location, SpecError
from conformance.spec.extends import apply_extends
from conformance.spec.files import load_spec_files
from conformance.spec.resolve_gateways import static_headers
from conformance.spec.resolve_models import ModelResolver
from conformance.spec.source import SourceDocument, pointer_join
from conformance.spec.suggest import known_hint
from conformance.spec.trees import load_layered_files


class _Resolver(ModelResolver):
    """The last stage: providers (with their auth and models) and the whole spec."""

    # -- providers ---------------------------------------------------------------------------

    def provider(self, doc: SourceDocument) -> m.Provider | None:
        data = doc.data
        envelope = self.envelopes.get(data["error_envelope"])
        if envelope is None:
            self.err(
                doc,
                "/error_envelope",
                "spec.unknown-envelope",
                f"unknown error envelope {data['error_envelope']!r}",
                known_hint(data["error_envelope"], self.envelopes, "envelopes"),
            )
        auth = self.auth(doc, data["auth"])
        for op_name, op in data["operations"].items():
            if op["family"] not in self.families:
                self.err(
                    doc,
                    f"/operations/{op_name}/family",
                    "spec.unknown-family",
                    f"unknown family {op['family']!r}",
                    known_hint(op["family"], self.families, "families"),
                )
            elif op_name not in self.families[op["family"]][1]["operations"]:
                self.err(
                    doc,
                    pointer_join("/operations", op_name),
                    "spec.unknown-operation",
                    f"family {op['family']!r} has no operation {op_name!r}",
                    known_hint(op_name, self.families[op["family"]][1]["operations"], "operations"),
                )
        models: list[m.Model] = []
        seen: set[str] = set()
        for i, raw in enumerate(data["models"]):
            at = f"/models/{i}"
            if raw["id"] in seen:
                self.err(
                    doc,
                    pointer_join(at, "id"),
                    "spec.duplicate",
                    f"model {raw['id']!r} listed twice",
                )
                continue
            seen.add(raw["id"])
            model = self.model(doc, at, raw)
            if model is not None:
                models.append(model)
        if envelope is None:
            return None
        return m.Provider(
            id=data["id"],
            title=data["title"],
            base_url=data["base_url"],
            auth=auth,
            envelope=envelope,
            models=tuple(models),
            conflicts=self.conflicts(doc, "/conflicts", data.get("conflicts")),
            declared_at=doc.location(""),
            file=doc.path,
            headers=static_headers(self, doc, data.get("headers")),
            error_basis=data.get("error_basis", "documented"),
        )

    def auth(self, doc: SourceDocument, raw: dict[str, Any]) -> m.AuthSpec:
        def rejection(key: str) -> m.AuthRejection:
            r = raw["reject"][key]
            return m.AuthRejection(
                tuple(r["status"]), r["error_status"], r["message"], r.get("reason")
            )

        schemes = tuple(
            m.AuthScheme(
                s["kind"],
                s["name"],
                self.required_source(doc, f"/auth/schemes/{i}/source", s["source"]),
            )
            for i, s in enumerate(raw["schemes"])
        )
        return m.AuthSpec(
            key_env=raw["key_env"],
            schemes=schemes,
            missing=rejection("missing"),
            wrong=rejection("wrong"),
            source=self.required_source(doc, "/auth/source", raw["source"]),
            notes=tuple(raw.get("notes", [])),
        )

    # -- all ---------------------------------------------------------------------------------

    def run(self) -> m.Spec:
        self.load_catalogues()
        providers: list[m.Provider] = []
        ids: set[str] = set()
        for doc in self.files.of("provider"):
            if doc.data["id"] in ids:
                self.err(doc, "/id", "spec.duplicate", f"provider {doc.data['id']!r} defined twice")
                continue
            ids.add(doc.data["id"])
            provider = self.provider(doc)
            if provider is not None:
                providers.append(provider)
        if not providers and self.sink.ok:
            self.sink.error(
                Location(str(self.files.root), 1, 1),
                "spec.empty",
                "no provider files found",
                hint="add specs/providers/<id>.yaml",
            )
        providers.sort(key=lambda p: p.id)
        return m.Spec(
            providers=tuple(providers),
            sources=dict(self.sources),
            envelopes=dict(self.envelopes),
            root=str(self.files.root),
        )


def check_spec(root: Path) -> tuple[m.Spec | None, list[Diagnostic]]:
    """Load, check and resolve one complete spec tree; the spec is None on any error."""
    return check_layers([root])


def check_layers(roots: Sequence[Path]) -> tuple[m.Spec | None, list[Diagnostic]]:
    """Like `check_spec` for trees laid over each other, later wins (see spec/trees.py)."""
    missing = [root for root in roots if not root.is_dir()]
    if missing:
        return None, [
            Diagnostic(
                Location(str(root), 1, 1),
                "spec.root",
                f"{root} is a file, not a spec tree"
                if root.is_file()
                else f"spec directory {root} does not exist",
                hint="pass --specs DIR: the directory holding providers/ (one file is enough)",
            )
            for root in missing
        ]
    # No automatic collections while the tree is read and resolved: it builds no reference
    # cycles (a collection right after finds none), yet the collector kept walking the growing
    # model and the parse nodes, 0.7 s of 2.0 s at 64x the providers.
    with paused():
        files = load_layered_files(roots) if len(roots) > 1 else load_spec_files(roots[0])
        apply_extends(files)
        resolver = _Resolver(files)
        spec = resolver.run()
        # Frozen before the collector is back on: everything read and built is young, and its
        # first collection walked it all (0.3 s at 64x); reference counting still frees it.
        gc.freeze()
    # A fact of a family or an upstream model is checked once per model that uses it: one root
    # cause, one diagnostic.
    diagnostics = list(dict.fromkeys(resolver.sink.sorted()))
    return (spec if resolver.sink.ok else None), diagnostics


def load_spec(root: Path) -> m.Spec:
    """Like `check_spec`, but raises `SpecError` with every diagnostic on failure."""
    spec, diagnostics = check_spec(root)
    if spec is None:
        raise SpecError(diagnostics)
    return spec
