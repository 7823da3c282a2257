"""Negative cases: one request per enforced constraint, each breaking exactly that constraint.

A constraint is only worth a request when the request breaks it alone: otherwise a relay that
rejects the request for another reason would pass for the wrong one. So every candidate is checked
against the generated request schema and kept only when it breaks the targeted rule at the
targeted pointer and nothing outside that parameter's own subtree (emptying `contents` also breaks
the "some part holds text" rule declared inside it); the rest are returned as `unplanned` with
the reason, so the plan can say what it could not isolate instead of dropping it silently.
"""

from __future__ import annotations

import copy
import json
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from conformance.images import encode_base64, make_image
from conformance.plan.bodies import base_body, meet_requires
from conformance.plan.case import Target
from conformance.plan.covering import value_set
from conformance.plan.memo import Memo, copy_json, key_of, meaning
from conformance.schema.validate import validator_for
from conformance.spec.model import WILDCARD, Model, Operation, Parameter, Provider

NOT_IN_ENUM = "conformance-not-in-enum"
UNKNOWN_KEY = "conformanceUnknownField"
WRONG_SCALAR: dict[str, str] = {"conformance": "wrong-type"}


@dataclass(frozen=True)
class Negative:
    target: Target
    body: dict[str, Any]
    description: str


@dataclass(frozen=True)
class Unplanned:
    parameter: str
    rule: str
    reason: str


def _tiny_png() -> str:
    return encode_base64(make_image(8, 8, "png"))


def _param_at(operation: Operation, path: tuple[str, ...]) -> Parameter | None:
    return next((p for p in operation.body_parameters if p.path == path), None)


def _instance(operation: Operation, param: Parameter | None) -> Any:
    """A valid value for an object or array parameter: required children filled in."""
    if param is None or param.type == "object":
        out: dict[str, Any] = {}
        prefix = param.path if param else ()
        for child in operation.body_parameters:
            if child.path[:-1] == prefix and child.required and child.required_in == "each":
                out[child.path[-1]] = _leaf(operation, child)
        return out
    return [] if param.type == "array" else _leaf(operation, param)


def _leaf(operation: Operation, param: Parameter) -> Any:
    if param.enum:
        return param.enum[0]
    if param.format == "base64":
        return _tiny_png()
    if param.type in ("object", "array"):
        return _instance(operation, param)
    return {"integer": 1, "number": 1, "boolean": True}.get(param.type, "conformance")


def _key(node: dict[str, Any], param: Parameter | None, token: str) -> str | None:
    names = param.property_names if param else (token,)
    return next((n for n in names if n in node), None)


def host(
    operation: Operation, body: dict[str, Any], path: tuple[str, ...]
) -> tuple[dict[str, Any], list[str | int]] | None:
    """Make every ancestor of `path` exist validly; return the body and the concrete path.

    An array item with exactly-one-of alternatives gets a new sibling item, so that the target
    does not collide with the alternative the base body already uses (the prompt's text part)."""
    out = copy.deepcopy(body)
    node: Any = out
    concrete: list[str | int] = []
    for i, token in enumerate(path):
        last = i == len(path) - 1
        here = _param_at(operation, path[: i + 1])
        if token == WILDCARD:
            if not isinstance(node, list):
                return None
            nxt = path[i + 1] if not last else None
            child = _param_at(operation, path[: i + 2]) if nxt else None
            index = next(
                (
                    j
                    for j, item in enumerate(node)
                    if isinstance(item, dict) and nxt and _key(item, child, nxt)
                ),
                None,
            )
            if index is None:
                if here is not None and here.exactly_one_of and node:
                    node.append({})
                elif not node:
                    node.append({} if nxt else _leaf(operation, here) if here else {})
                index = len(node) - 1 if here is not None and here.exactly_one_of else 0
            concrete.append(index)
            node = node[index]
            continue
        if not isinstance(node, dict):
            return None
        key = _key(node, here, token) or token
        concrete.append(key)
        if last:
            break
        if key not in node:
            node[key] = _instance(operation, here)
        node = node[key]
    return out, concrete


def _pointer(concrete: list[str | int]) -> str:
    return "".join(f"/{t}" for t in concrete)


def _set(body: dict[str, Any], concrete: list[str | int], value: Any) -> dict[str, Any]:
    node: Any = body
    for token in concrete[:-1]:
        node = node[token]
    node[concrete[-1]] = value
    return body


def _delete(body: dict[str, Any], concrete: list[str | int]) -> dict[str, Any]:
    node: Any = body
    for token in concrete[:-1]:
        node = node[token]
    if isinstance(node, dict):
        node.pop(concrete[-1], None)
    return body


