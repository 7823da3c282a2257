"""A provider's answers where they differ from its family's: nullable and extra response fields.

A relay on a family's wire shape often answers a little differently (a `revised_prompt: null`,
a `usage` object of its own). The provider states it on the operation instead of copying the
family: `response: {nullable: [/data/*/revised_prompt], fields: {/usage: {type: object}}}`.
Pointers are to the answer's data (`*` for every item of an array) and are turned into the
response schema's own paths here; the success status is overridden with `success_status`.
"""

from __future__ import annotations

import copy
from collections.abc import Mapping
from typing import Any

_NULL = "null"


def patch_response_schema(
    schema: Mapping[str, Any], nullable: list[str], fields: dict[str, dict[str, Any]]
) -> tuple[dict[str, Any], list[str]]:
    """The family's schema with the provider's changes, and the pointers that found nothing."""
    patched: dict[str, Any] = copy.deepcopy(dict(schema))
    unknown: list[str] = []
    for pointer in nullable:
        node = _node(patched, pointer)
        if node is None:
            unknown.append(pointer)
            continue
        _allow_null(node)
    for pointer, field_schema in fields.items():
        parent_pointer, _, name = pointer.rpartition("/")
        parent = _node(patched, parent_pointer) if parent_pointer else patched
        if parent is None or name == "*":
            unknown.append(pointer)
            continue
        parent.setdefault("properties", {})[name] = copy.deepcopy(field_schema)
    return patched, unknown


def _node(schema: dict[str, Any], pointer: str) -> dict[str, Any] | None:
    node: Any = schema
    for token in pointer.split("/")[1:]:
        if not isinstance(node, dict):
            return None
        node = node.get("items") if token == "*" else node.get("properties", {}).get(token)
        if node is None:
            return None
    return node if isinstance(node, dict) else None


def _allow_null(node: dict[str, Any]) -> None:
    kind = node.get("type")
    if isinstance(kind, str) and kind != _NULL:
        node["type"] = [kind, _NULL]
    elif isinstance(kind, list) and _NULL not in kind:
        node["type"] = [*kind, _NULL]
    elif kind is None:
        original = dict(node)
        node.clear()
        node["anyOf"] = [original, {"type": _NULL}]
    enum = node.get("enum")
    if isinstance(enum, list) and None not in enum:
        node["enum"] = [*enum, None]
