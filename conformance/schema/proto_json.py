"""The protobuf JSON mapping as JSON Schema keywords: what a proto3 parser accepts beyond the spec.

A family that declares `json_mapping: {format: proto3}` is parsed upstream by a ProtoJSON parser
(https://protobuf.dev/programming-guides/json/), which accepts more than the documented spelling:
`null` for any field (the field stays unset), integers as decimal strings, and enum numbers. A
schema stricter than that fails bodies Google answers (false alarms on relays that add
`"tools": null`). Spellings and path-bound fields change which parameters exist and are applied
when the spec is resolved (`spec.json_mapping`); this module only widens the accepted values.
Each widened property names the rules it carries in `x-proto3`.
"""

from __future__ import annotations

import math
from typing import Any

from conformance.spec.model import WILDCARD, JsonMapping, Parameter

# A quoted integer's range can only be checked by listing the strings; beyond this many values
# the quoted form is checked for shape alone (and the range kept as an annotation).
QUOTED_RANGE_LIMIT = 256
_ANY_INTEGER = "^-?(?:0|[1-9][0-9]*)$"
_NON_NEGATIVE = "^(?:0|[1-9][0-9]*)$"


def nullable(param: Parameter) -> bool:
    """`null` means "not set": fine for an optional field, never for an item of a repeated one.

    A required field sent as `null` is as missing as an omitted one, so it stays a violation.
    """
    return (
        param.location == "body"
        and bool(param.path)
        and param.path[-1] != WILDCARD
        and not param.required
    )


def quoted_integer_pattern(param: Parameter) -> tuple[str, bool]:
    """(pattern for the decimal-string form, whether the pattern also checks the range)."""
    low, high = param.minimum, param.maximum
    if low is not None and high is not None and high - low < QUOTED_RANGE_LIMIT:
        values = [str(v) for v in range(math.ceil(low), math.floor(high) + 1)]
        return "^(?:" + "|".join(values) + ")$", True
    if low is not None and low >= 0:
        return _NON_NEGATIVE, high is None
    return _ANY_INTEGER, low is None and high is None


def widen(schema: dict[str, Any], param: Parameter, mapping: JsonMapping) -> None:
    """Add to `schema` (built for `param`) the forms a proto3 JSON parser also accepts."""
    kind = schema.get("type", param.type)
    types: list[str] = [kind] if isinstance(kind, str) else list(kind)
    rules: list[str] = []
    if param.type == "integer" and mapping.typed(param.path):
        pattern, ranged = quoted_integer_pattern(param)
        types.append("string")
        schema["pattern"] = pattern
        rules.append("quoted-integer")
        if not ranged:
            schema.setdefault("x-advisory", {})["quoted-range"] = [param.minimum, param.maximum]
    proto_enum = mapping.enum_for(param.name)
    if proto_enum is not None:
        values = param.items_enum if param.items_enum is not None else param.enum or ()
        numbers = [proto_enum.numbers[v] for v in values if v in proto_enum.numbers]
        items = schema.get("items")
        if param.items_enum is not None and isinstance(items, dict) and "enum" in items:
            items["type"] = ["string", "integer"]
            items["enum"] = [*items["enum"], *numbers]
            rules.append("enum-number")
        elif param.enum is not None and "enum" in schema:
            types.append("integer")
            schema["enum"] = [*schema["enum"], *numbers]
            rules.append("enum-number")
    if nullable(param):
        types.append("null")
        if "enum" in schema:
            schema["enum"] = [*schema["enum"], None]
        rules.append("null")
    schema["type"] = types[0] if len(types) == 1 else types
    if rules:
        schema["x-proto3"] = rules
