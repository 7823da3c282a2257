"""The base64 `pattern` of image payloads checked by a SIMD decode instead of a regex.

Generated schemas give every base64 field `pattern: ^[A-Za-z0-9+/]*={0,2}$`. jsonschema-rs runs
that regex at ~400 MB/s: on a 34 MB Imagen answer it was 90 ms, more than the JSON parse, while
a strict pybase64 decode of the same text takes ~10 ms. So the schema the fast validator
compiles (`fast_schema`) carries a custom format in the pattern's place, checked by
`is_base64_text`: a successful strict decode proves the text matches the pattern (only the
alphabet, at most two `=` and only at the end); anything else (unpadded, invalid) is decided by
the pattern itself, so the verdict is the regex's on every string. The schema the Python
validator reads, and every file written, keep the pattern.

Formats are annotations in draft 2020-12, and the fast validator checks formats only to run this
one: any other `format` keyword is left out of the fast schema, so no other verdict changes.
"""

from __future__ import annotations

import re
from typing import Any

from conformance.images.base64_text import decode_base64_strict
from conformance.schema.build import BASE64_PATTERN

FORMAT = "x-conformance-base64"
# ECMA-262 `^...$` without the multiline flag: the whole string (Python's `$` would also
# accept a trailing newline).
_WHOLE = re.compile(BASE64_PATTERN.removeprefix("^").removesuffix("$"))

# Keywords whose value is one subschema, a list of them, or a name -> subschema map.
_ONE = frozenset(
    {
        "additionalProperties",
        "items",
        "additionalItems",
        "contains",
        "not",
        "if",
        "then",
        "else",
        "propertyNames",
        "unevaluatedItems",
        "unevaluatedProperties",
    }
)
_MANY = frozenset({"allOf", "anyOf", "oneOf", "prefixItems"})
_NAMED = frozenset({"properties", "patternProperties", "$defs", "definitions", "dependentSchemas"})


def is_base64_text(text: str) -> bool:
    """Whether `text` matches `BASE64_PATTERN` as a JSON Schema validator reads it."""
    if decode_base64_strict(text) is not None:
        return True
    return _WHOLE.fullmatch(text) is not None


def fast_schema(schema: Any) -> tuple[Any, bool]:
    """(`schema` with each base64 pattern replaced by `FORMAT` and other formats dropped,
    whether any pattern was replaced)."""
    if isinstance(schema, list):  # a list of subschemas (`items` in older drafts)
        pairs = [fast_schema(s) for s in schema]
        return [s for s, _ in pairs], any(found for _, found in pairs)
    if not isinstance(schema, dict):
        return schema, False
    out: dict[str, Any] = {}
    found = False
    for key, value in schema.items():
        if key in _ONE or (key in _MANY and isinstance(value, list)):
            out[key], hit = fast_schema(value)
        elif key in _NAMED and isinstance(value, dict):
            named = {name: fast_schema(sub) for name, sub in value.items()}
            out[key] = {name: sub for name, (sub, _) in named.items()}
            hit = any(h for _, h in named.values())
        elif key == "format":
            continue
        else:
            out[key], hit = value, False
        found = found or hit
    if out.get("pattern") == BASE64_PATTERN and out.get("contentEncoding") == "base64":
        del out["pattern"]
        out["format"] = FORMAT
        found = True
    return out, found
