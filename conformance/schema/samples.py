"""Sample request bodies derived from the spec: the smallest valid body, and single-rule breaks.

`minimal_body` builds the smallest body that satisfies every enforced rule (required fields only,
defaults where documented). `constraint_breaks` yields, for every enforced constraint, a copy of
that body that breaks exactly that one rule. The planner turns these into negative cases and the
property tests use them to prove that the generated schemas enforce every rule they should.
"""

from __future__ import annotations

import copy
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from conformance.spec.model import WILDCARD, Operation, Parameter

SAMPLE_PROMPT = "A red cube on a white table, studio light"
# A 1x1 transparent PNG: the smallest valid inline image for edit requests.
TINY_PNG_BASE64 = (
    "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA"
    "60e6kgAAAABJRU5ErkJggg=="
)

_WRONG_TYPE: dict[str, Any] = {
    "string": 12345,
    "integer": "four",
    "number": "one point five",
    "boolean": "yes",
    "array": {"not": "an array"},
    "object": ["not", "an", "object"],
}


@dataclass(frozen=True)
class ConstraintBreak:
    """A body that breaks exactly one enforced rule of one parameter."""

    parameter: Parameter
    rule: str
    description: str
    body: dict[str, Any]


def sample_value(param: Parameter) -> Any:
    """A valid value for one parameter: its default, else its first enum value, else minimal."""
    if param.has_default and param.default is not None:
        return copy.deepcopy(param.default)
    if param.enum:
        return param.enum[0]
    if param.items_enum:
        return [param.items_enum[0]]
    if param.type == "string":
        if param.concept == "prompt":
            return SAMPLE_PROMPT
        if param.format == "base64":
            return TINY_PNG_BASE64
        return "x" * max(param.min_length or 1, 1)
    if param.type in ("integer", "number"):
        low = param.minimum if param.minimum is not None else 0
        return int(low) if param.type == "integer" else float(low)
    if param.type == "boolean":
        return False
    if param.type == "array":
        return []
    return {}


def _children(op: Operation, parent: tuple[str, ...]) -> list[Parameter]:
    return [
        p
        for p in op.body_parameters
        if len(p.path) == len(parent) + 1 and p.path[: len(parent)] == parent
    ]


def _build(op: Operation, path: tuple[str, ...], param: Parameter | None) -> Any:
    """The minimal valid value at `path`: containers hold their required children only."""
    item_children = _children(op, (*path, WILDCARD))
    item = next((p for p in item_children if p.path[-1] == WILDCARD), None) if path else None
    if param is not None and param.type == "array" and (item or _children(op, (*path, WILDCARD))):
        count = max(param.min_items or 0, 1 if param.required else 0)
        element = _build(op, (*path, WILDCARD), item)
        return [copy.deepcopy(element) for _ in range(max(count, 1))]
    if param is not None and not param.is_container:
        return sample_value(param)
    result: dict[str, Any] = {}
    for child in _children(op, path):
        if child.path[-1] == WILDCARD:
            continue
        if child.required:
            result[child.path[-1]] = _build(op, child.path, child)
    if (
        param is not None
        and param.exactly_one_of
        and not any(k in result for k in param.exactly_one_of)
    ):
        first = next(c for c in _children(op, path) if c.path[-1] in param.exactly_one_of)
        result[first.path[-1]] = _build(op, first.path, first)
    return result


def minimal_body(op: Operation) -> dict[str, Any] | None:
    """The smallest valid request body for `op`, or None when it takes no body."""
    if not op.has_body:
        return None
    root = next((p for p in op.body_parameters if p.path == ()), None)
    body = _build(op, (), root)
    return body if isinstance(body, dict) else {}


def body_with(
    body: dict[str, Any], param: Parameter, value: Any, op: Operation | None = None
) -> dict[str, Any]:
    """A copy of `body` with `value` at `param`'s path, its ancestors made valid first.

    With `op`, a parameter that lives in a one-of array item (a Gemini `inline_data` part) gets a
    part of its own, so that the only broken rule is the one the caller means to break.
    """
    result, concrete = prepared(op, body, param) if op else (copy.deepcopy(body), None)
    if concrete is None:
        set_path(result, param.path, value)
    else:
        _set_concrete(result, concrete, value)
    return result


def prepared(
    op: Operation, body: dict[str, Any], param: Parameter
) -> tuple[dict[str, Any], list[str | int]]:
    """A copy of `body` in which every ancestor of `param` exists and is valid; plus the
    concrete path (array indexes resolved) to `param`."""
    result = copy.deepcopy(body)
    node: Any = result
    concrete: list[str | int] = []
    params = {p.path: p for p in op.body_parameters}
    for depth, token in enumerate(param.path):
        prefix = param.path[: depth + 1]
        last = depth == len(param.path) - 1
        if token == WILDCARD:
            item = params.get(prefix)
            following = param.path[depth + 1] if not last else None
            if item is not None and item.exactly_one_of and following in item.exactly_one_of:
                key_path = (*prefix, following)
                node.append({following: _build(op, key_path, params.get(key_path))})
                index = len(node) - 1
            else:
                if not node:
                    node.append(_build(op, prefix, item))
                index = 0
            concrete.append(index)
            if not last:
                node = node[index]
            continue
        concrete.append(token)
        if last:
            break
        if token not in node:
            node[token] = _build(op, prefix, params.get(prefix))
        node = node[token]
    return result, concrete


