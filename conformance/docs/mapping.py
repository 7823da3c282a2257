"""The page lines for an operation whose bodies are read as proto3 JSON (`json_mapping`).

A reader comparing a relay's body with the table must know that Google also accepts `null`,
snake_case names, quoted integers, enum numbers and the path's `model` in the body: those forms
are valid, not findings. Each line names the source it follows.
"""

from __future__ import annotations

from conformance.docs import cells
from conformance.schema.proto_json import quoted_integer_pattern
from conformance.spec.model import Operation


def mapping_rules(operation: Operation) -> list[str]:
    """What the declared JSON mapping makes valid for `operation`, one rule per line."""
    mapping = operation.json_mapping
    if mapping is None:
        return []
    op = f"`{operation.name}`"
    rules = [
        f"{op} bodies are read as proto3 JSON into `{mapping.message}` "
        f"({mapping.message_source.cite()}; {mapping.source.cite()}): `null` for an optional "
        "field means the field is not set (its default), never inside an array, and a required "
        "field sent as `null` is missing; every proto field may be sent in lowerCamelCase or "
        "under its proto name (snake_case); unknown fields are still rejected."
    ]
    quoted = [
        p
        for p in operation.body_parameters
        if p.type == "integer" and mapping.typed(p.path) and p.enforcement == "enforced"
    ]
    for p in quoted:
        _, ranged = quoted_integer_pattern(p)
        scope = "within its range" if ranged else "(the range is checked on numbers only)"
        rules.append(
            f"{cells.code(p.name)} also accepts its value as a decimal string {scope}, "
            f'e.g. `"{int(p.minimum or 0)}"`.'
        )
    for enum in mapping.enums:
        if operation.parameter(enum.parameter) is None:
            continue
        numbers = ", ".join(f"{cells.code(n)} = {v}" for n, v in enum.numbers.items())
        rules.append(
            f"{cells.code(enum.parameter)} also accepts the enum numbers: {numbers} "
            f"({enum.source.cite()})."
        )
    for field in mapping.path_fields:
        rules.append(
            f"{cells.code(field.name)} may also be sent in the body, as "
            f"{cells.code(field.template)} or the bare id; the path decides which model answers "
            f"({field.source.cite()})."
        )
    for zone in mapping.untyped:
        rules.append(
            f"Inside {cells.code(cells.pointer_text('/' + '/'.join(zone.path)))} "
            f"(`{zone.proto_type}`, {zone.source.cite()}) no proto typing applies: keys are read "
            "as written, integers must be JSON numbers, `null` reads as the default."
        )
    return rules
