"""The fast validator's base64 check gives the pattern's verdict, only faster."""

from __future__ import annotations

import json
import re
from typing import Any

import pybase64
from hypothesis import given
from hypothesis import strategies as st
from jsonschema import Draft202012Validator

from conformance.schema.base64_format import FORMAT, fast_schema, is_base64_text
from conformance.schema.build import BASE64_PATTERN
from conformance.schema.validate import SchemaValidator

# The pattern as JSON Schema reads it (ECMA-262: `$` is the end of the string, no newline).
ECMA = re.compile(r"[A-Za-z0-9+/]*={0,2}")
B64 = {"type": "string", "contentEncoding": "base64", "pattern": BASE64_PATTERN}


@given(st.text(alphabet="AQgw+/=-_\n é", max_size=24))
def test_is_base64_text_is_the_pattern(text: str) -> None:
    assert is_base64_text(text) == (ECMA.fullmatch(text) is not None)


@given(st.binary(max_size=64), st.integers(0, 2))
def test_real_base64_passes_and_a_foreign_character_fails(data: bytes, cut: int) -> None:
    text = pybase64.b64encode(data).decode()
    assert is_base64_text(text)
    assert is_base64_text(text.rstrip("=")[: max(0, len(text) - cut)] if cut else text)
    assert not is_base64_text(text[:1] + "\n" + text[1:])
    assert not is_base64_text("=" + text + "A")


def test_only_the_base64_pattern_becomes_the_format() -> None:
    schema: dict[str, Any] = {
        "type": "object",
        "properties": {
            "image": B64,
            "format": {"type": "string", "format": "uri", "pattern": "^x"},
            "other": {"type": "string", "pattern": BASE64_PATTERN},  # not declared base64
        },
        "items": [B64],
        "$defs": {"b": B64},
        "default": {"x": B64},  # data, not a schema: untouched
    }
    fast, found = fast_schema(schema)
    assert found
    props = fast["properties"]
    assert props["image"] == {"type": "string", "contentEncoding": "base64", "format": FORMAT}
    assert props["format"] == {"type": "string", "pattern": "^x"}  # a property named "format"
    assert props["other"] == schema["properties"]["other"]
    assert fast["items"][0]["format"] == FORMAT and fast["$defs"]["b"]["format"] == FORMAT
    assert fast["default"] == {"x": B64}
    assert schema["properties"]["image"] == B64  # the original is not changed
    assert fast_schema({"type": "string"}) == ({"type": "string"}, False)


@given(st.text(alphabet="QUJD+/=\n", max_size=16))
def test_a_validator_agrees_with_python_jsonschema_on_base64_fields(text: str) -> None:
    schema = {"type": "object", "properties": {"b": B64}}
    slow = Draft202012Validator(schema).is_valid({"b": text}) and "\n" not in text
    assert SchemaValidator(schema, None).is_valid({"b": text}) == slow, json.dumps(text)
