"""Provider variants: `extends: routescope` inherits a provider and overrides what differs.

A variant file states only its differences. It is merged over its parent before anything else
reads it, by these rules: mappings merge key by key (the variant wins), lists are replaced, and
`models` merges by model id: a variant that lists `models` sells exactly those, each inheriting the
parent's entry of the same id. The merged document keeps, for every value, the location of the
file that wrote it, so a diagnostic names the parent's file for an inherited fact and the
variant's file for an override. The merged file is then checked against the full provider schema.
"""

from __future__ import annotations

import copy
import difflib
from typing import Any

from conformance.spec.diagnostics import Diagnostic
from conformance.spec.files import SpecFiles, schema_diagnostics
from conformance.spec.source import SourceDocument, pointer_join


def apply_extends(files: SpecFiles) -> None:
    """Replace every provider variant in `files` by its merged document (or a diagnostic)."""
    docs = files.of("provider")
    if not any("extends" in doc.data for doc in docs):
        return
    by_id: dict[str, SourceDocument] = {}
    for doc in docs:
        by_id.setdefault(doc.data["id"], doc)
    merged: dict[int, SourceDocument | None] = {}

    def resolve(doc: SourceDocument, chain: tuple[str, ...]) -> SourceDocument | None:
        if id(doc) in merged:
            return merged[id(doc)]
        parent_id = doc.data.get("extends")
        if parent_id is None:
            return doc
        result: SourceDocument | None = None
        parent = by_id.get(parent_id)
        if parent_id in chain or parent_id == doc.data["id"]:
            files.diagnostics.append(
                Diagnostic(
                    doc.location("/extends"),
                    "spec.extends-cycle",
                    f"provider {doc.data['id']!r} extends itself through "
                    f"{' -> '.join((*chain, parent_id))}",
                    "/extends",
                    "a variant extends a provider that does not extend it back",
                )
            )
        elif parent is None:
            known = sorted(set(by_id) - {doc.data["id"]})
            files.diagnostics.append(_unknown_parent(doc, parent_id, known))
        else:
            base = resolve(parent, (*chain, doc.data["id"]))
            if base is not None:
                result = _checked(files, merge_documents(base, doc))
        merged[id(doc)] = result
        return result

    resolved = [resolve(doc, ()) for doc in docs]
    files.by_kind["provider"] = [doc for doc in resolved if doc is not None]
    if any(doc is None for doc in resolved):
        files.broken_kinds.add("provider")


def _unknown_parent(doc: SourceDocument, parent_id: str, known: list[str]) -> Diagnostic:
    close = difflib.get_close_matches(parent_id, known, n=1)
    hint = f"did you mean {close[0]!r}? " if close else ""
    return Diagnostic(
        doc.location("/extends"),
        "spec.unknown-provider",
        f"provider {doc.data['id']!r} extends unknown provider {parent_id!r}",
        "/extends",
        f"{hint}known providers: {', '.join(known)}",
    )


def _checked(files: SpecFiles, doc: SourceDocument) -> SourceDocument | None:
    problems = schema_diagnostics(doc, "provider")
    files.diagnostics.extend(problems)
    return None if problems else doc


def merge_documents(parent: SourceDocument, variant: SourceDocument) -> SourceDocument:
    """The variant's document with everything it does not state taken from `parent`."""
    out = SourceDocument(path=variant.path, data=None)
    out.data = _merge(parent, variant, out, "", "", "", top=True)
    return out


def _merge(
    parent: SourceDocument,
    variant: SourceDocument,
    out: SourceDocument,
    out_at: str,
    parent_at: str,
    variant_at: str,
    *,
    top: bool = False,
) -> Any:
    p_value = _at(parent.data, parent_at)
    v_value = _at(variant.data, variant_at)
    if not (isinstance(p_value, dict) and isinstance(v_value, dict)):
        return _take(variant, out, out_at, variant_at)
    _copy_locations(variant, out, out_at, variant_at, shallow=True)
    result: dict[str, Any] = {}
    for key in (*p_value, *(k for k in v_value if k not in p_value)):
        o_key = pointer_join(out_at, key)
        p_key, v_key = pointer_join(parent_at, key), pointer_join(variant_at, key)
        if key not in v_value:
            result[key] = _take(parent, out, o_key, p_key)
        elif key not in p_value:
            result[key] = _take(variant, out, o_key, v_key)
        elif top and key == "models":
            result[key] = _merge_models(parent, variant, out, o_key, p_key, v_key)
        else:
            result[key] = _merge(parent, variant, out, o_key, p_key, v_key)
    return result


def _merge_models(
    parent: SourceDocument,
    variant: SourceDocument,
    out: SourceDocument,
    out_at: str,
    parent_at: str,
    variant_at: str,
) -> list[Any]:
    inherited = {
        entry.get("id"): index
        for index, entry in enumerate(_at(parent.data, parent_at))
        if isinstance(entry, dict)
    }
    _copy_locations(variant, out, out_at, variant_at, shallow=True)
    result: list[Any] = []
    for index, entry in enumerate(_at(variant.data, variant_at)):
        o_at, v_at = pointer_join(out_at, index), pointer_join(variant_at, index)
        if isinstance(entry, dict) and entry.get("id") in inherited:
            p_at = pointer_join(parent_at, inherited[entry["id"]])
            result.append(_merge(parent, variant, out, o_at, p_at, v_at))
        else:
            result.append(_take(variant, out, o_at, v_at))
    return result


def _at(data: Any, pointer: str) -> Any:
    for token in pointer.split("/")[1:]:
        key = token.replace("~1", "/").replace("~0", "~")
        data = data[int(key)] if isinstance(data, list) else data[key]
    return data


def _take(src: SourceDocument, out: SourceDocument, out_at: str, src_at: str) -> Any:
    _copy_locations(src, out, out_at, src_at, shallow=False)
    return copy.deepcopy(_at(src.data, src_at))


def _copy_locations(
    src: SourceDocument, out: SourceDocument, out_at: str, src_at: str, *, shallow: bool
) -> None:
    for table, target in ((src.values, out.values), (src.keys, out.keys)):
        if src_at in table:
            target[out_at] = table[src_at]
        if shallow:
            continue
        prefix = src_at + "/"
        for pointer, location in table.items():
            if pointer.startswith(prefix):
                target[out_at + pointer[len(src_at) :]] = location
