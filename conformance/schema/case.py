"""Case-insensitive enums in JSON Schema: the listed spellings, or any letter case of them.

`case_insensitive: true` on a parameter (Imagen's enums, Gemini's response modalities: "enum
values are case-insensitive upstream") means `Allow_Adult` is as valid as `allow_adult`. JSON
Schema's `enum` is exact and ECMA 262 patterns have no case flag, so each letter becomes a
character class. The relay reads the value case-folded (`server.params`).
"""

from __future__ import annotations

import re
from typing import Any

from conformance.spec.model import Parameter


def any_case_pattern(values: list[Any]) -> str:
    """A pattern matching each string of `values` in any letter case (ECMA 262 syntax)."""
    alternatives = []
    for value in values:
        if not isinstance(value, str):
            continue
        alternatives.append(
            "".join(
                f"[{c.lower()}{c.upper()}]" if c.lower() != c.upper() else re.escape(c)
                for c in value
            )
        )
    return "^(?:" + "|".join(alternatives) + ")$"


def fold_case(schema: dict[str, Any], param: Parameter) -> None:
    """Accept a case-insensitive enum's strings in any case (`Allow_Adult`, `Image`).

    The listed spellings stay an `enum` (tools and generators read it); an `anyOf` adds the
    any-case pattern, and `x-enum-any-case` lets the validator report a miss as an `enum` miss.
    """
    if not param.case_insensitive:
        return
    target = schema.get("items") if param.items_enum is not None else schema
    if not isinstance(target, dict) or "enum" not in target:
        return
    listed = target.pop("enum")
    canonical = list(param.items_enum if param.items_enum is not None else param.enum or ())
    target["anyOf"] = [{"enum": listed}, {"type": "string", "pattern": any_case_pattern(canonical)}]
    target["x-enum-any-case"] = canonical
