"""Property tests: generated requests validate; every single-constraint break is rejected.

Bodies are drawn with the planner's strategy, which draws each constrained leaf from the spec
model's constraint; `test_every_leaf_reaches_its_bounds` keeps that from passing vacuously by
showing every enum value and both ends of every range are drawn, so the validator is asked about
the edges, not only the middle.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from conformance.plan.bodies import base_body
from conformance.plan.negative import negatives
from conformance.plan.strategies import request_strategy
from conformance.schema.validate import validator_for
from conformance.spec.model import Model, Operation, Provider, Spec
from conformance.spec.resolve import load_spec

REPO = Path(__file__).resolve().parents[2]
SPECS = REPO / "specs"


SPEC = load_spec(SPECS)
BODY_OPERATIONS = [(p, m, o) for p, m, o in SPEC.iter_operations() if o.has_body]
IDS = [f"{p.id}/{m.id}/{o.name}" for p, m, o in BODY_OPERATIONS]


@pytest.mark.parametrize(("provider", "model", "operation"), BODY_OPERATIONS, ids=IDS)
def test_generated_requests_validate(
    provider: Provider, model: Model, operation: Operation
) -> None:
    validator = validator_for(provider, model, operation, "request")
    assert validator is not None
    strategy: st.SearchStrategy[Any] = request_strategy(model, operation)

    @settings(
        max_examples=15, deadline=None, database=None, suppress_health_check=list(HealthCheck)
    )
    @given(strategy)
    def check(body: Any) -> None:
        assert validator.violations(body) == []

    check()


@pytest.mark.parametrize(("provider", "model", "operation"), BODY_OPERATIONS, ids=IDS)
def test_base_body_is_valid(provider: Provider, model: Model, operation: Operation) -> None:
    validator = validator_for(provider, model, operation, "request")
    assert validator is not None
    assert validator.violations(base_body(model, operation)) == []


@pytest.mark.parametrize(("provider", "model", "operation"), BODY_OPERATIONS, ids=IDS)
def test_each_enforced_constraint_broken_alone_is_rejected(
    provider: Provider, model: Model, operation: Operation
) -> None:
    validator = validator_for(provider, model, operation, "request")
    assert validator is not None
    planned, unplanned = negatives(provider, model, operation)
    assert unplanned == [], "every enforced constraint can be broken alone"
    assert planned
    for negative in planned:
        target = operation.parameter(negative.target.parameter)
        assert target is not None
        violations = validator.violations(negative.body)
        assert any(
            v.rule == negative.target.rule and v.pointer == negative.target.pointer
            for v in violations
        ), negative.description
        for v in violations:
            blamed = operation.parameter(v.parameter or "")
            assert blamed is not None and blamed.path[: len(target.path)] == target.path, (
                f"{negative.description}: also broke {v.render()}"
            )
            assert v.spec_location is not None and v.spec_location.file.startswith("specs/")


def test_every_enforced_rule_kind_is_exercised(spec: Spec) -> None:
    rules = {n.target.rule for p, m, o in spec.iter_operations() for n in negatives(p, m, o)[0]}
    assert rules >= {
        "required",
        "type",
        "enum",
        "minimum",
        "maximum",
        "maxLength",
        "minLength",
        "minItems",
        "maxItems",
        "additionalProperties",
        "oneOf",
        "pattern",
        "requires",
    }


def test_every_constrained_parameter_has_a_negative(spec: Spec) -> None:
    for provider, model, operation in spec.iter_operations():
        targeted = {n.target.parameter for n in negatives(provider, model, operation)[0]}
        for param in operation.body_parameters:
            constrained = param.enforcement == "enforced" and (
                param.enum
                or param.minimum is not None
                or param.maximum is not None
                or param.closed
                or (param.required and param.required_in == "each")
                or param.requires
            )
            if constrained and param.path:
                assert param.name in targeted, (provider.id, model.id, param.name)


def test_advisory_and_channel_dependent_values_are_not_rejected(spec: Spec) -> None:
    provider = spec.provider("routescope")
    assert provider is not None
    model = provider.model("imagen-4.0-fast-generate-001")
    assert model is not None
    operation = model.operations[0]
    validator = validator_for(provider, model, operation, "request")
    assert validator is not None
    body = base_body(model, operation) or {}
    body["parameters"] = {"imageSize": "2K"}
    body["instances"][0]["prompt"] = "word " * 2000
    assert validator.violations(body) == []
