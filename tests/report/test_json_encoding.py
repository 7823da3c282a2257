"""The JSON report's bytes: orjson's fast path writes what the standard library would."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from conformance.report.json_report import render_json, write_json

json_values = st.recursive(
    st.none()
    | st.booleans()
    | st.integers(-(2**63), 2**63 - 1)
    | st.floats(allow_nan=False, allow_infinity=False).filter(lambda f: abs(f) < 1e15)
    | st.text(),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(), inner, max_size=4),
    max_leaves=30,
)


def _stdlib(value: Any) -> str:
    return json.dumps(value, indent=2, ensure_ascii=False) + "\n"


@settings(max_examples=200, deadline=None)
@given(st.dictionaries(st.text(), json_values, max_size=6))
def test_same_text_as_the_standard_library(report: dict[str, Any]) -> None:
    text = render_json(report)  # type: ignore[arg-type]
    assert json.loads(text) == report
    if not any(isinstance(v, float) for v in _leaves(report)):
        assert text == _stdlib(report)  # float spellings (1e-05 / 0.00001) may differ


def _leaves(value: Any) -> list[Any]:
    if isinstance(value, dict):
        return [leaf for v in value.values() for leaf in _leaves(v)]
    if isinstance(value, list):
        return [leaf for v in value for leaf in _leaves(v)]
    return [value]


def test_what_orjson_refuses_is_still_written(tmp_path: Path) -> None:
    # A hostile answer body kept in a report: an integer beyond 64 bits.
    report = {"cases": [{"body": {"created": 10**30}}], "name": "é"}
    path = tmp_path / "r.json"
    write_json(report, path)  # type: ignore[arg-type]
    assert path.read_text(encoding="utf-8") == _stdlib(report)
    assert json.loads(path.read_text(encoding="utf-8"))["cases"][0]["body"]["created"] == 10**30
