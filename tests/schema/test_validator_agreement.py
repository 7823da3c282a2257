"""The fast verdict (jsonschema-rs) and the detailed one (Python jsonschema) never disagree.

`SchemaValidator.violations` trusts jsonschema-rs to say "valid"; if the two ever disagreed, a
violation would go unreported. Both are asked about every planned request (positive and
negative), arbitrary JSON (with base64-like strings: the fast side checks base64 by decoding;
a trailing newline, which Python's `$` lets through and ECMA-262's does not, is left to
test_base64_format), and real responses.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from jsonschema import Draft202012Validator

from conformance.plan.planner import PlanOptions, plan
from conformance.schema.build import error_schema, request_schema, response_schema
from conformance.schema.validate import SchemaValidator
from conformance.spec.model import Spec
from conformance.spec.resolve import load_spec

REPO = Path(__file__).resolve().parents[2]
SPEC = load_spec(REPO / "specs")
UPSTREAM_SAMPLES = REPO.parent / "shared" / "upstream-samples"

SCHEMAS: list[dict[str, Any]] = []
for _p, _m, _o in SPEC.iter_operations():
    _request = request_schema(_p, _m, _o)
    if _request is not None:
        SCHEMAS.append(_request)
    SCHEMAS.append(response_schema(_p, _m, _o))
SCHEMAS += [error_schema(p) for p in SPEC.providers]

JSON = st.recursive(
    st.none()
    | st.booleans()
    | st.integers(-(2**53), 2**53)
    | st.floats(allow_nan=False, allow_infinity=False)
    | st.text(max_size=10)
    | st.text(alphabet="QUJD+/=-_é", max_size=12),
    lambda inner: (
        st.lists(inner, max_size=4)
        | st.dictionaries(
            st.sampled_from(
                [
                    "predictions",
                    "candidates",
                    "data",
                    "error",
                    "instances",
                    "contents",
                    "parameters",
                    "prompt",
                    "model",
                    "bytesBase64Encoded",
                    "mimeType",
                    "x",
                ]
            ),
            inner,
            max_size=4,
        )
    ),
    max_leaves=12,
)


def agree(schema: dict[str, Any], instance: Any) -> None:
    slow = Draft202012Validator(schema).is_valid(instance)
    fast = SchemaValidator(schema, None).is_valid(instance)
    assert fast == slow, (schema.get("title"), json.dumps(instance)[:300])


def test_planned_requests_agree(spec: Spec) -> None:
    cases = plan(spec, PlanOptions(max_examples=2)).cases
    checked = 0
    for case in cases:
        schema = request_schema(case.provider, case.model, case.operation)
        if schema is not None and case.request.body is not None:
            agree(schema, case.request.body)
            checked += 1
    assert checked > 500


@pytest.mark.parametrize("index", range(len(SCHEMAS)))
def test_arbitrary_json_agrees(index: int) -> None:
    schema = SCHEMAS[index]

    @settings(
        max_examples=40, deadline=None, database=None, suppress_health_check=list(HealthCheck)
    )
    @given(JSON)
    def check(instance: Any) -> None:
        agree(schema, instance)

    check()


def test_published_samples_agree() -> None:
    if not UPSTREAM_SAMPLES.is_dir():
        pytest.skip(f"upstream samples not available at {UPSTREAM_SAMPLES}")
    for path in UPSTREAM_SAMPLES.glob("*.json"):
        body = json.loads(path.read_text())
        for schema in SCHEMAS:
            agree(schema, body)
