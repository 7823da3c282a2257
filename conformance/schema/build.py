"""Build request, response and error JSON Schemas from the resolved spec model.

Request schemas enforce exactly the enforced constraints; advisory and channel-dependent limits
are kept as `x-advisory` annotations so that tools (and readers) still see them. Every property
carries `x-param` and `x-spec` so that a violation can be traced to the spec line behind it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from conformance.schema.case import fold_case
from conformance.schema.proto_json import widen
from conformance.spec.model import WILDCARD, JsonMapping, Model, Operation, Parameter, Provider

DIALECT = "https://json-schema.org/draft/2020-12/schema"
BASE64_PATTERN = "^[A-Za-z0-9+/]*={0,2}$"


@dataclass
class _Node:
    """A position in the request body: an object property or an array's items."""

    param: Parameter | None = None
    children: dict[str, _Node] = field(default_factory=dict)


def _tree(parameters: tuple[Parameter, ...]) -> _Node:
    root = _Node()
    for param in sorted(parameters, key=lambda p: len(p.path)):
        node = root
        for token in param.path:
            node = node.children.setdefault(token, _Node())
        node.param = param
    return root


def _constraints(param: Parameter) -> tuple[dict[str, Any], dict[str, Any]]:
    """(enforced JSON Schema keywords, advisory annotations) for one parameter."""
    enforced: dict[str, Any] = {}
    advisory: dict[str, Any] = {}
    strict = param.enforcement == "enforced"
    target = enforced if strict else advisory
    if param.enum is not None:
        values = list(param.enum)
        if param.case_insensitive:
            values += [v.upper() for v in param.enum if isinstance(v, str) and v.upper() != v]
        target["enum"] = values
    if param.minimum is not None:
        target["minimum"] = param.minimum
    if param.maximum is not None:
        target["maximum"] = param.maximum
    if param.min_length is not None:
        enforced["minLength"] = param.min_length
    if param.max_length is not None:
        limit = param.max_length
        if limit.unit == "characters" and strict and limit.enforcement == "enforced":
            enforced["maxLength"] = limit.value
        else:
            advisory["maxLength"] = {"value": limit.value, "unit": limit.unit}
    if param.min_items is not None:
        target["minItems"] = param.min_items
    if param.max_items is not None:
        target["maxItems"] = param.max_items
    if param.unique_items:
        target["uniqueItems"] = True
    if param.items_enum is not None:
        values = list(param.items_enum)
        if param.case_insensitive:
            values += [v.lower() for v in param.items_enum if isinstance(v, str)]
        target["items"] = {"type": "string", "enum": values, "x-param": param.name}
    if param.format == "base64":
        enforced["contentEncoding"] = "base64"
        enforced["pattern"] = BASE64_PATTERN
    return enforced, advisory


def _node_schema(node: _Node, mapping: JsonMapping | None = None) -> dict[str, Any]:
    param = node.param
    schema: dict[str, Any] = {}
    if param is not None:
        schema["type"] = param.type
        if param.description:
            schema["description"] = param.description
        if param.has_default and param.default is not None:
            schema["default"] = param.default
        enforced, advisory = _constraints(param)
        schema.update(enforced)
        schema["x-param"] = param.name
        schema["x-source"] = param.source.cite()
        schema["x-spec"] = str(param.declared_at)
        if param.enforcement != "enforced":
            schema["x-enforcement"] = param.enforcement
        if advisory:
            schema["x-advisory"] = advisory
        if mapping is not None:
            widen(schema, param, mapping)
        fold_case(schema, param)
    if WILDCARD in node.children:
        schema.setdefault("type", "array")
        schema["items"] = _node_schema(node.children[WILDCARD], mapping)
    named = {k: v for k, v in node.children.items() if k != WILDCARD}
    if named or (param is not None and param.type == "object"):
        schema.setdefault("type", "object")
        properties: dict[str, Any] = {}
        required: list[str] = []
        for token, child in named.items():
            child_schema = _node_schema(child, mapping)
            names = child.param.property_names if child.param else (token,)
            for name in names:
                properties[name] = child_schema
            if child.param is not None and child.param.required:
                if child.param.required_in == "each" and len(names) == 1:
                    required.append(token)
                elif child.param.required_in == "each":
                    schema.setdefault("allOf", []).append(
                        {"anyOf": [{"required": [n]} for n in names], "x-param": child.param.name}
                    )
        if properties:
            schema["properties"] = properties
        if required:
            schema["required"] = required
        if param is not None and param.closed:
            schema["additionalProperties"] = False
        if param is not None and param.exactly_one_of:
            schema["oneOf"] = [_holds(k, mapping) for k in param.exactly_one_of]
        _requires(schema, [c.param for c in named.values() if c.param is not None], mapping)
    return schema