def _mutations(operation: Operation, param: Parameter) -> Iterator[tuple[str, Any, str]]:
    """(rule, value or DELETE/UNKNOWN marker, description) for each constraint of `param`."""
    enforced = param.enforcement == "enforced"
    if param.enum and enforced:
        yield "enum", NOT_IN_ENUM, f"{param.name} not in its enum"
    if param.items_enum and enforced:
        yield "enum", [NOT_IN_ENUM], f"{param.name} item not in its enum"
    if param.minimum is not None and enforced:
        step = 1 if param.type == "integer" else 0.5
        yield "minimum", _num(param, param.minimum - step), f"{param.name} below its minimum"
    if param.maximum is not None and enforced:
        step = 1 if param.type == "integer" else 0.5
        yield "maximum", _num(param, param.maximum + step), f"{param.name} above its maximum"
    if param.min_length and param.type == "string":
        yield "minLength", "", f"{param.name} shorter than {param.min_length} character(s)"
    limit = param.max_length
    if limit and limit.unit == "characters" and limit.enforcement == "enforced" and enforced:
        yield "maxLength", "x" * (limit.value + 1), f"{param.name} over {limit.value} characters"
    if param.min_items and enforced:
        yield "minItems", [], f"{param.name} with fewer than {param.min_items} item(s)"
    if param.max_items is not None and enforced:
        yield "maxItems", "__REPEAT__", f"{param.name} with more than {param.max_items} item(s)"
    if param.unique_items and param.items_enum and enforced:
        first = param.items_enum[-1]
        yield "uniqueItems", [first, first], f"{param.name} with a repeated item"
    if param.format == "base64":
        yield "pattern", "not base64!", f"{param.name} is not base64"
    if param.closed:
        yield "additionalProperties", "__UNKNOWN__", f"unknown key in {param.name}"
    if param.exactly_one_of:
        yield "oneOf", "__TWO__", f"{param.name} with two of {', '.join(param.exactly_one_of)}"
    if param.requires and enforced:
        name, wanted = param.requires[0]
        yield "requires", "__UNMET__", f"{param.name} sent without {name} = {json.dumps(wanted)}"
    if param.required and param.required_in == "each" and param.path:
        yield "required", "__DELETE__", f"{param.name} missing"
    if not param.enum and not param.items_enum and param.path:
        wrong: Any = "wrong-type" if param.type in ("object", "array") else dict(WRONG_SCALAR)
        yield "type", wrong, f"{param.name} of the wrong type (not {param.type})"


def _num(param: Parameter, value: float) -> float | int:
    return int(value) if param.type == "integer" else value


#: The negatives of one (model id, parameters, JSON mapping): all the bodies and the request
#: schema read (the provider only names the schema: `title`, `x-provider`).
_DERIVED: Memo[tuple[list[Negative], list[Unplanned]]] = Memo(
    lambda found: (
        [Negative(n.target, copy_json(n.body), n.description) for n in found[0]],
        list(found[1]),
    )
)


def negatives(
    provider: Provider, model: Model, operation: Operation
) -> tuple[list[Negative], list[Unplanned]]:
    """Every isolatable single-constraint violation of the operation's request body."""
    key = (model.id, key_of(operation.parameters), repr(meaning(operation.json_mapping)))
    return _DERIVED.get(key, lambda: _negatives(provider, model, operation))


def _negatives(
    provider: Provider, model: Model, operation: Operation
) -> tuple[list[Negative], list[Unplanned]]:
    body = base_body(model, operation)
    validator = validator_for(provider, model, operation, "request")
    if body is None or validator is None:
        return [], []
    planned: list[Negative] = []
    unplanned: list[Unplanned] = []
    for param in operation.body_parameters:
        for rule, value, description in _mutations(operation, param):
            built = _build(operation, body, param, rule, value)
            if built is None:
                unplanned.append(Unplanned(param.name, rule, "no body can hold it"))
                continue
            candidate, pointer = built
            if rule != "requires":
                # Vertex's seed below its minimum is refused for the watermark as well: the
                # other rule is met, so the request breaks the targeted one alone.
                candidate = meet_requires(operation, candidate)
            found = validator.rules_broken(candidate)
            if rule == "required" and len(param.property_names) > 1:
                rule = "anyOf"
            if any(v.rule == rule and v.pointer == pointer for v in found) and all(
                _within(operation, param, v.parameter) for v in found
            ):
                planned.append(Negative(Target(param.name, rule, pointer), candidate, description))
            else:
                why = "; ".join(sorted({f"{v.rule} at {v.pointer or '/'}" for v in found}))
                unplanned.append(
                    Unplanned(
                        param.name,
                        rule,
                        "cannot be broken alone"
                        + (f" (also {why})" if why else " (schema accepts)"),
                    )
                )
    return planned, unplanned