def _set_concrete(body: Any, concrete: list[str | int], value: Any) -> None:
    node = body
    for token in concrete[:-1]:
        node = node[token]
    last = concrete[-1]
    if isinstance(last, int) and isinstance(node, list) and last >= len(node):
        node.append(value)
    else:
        node[last] = value


def set_path(body: Any, path: tuple[str, ...], value: Any) -> None:
    """Set `value` at `path` inside `body`, creating objects (and one-item arrays) on the way."""
    node = body
    for i, token in enumerate(path[:-1]):
        following = path[i + 1]
        if token == WILDCARD:
            if not node:
                node.append([] if following == WILDCARD else {})
            node = node[0]
            continue
        if token not in node:
            node[token] = [] if following == WILDCARD else {}
        node = node[token]
    last = path[-1]
    if last == WILDCARD:
        if node:
            node[0] = value
        else:
            node.append(value)
    else:
        node[last] = value


def remove_path(body: Any, path: tuple[str, ...]) -> bool:
    """Remove the value at `path` (every array item); True if anything was removed."""
    if not path:
        return False
    if path[0] == WILDCARD:
        return any([remove_path(item, path[1:]) for item in body if isinstance(item, dict | list)])
    if not isinstance(body, dict) or path[0] not in body:
        return False
    if len(path) == 1:
        del body[path[0]]
        return True
    return remove_path(body[path[0]], path[1:])


def _out_of_enum(param: Parameter) -> Any:
    if param.concept == "aspect_ratio":
        return "7:3"
    if param.concept == "image_size":
        return "16K"
    return "not-a-documented-value"


def constraint_breaks(op: Operation) -> Iterator[ConstraintBreak]:
    """For every enforced constraint of `op`'s body, a body that breaks only that constraint."""
    base = minimal_body(op)
    if base is None:
        return
    for param in op.body_parameters:
        if not param.path:
            if param.closed:
                yield ConstraintBreak(
                    param,
                    "closed",
                    "unknown top-level key",
                    {**copy.deepcopy(base), "unknownField": True},
                )
            continue
        yield from _breaks_of(op, base, param)


def _breaks_of(op: Operation, base: dict[str, Any], p: Parameter) -> Iterator[ConstraintBreak]:
    name = p.name
    if p.required and p.required_in == "each" and len(p.path) >= 1:
        body, concrete = prepared(op, base, p)
        parent: Any = body
        for token in concrete[:-1]:
            parent = parent[token]
        if isinstance(parent, dict) and concrete[-1] in parent:
            del parent[concrete[-1]]
            yield ConstraintBreak(p, "required", f"{name} omitted", body)
    if p.enforcement != "enforced":
        return
    if p.type != "object" or not p.is_container:
        yield ConstraintBreak(
            p, "type", f"{name} of the wrong type", body_with(base, p, _WRONG_TYPE[p.type], op)
        )
    if p.enum is not None:
        yield ConstraintBreak(
            p, "enum", f"{name} outside its enum", body_with(base, p, _out_of_enum(p), op)
        )
    if p.minimum is not None and p.type in ("integer", "number"):
        low = p.minimum - 1 if p.type == "integer" else p.minimum - 0.5
        yield ConstraintBreak(
            p,
            "minimum",
            f"{name} below {p.minimum}",
            body_with(base, p, int(low) if p.type == "integer" else low, op),
        )
    if p.maximum is not None and p.type in ("integer", "number"):
        high = p.maximum + 1 if p.type == "integer" else p.maximum + 0.5
        yield ConstraintBreak(
            p,
            "maximum",
            f"{name} above {p.maximum}",
            body_with(base, p, int(high) if p.type == "integer" else high, op),
        )
    limit = p.max_length
    if limit is not None and limit.unit == "characters" and limit.enforcement == "enforced":
        yield ConstraintBreak(
            p,
            "max_length",
            f"{name} longer than {limit.value} characters",
            body_with(base, p, "a" * (limit.value + 1), op),
        )
    if p.min_length and p.type == "string":
        yield ConstraintBreak(p, "min_length", f"{name} empty", body_with(base, p, "", op))
    if p.min_items and p.type == "array":
        yield ConstraintBreak(p, "min_items", f"{name} empty", body_with(base, p, [], op))
    if p.max_items is not None and p.type == "array":
        current = _get(base, p.path)
        filler = current[0] if isinstance(current, list) and current else sample_value(p)
        yield ConstraintBreak(
            p,
            "max_items",
            f"{name} with {p.max_items + 1} items",
            body_with(base, p, [copy.deepcopy(filler) for _ in range(p.max_items + 1)], op),
        )
    if p.items_enum is not None:
        yield ConstraintBreak(
            p, "enum", f"{name} with an undocumented item", body_with(base, p, ["HOLOGRAM"], op)
        )
    if p.closed and p.type == "object":
        current = _get(base, p.path)
        obj = dict(current) if isinstance(current, dict) else _build(op, p.path, p)
        obj = obj if isinstance(obj, dict) else {}
        obj["unknownField"] = True
        yield ConstraintBreak(
            p, "closed", f"unknown key inside {name}", body_with(base, p, obj, op)
        )


def _get(body: Any, path: tuple[str, ...]) -> Any:
    node = body
    for token in path:
        if token == WILDCARD:
            if not isinstance(node, list) or not node:
                return None
            node = node[0]
        elif isinstance(node, dict) and token in node:
            node = node[token]
        else:
            return None
    return node
