"""The first stage of resolving a spec: the catalogues (sources, envelopes, families, upstream
models, pixel tables) and the citations, lifecycles and conflicts every later stage cites.

`conformance.spec.resolve` builds on it (catalogues -> parameters and operations -> models ->
providers), one module per concept; errors go to one sink, each reported where it was written.
"""

from __future__ import annotations

from typing import Any

from conformance.spec import model as m
from conformance.spec.diagnostics import DiagnosticSink, Location
from conformance.spec.files import SpecFiles
from conformance.spec.source import SourceDocument, pointer_join
from conformance.spec.suggest import known_hint

_CASCADES = {
    "spec.unknown-source": "sources",
    "spec.unknown-envelope": "envelopes",
    "spec.unknown-family": "family",
    "spec.unknown-operation": "family",
    "spec.unknown-parameter": "family",
    "spec.unknown-model": "models",
    "spec.unknown-table": "models",
    "spec.no-default-count": "family",
    "spec.orphan": "family",
}


class CatalogueResolver:
    def __init__(self, files: SpecFiles) -> None:
        self.files = files
        self.sink = DiagnosticSink()
        self.sink.extend(files.diagnostics)
        self.sources: dict[str, m.Source] = {}
        self.source_loc: dict[str, Location] = {}
        self.envelopes: dict[str, m.Envelope] = {}
        self.families: dict[str, tuple[SourceDocument, dict[str, Any]]] = {}
        self.upstream: dict[str, tuple[SourceDocument, str, dict[str, Any]]] = {}
        self.pixel_tables: dict[str, tuple[SourceDocument, str, dict[str, Any]]] = {}

    # -- helpers -----------------------------------------------------------------------------

    def err(
        self, doc: SourceDocument, pointer: str, code: str, message: str, hint: str = ""
    ) -> None:
        cascade_of = _CASCADES.get(code)
        broken = self.files.broken_kinds
        if cascade_of is not None and (cascade_of in broken or "*" in broken):
            return  # the file that should define it is broken and already reported
        self.sink.error(doc.location(pointer), code, message, pointer=pointer, hint=hint)

    def source(self, doc: SourceDocument, pointer: str, raw: Any) -> m.Source | None:
        if not isinstance(raw, dict) or "ref" not in raw:
            return None
        ref = raw["ref"]
        base = self.sources.get(ref)
        if base is None:
            self.err(
                doc,
                pointer_join(pointer, "ref"),
                "spec.unknown-source",
                f"source {ref!r} is not in sources.yaml",
                known_hint(ref, self.sources, "sources"),
            )
            return None
        return m.Source(
            ref=ref,
            title=base.title,
            document=base.document,
            as_of=base.as_of,
            section=raw.get("section", base.section),
            says=raw.get("says"),
        )

    def required_source(self, doc: SourceDocument, pointer: str, raw: Any) -> m.Source:
        found = self.source(doc, pointer, raw)
        return found or m.Source(ref="unknown", title="unknown", document="", as_of="")

    def conflicts(self, doc: SourceDocument, pointer: str, raw: Any) -> tuple[m.Conflict, ...]:
        result = []
        for i, item in enumerate(raw or []):
            at = pointer_join(pointer, i)
            srcs = tuple(
                self.required_source(doc, pointer_join(pointer_join(at, "sources"), j), s)
                for j, s in enumerate(item["sources"])
            )
            result.append(
                m.Conflict(item["topic"], srcs, item["choice"], item["why"], doc.location(at))
            )
        return tuple(result)

    def lifecycle(
        self, doc: SourceDocument, pointer: str, raw: Any
    ) -> tuple[m.LifecycleEvent, ...]:
        return tuple(
            m.LifecycleEvent(
                status=item["status"],
                scope=item["scope"],
                source=self.required_source(
                    doc, pointer_join(pointer_join(pointer, i), "source"), item["source"]
                ),
                date=item.get("date"),
                note=item.get("note"),
            )
            for i, item in enumerate(raw or [])
        )

    # -- catalogues --------------------------------------------------------------------------

    def load_catalogues(self) -> None:
        for doc in self.files.of("sources"):
            for ref, raw in doc.data["sources"].items():
                at = pointer_join("/sources", ref)
                if ref in self.sources:
                    self.err(doc, at, "spec.duplicate", f"source {ref!r} defined twice")
                    continue
                self.sources[ref] = m.Source(
                    ref=ref,
                    title=raw["title"],
                    document=raw["document"],
                    as_of=raw["as_of"],
                    section=raw.get("section"),
                )
                self.source_loc[ref] = doc.key_location(at)
        for doc in self.files.of("envelopes"):
            for env_id, raw in doc.data["envelopes"].items():
                at = pointer_join("/envelopes", env_id)
                self.envelopes[env_id] = m.Envelope(
                    id=env_id,
                    title=raw["title"],
                    schema=raw["schema"],
                    content_type=raw["content_type"],
                    source=self.required_source(doc, pointer_join(at, "source"), raw["source"]),
                    assumed=bool(raw.get("assumed", False)),
                    declared_at=doc.key_location(at),
                    fields=m.EnvelopeFields(**raw.get("fields", {})),
                    mistakes={
                        name: m.ExpectedError(
                            mistake=name,
                            status=entry["status"],
                            label=entry.get("label"),
                            param=bool(entry.get("param", False)),
                            source=self.required_source(
                                doc,
                                pointer_join(pointer_join(at, "mistakes"), name) + "/source",
                                entry["source"],
                            ),
                            declared_at=doc.key_location(
                                pointer_join(pointer_join(at, "mistakes"), name)
                            ),
                        )
                        for name, entry in raw.get("mistakes", {}).items()
                    },
                )
        for doc in self.files.of("family"):
            fam_id = doc.data["id"]
            if fam_id in self.families:
                self.err(doc, "/id", "spec.duplicate", f"family {fam_id!r} defined twice")
                continue
            self.families[fam_id] = (doc, doc.data)
        for doc in self.files.of("models"):
            for name, raw in doc.data.get("pixel_tables", {}).items():
                self.pixel_tables[name] = (doc, pointer_join("/pixel_tables", name), raw)
            for model_id, raw in doc.data["models"].items():
                at = pointer_join("/models", model_id)
                if model_id in self.upstream:
                    self.err(
                        doc, at, "spec.duplicate", f"upstream model {model_id!r} defined twice"
                    )
                    continue
                self.upstream[model_id] = (doc, at, raw)
                if raw["family"] not in self.families:
                    self.err(
                        doc,
                        pointer_join(at, "family"),
                        "spec.unknown-family",
                        f"unknown family {raw['family']!r}",
                        known_hint(raw["family"], self.families, "families"),
                    )