def _build(
    operation: Operation, body: dict[str, Any], param: Parameter, rule: str, value: Any
) -> tuple[dict[str, Any], str] | None:
    item_of_list = value == "__TWO__" and param.path[-1:] == (WILDCARD,)
    path = param.path[:-1] if item_of_list else param.path
    hosted = host(operation, body, path) if path else (copy.deepcopy(body), [])
    if hosted is None:
        return None
    out, concrete = hosted
    if item_of_list:
        concrete = [*concrete, 0]
    if value == "__DELETE__" and len(param.property_names) > 1:
        # Aliased names are required as "any of": the schema reports it at the parent.
        return _delete(out, concrete), _pointer(concrete[:-1])
    if value == "__UNKNOWN__":
        current = _get(out, concrete) if concrete else out
        if current is None:
            out = _set(out, concrete, _instance(operation, param)) if concrete else out
        target = _get(out, concrete) if concrete else out
        if not isinstance(target, dict):
            return None
        target[UNKNOWN_KEY] = True
        return out, _pointer([*concrete, UNKNOWN_KEY])
    if not concrete:
        return None
    if value == "__DELETE__":
        return _delete(out, concrete), _pointer(concrete)
    if value == "__REPEAT__":
        current = _get(out, concrete)
        item = current[0] if isinstance(current, list) and current else _instance(operation, None)
        return _set(
            out, concrete, [copy.deepcopy(item)] * (int(param.max_items or 0) + 1)
        ), _pointer(concrete)
    if value == "__UNMET__":
        return _unmet(operation, out, concrete, param)
    if value == "__TWO__":
        current = _get(out, concrete)
        if not isinstance(current, dict):
            return None
        for name in param.exactly_one_of:
            if _key(current, None, name) is None and not any(
                n in current for n in _alias_group(operation, param, name)
            ):
                child = next(
                    (
                        p
                        for p in operation.body_parameters
                        if p.path[:-1] == param.path and name in p.property_names
                    ),
                    None,
                )
                current[name] = _instance(operation, child) if child else "conformance"
                break
        return out, _pointer(concrete)
    pointer = _pointer(concrete)
    if rule == "enum" and param.items_enum:
        pointer = _pointer([*concrete, 0])
    return _set(out, concrete, copy.deepcopy(value)), pointer


def _unmet(
    operation: Operation, body: dict[str, Any], concrete: list[str | int], param: Parameter
) -> tuple[dict[str, Any], str] | None:
    """`param` sent with a valid value and its first `requires` sibling with another valid
    value (the others met): the rule broken alone, reported at `param`."""
    parent = _get(body, concrete[:-1])
    if not isinstance(parent, dict):
        return None
    values = value_set(param)
    parent[concrete[-1]] = copy.deepcopy(values[0]) if values else _leaf(operation, param)
    for i, (name, wanted) in enumerate(param.requires):
        other = operation.parameter(name)
        value = None if other is None else _other_valid(other, wanted) if i == 0 else wanted
        if other is None or value is None:
            return None
        parent[next((n for n in other.property_names if n in parent), other.path[-1])] = value
    return body, _pointer(concrete)


def _other_valid(param: Parameter, wanted: Any) -> Any:
    """A valid value of `param` other than `wanted` (None when it has no other)."""
    if param.type == "boolean":
        return not wanted
    candidates: list[Any] = [*(param.enum or ()), *value_set(param)]
    if param.type in ("integer", "number"):
        candidates += [wanted + 1, wanted - 1]
    elif param.type == "string" and not param.enum:
        candidates.append("conformance")
    return next((c for c in candidates if c != wanted and _in_range(param, c)), None)


def _in_range(param: Parameter, value: Any) -> bool:
    if not isinstance(value, int | float) or isinstance(value, bool):
        return True
    return (param.minimum is None or value >= param.minimum) and (
        param.maximum is None or value <= param.maximum
    )


def _within(operation: Operation, param: Parameter, blamed: str | None) -> bool:
    """Whether a violation belongs to `param` or to a rule inside it.

    Emptying `contents` necessarily also breaks "some part holds text", a rule declared inside
    it: that is still one constraint broken, not two."""
    other = operation.parameter(blamed) if blamed else None
    return other is not None and other.path[: len(param.path)] == param.path


def _alias_group(operation: Operation, param: Parameter, name: str) -> tuple[str, ...]:
    child = next(
        (
            p
            for p in operation.body_parameters
            if p.path[:-1] == param.path and name in p.property_names
        ),
        None,
    )
    return child.property_names if child else (name,)


def _get(body: Any, concrete: list[str | int]) -> Any:
    node = body
    for token in concrete:
        try:
            node = node[token]
        except (KeyError, IndexError, TypeError):
            return None
    return node
