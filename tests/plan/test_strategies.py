"""Every body the request strategy draws is valid against the generated request schema."""

from __future__ import annotations

from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from conformance.plan.strategies import request_strategy
from conformance.schema.validate import validator_for
from conformance.spec.resolve import load_spec

SPEC = load_spec(Path(__file__).resolve().parents[2] / "specs")
OPS = [(p, m, o) for p, m, o in SPEC.iter_operations() if o.has_body]


@settings(max_examples=60, deadline=None, suppress_health_check=list(HealthCheck))
@given(st.data())
def test_generated_requests_validate(data: st.DataObject) -> None:
    provider, model, operation = data.draw(st.sampled_from(OPS))
    body = data.draw(request_strategy(model, operation))
    validator = validator_for(provider, model, operation, "request")
    assert validator is not None
    assert validator.violations(body) == []
