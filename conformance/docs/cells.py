"""How one spec fact reads in a table cell: defaults, enums, ranges, length limits, types.

Kept apart from page assembly so that every page (per model, cross-provider, index) spells the
same fact the same way: a reader who learned "≤ 480 tokens (advisory)" on one page finds it
verbatim on the next. Everything here returns plain Markdown text; table escaping is the
template's job (the `cell` filter).
"""

from __future__ import annotations

import json
from typing import Any

from conformance.spec.model import WILDCARD, Operation, Parameter

BODY = "(body)"
NONE = "—"


def code(value: Any) -> str:
    """A value as a Markdown code span: strings bare, everything else as JSON."""
    text = value if isinstance(value, str) else json.dumps(value, ensure_ascii=False)
    return f"`{text}`"


def number(value: float | int) -> str:
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value)


def pointer_text(pointer: str) -> str:
    """A JSON pointer as readers of the seed pages write it: `/a/*/b` -> `a[].b`."""
    tokens = [t for t in pointer.split("/") if t != ""]
    text = ""
    for token in tokens:
        text += "[]" if token == WILDCARD else (f".{token}" if text else token)
    return text


def _plural(count: int | float, word: str) -> str:
    return f"{number(count)} {word}" + ("" if count == 1 else "s")


def size(value: int, unit: str) -> str:
    if unit == "bytes" and value >= 1024 * 1024 and value % (1024 * 1024) == 0:
        return f"{value // (1024 * 1024)} MiB"
    return f"{value} {unit}"


def field_cell(param: Parameter) -> str:
    """The Field column: the name as the spec (and the seed pages) spell it, plus where it goes."""
    if param.name == BODY:
        return "*(request body)*"
    text = code(param.name)
    if param.location != "body":
        text += f" *(in {param.location})*"
    if param.aliases:
        text += " (also " + ", ".join(code(a) for a in param.aliases) + ")"
    return text


def type_cell(param: Parameter) -> str:
    if param.type == "array" and param.items_enum is not None:
        return "array of string"
    if param.format:
        return f"{param.type} ({param.format})"
    return param.type


def _parent(param: Parameter, operation: Operation) -> Parameter | None:
    """The nearest enclosing parameter (skipping array positions), if the spec declares one."""
    path = list(param.path[:-1])
    while path:
        if path[-1] == WILDCARD:
            path.pop()
            continue
        found = next((p for p in operation.parameters if list(p.path) == path), None)
        if found is not None:
            return found
        path.pop()
    return None


def required_cell(param: Parameter, operation: Operation) -> str:
    if not param.required:
        return "no"
    if param.name == BODY:
        return "yes"
    if param.required_in == "some":
        return "yes (in at least one item)"
    parent = _parent(param, operation)
    if parent is not None and not parent.required and parent.name != BODY:
        return f"yes, when {code(parent.name)} is sent"
    return "yes"


def default_value(param: Parameter) -> str | None:
    """The default as a code span, or None when the spec records no value."""
    if param.has_default and param.default is not None:
        return code(param.default)
    return None


def default_cell(param: Parameter) -> str:
    value = default_value(param)
    parts: list[str] = []
    if value is not None:
        parts.append(value)
        if param.default_enforcement != "enforced":
            parts.append(f"({param.default_enforcement})")
    if param.default_note:
        parts.append(param.default_note if value is None else f"({param.default_note})")
    return " ".join(parts) if parts else NONE


def range_text(param: Parameter) -> str | None:
    low, high = param.minimum, param.maximum
    if low is not None and high is not None:
        return f"{number(low)}..{number(high)}" if low != high else f"exactly {number(low)}"
    if low is not None:
        return f"≥ {number(low)}"
    if high is not None:
        return f"≤ {number(high)}"
    return None


def limit_text(param: Parameter) -> str | None:
    limit = param.max_length
    if limit is None:
        return None
    text = f"≤ {size(limit.value, limit.unit)}"
    return text + (f" ({limit.enforcement})" if limit.enforcement != "enforced" else "")


def enum_text(param: Parameter) -> str | None:
    if param.enum is None:
        return None
    text = ", ".join(code(v) for v in param.enum)
    if param.case_insensitive:
        text += " (case-insensitive)"
    if param.values_from is not None:
        text += " — filled from upstream"
    return text


def _items_text(param: Parameter) -> str | None:
    low, high = param.min_items, param.max_items
    if low is not None and high is not None:
        return f"exactly {_plural(low, 'item')}" if low == high else f"{low}..{high} items"
    if low is not None:
        return f"at least {_plural(low, 'item')}"
    if high is not None:
        return f"at most {_plural(high, 'item')}"
    return None


def values_cell(param: Parameter) -> str:
    """The Values / Range column: everything that narrows what may be sent."""
    parts: list[str] = []
    enum = enum_text(param)
    if enum:
        parts.append(enum)
    if param.items_enum is not None:
        items = "items: " + ", ".join(code(v) for v in param.items_enum)
        if param.case_insensitive:
            items += " (case-insensitive)"
        parts.append(items)
    for text in (range_text(param), _items_text(param), limit_text(param)):
        if text:
            parts.append(text)
    if param.unique_items:
        parts.append("no repeats")
    if param.min_length is not None:
        parts.append("non-empty" if param.min_length == 1 else f"≥ {param.min_length} characters")
    if param.exactly_one_of:
        parts.append("exactly one of " + ", ".join(code(k) for k in param.exactly_one_of))
    if param.requires:
        parts.append(
            "requires " + ", ".join(code(f"{k}: {json.dumps(v)}") for k, v in param.requires)
        )
    if param.closed:
        parts.append("no other keys")
    text = "; ".join(parts) if parts else NONE
    if param.enforcement != "enforced":
        text += f" ({param.enforcement})"
    return text


def description_cell(param: Parameter) -> str:
    lines = [param.description.strip(), *(note.strip() for note in param.notes)]
    return "\n".join(line for line in lines if line)


def source_cell(param: Parameter) -> str:
    text = param.source.cite()
    if param.values_from is not None:
        text += f"\nValues: {param.values_from.cite()}"
    return text