def _requires(
    schema: dict[str, Any], children: list[Parameter], mapping: JsonMapping | None
) -> None:
    """Each child's `requires` as "the child is unset, or every named sibling holds its value".

    One `anyOf` per rule, in its own `allOf` item marked `x-rule: requires`, so a violation is a
    single error at the parent object naming the rule (an `if`/`then` would report the sibling's
    `const` instead). Any spelling of either field counts; under proto3 JSON a null is unset."""
    by_name = {c.name: c for c in children}
    for child in children:
        wanted = [(by_name[n], v) for n, v in child.requires if n in by_name]
        if not wanted or child.enforcement != "enforced":
            continue
        unset = {"not": {"anyOf": [_holds(n, mapping) for n in child.property_names]}}
        met = [
            {"anyOf": [_holds_value(n, value) for n in other.property_names]}
            for other, value in wanted
        ]
        schema.setdefault("allOf", []).append(
            {
                "anyOf": [unset, met[0] if len(met) == 1 else {"allOf": met}],
                "x-param": child.name,
                "x-rule": "requires",
                "x-requires": {other.name: value for other, value in wanted},
                "x-spec": str(child.rule_location("requires")),
            }
        )


def _holds_value(key: str, value: Any) -> dict[str, Any]:
    return {"required": [key], "properties": {key: {"const": value}}}


def _holds(key: str, mapping: JsonMapping | None) -> dict[str, Any]:
    """That the object holds `key`; under proto3 JSON a null value does not count (it is unset)."""
    if mapping is None:
        return {"required": [key]}
    return {"required": [key], "properties": {key: {"not": {"type": "null"}}}}


def _some_required(schema: dict[str, Any], params: tuple[Parameter, ...]) -> None:
    """`required_in: some` on a path through arrays: at least one item somewhere holds it."""
    for param in params:
        if not (param.required and param.required_in == "some" and WILDCARD in param.path):
            continue
        first = param.path.index(WILDCARD)
        inner: dict[str, Any] = {"required": [param.path[-1]]}
        tail = param.path[first + 1 : -1]
        for i in range(len(tail) - 1, -1, -1):
            token = tail[i]
            inner = (
                {"contains": inner}
                if token == WILDCARD
                else {"type": "object", "required": [token], "properties": {token: inner}}
            )
        target = schema
        for token in param.path[:first]:
            target = target["properties"][token]
        target.setdefault("allOf", []).append(
            {"contains": inner, "x-param": param.name, "x-spec": str(param.declared_at)}
        )


def request_schema(provider: Provider, model: Model, operation: Operation) -> dict[str, Any] | None:
    """The JSON Schema of the request body, or None for an operation without one."""
    body = operation.body_parameters
    if not body:
        return None
    root = _tree(body)
    mapping = operation.json_mapping
    schema = _node_schema(root, mapping)
    _some_required(schema, body)
    head: dict[str, Any] = {
        "$schema": DIALECT,
        "title": f"{provider.id} {model.id} {operation.name} request",
        "x-provider": provider.id,
        "x-model": model.id,
        "x-operation": operation.name,
    }
    if mapping is not None:
        head["x-json-mapping"] = {
            "format": mapping.format,
            "message": mapping.message,
            "x-source": mapping.source.cite(),
            "x-spec": str(mapping.declared_at),
        }
    return {**head, **schema}


def response_schema(provider: Provider, model: Model, operation: Operation) -> dict[str, Any]:
    """The success response schema: the family's shape minus every named foreign shape."""
    body = dict(operation.response.schema)
    foreign = operation.response.foreign_shapes
    schema: dict[str, Any] = {
        "$schema": DIALECT,
        "title": f"{provider.id} {model.id} {operation.name} response",
        "x-provider": provider.id,
        "x-model": model.id,
        "x-operation": operation.name,
        "x-status": operation.success_status,
        "x-spec": str(operation.response.declared_at),
        **body,
    }
    if foreign:
        schema["x-foreign-shapes"] = dict(foreign)
        schema["not"] = {"anyOf": list(foreign.values())}
    return schema


def error_schema(provider: Provider) -> dict[str, Any]:
    envelope = provider.envelope
    return {
        "$schema": DIALECT,
        "title": f"{provider.id} error envelope ({envelope.id})",
        "description": envelope.title,
        "x-provider": provider.id,
        "x-envelope": envelope.id,
        "x-source": envelope.source.cite(),
        "x-spec": str(envelope.declared_at),
        **dict(envelope.schema),
    }
