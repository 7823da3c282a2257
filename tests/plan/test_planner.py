"""Plans are deterministic, cover every documented value at the lower bound, and every negative
case breaks exactly the constraint it targets."""

from __future__ import annotations

from pathlib import Path

import pytest

from conformance.checks import REGISTRY
from conformance.plan.bodies import covered_parameters, get_param
from conformance.plan.covering import lower_bound, value_set
from conformance.plan.planner import ALL_CHECKS, PlanOptions, plan
from conformance.schema.validate import validator_for
from conformance.spec.model import Spec
from conformance.spec.resolve import load_spec

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def spec() -> Spec:
    return load_spec(ROOT / "specs")


def _ops(spec: Spec) -> list[tuple[str, str, str]]:
    return [
        (p.id, m.id, o.name) for p in spec.providers for m in p.models for o in m.entry_operations
    ]


def test_same_seed_same_plan(spec: Spec) -> None:
    a = plan(spec, PlanOptions(seed=7, max_examples=4))
    b = plan(spec, PlanOptions(seed=7, max_examples=4))
    assert [c.id for c in a.cases] == [c.id for c in b.cases]
    assert [c.request.body_json() for c in a.cases] == [c.request.body_json() for c in b.cases]
    c = plan(spec, PlanOptions(seed=8, max_examples=4))
    explored = lambda p: [x.request.body_json() for x in p.cases if x.kind == "explore"]  # noqa: E731
    assert explored(a) != explored(c)


def test_case_ids_are_unique(spec: Spec) -> None:
    ids = [c.id for c in plan(spec).cases]
    assert len(ids) == len(set(ids))


def test_covering_plan_shows_every_value_at_the_lower_bound(spec: Spec) -> None:
    the_plan = plan(spec, PlanOptions(kinds=("positive",)))
    for provider, model, operation in _ops(spec):
        op = spec.provider(provider).model(model).operation(operation)  # type: ignore[union-attr]
        assert op is not None
        cases = [c for c in the_plan.cases if c.operation is op]
        cover = [c for c in cases if "/cover/" in c.id]
        assert len(cover) == lower_bound(op), (provider, model, operation)
        for param in covered_parameters(op):
            shown = [get_param(c.request.body, param)[1] for c in cases]
            for value in value_set(param):
                assert value in shown, (provider, model, param.name, value)


def test_coverage_reports_positive_count_next_to_the_bound(spec: Spec) -> None:
    for cov in plan(spec).coverage:
        assert cov.positive == cov.lower_bound


@pytest.mark.parametrize("kind", ["positive", "default", "auth", "explore", "blocked"])
def test_valid_cases_validate_against_the_request_schema(spec: Spec, kind: str) -> None:
    for case in plan(spec, PlanOptions(kinds=(kind,))).cases:  # type: ignore[arg-type]
        if case.expect.status_class != "2xx":
            continue
        validator = validator_for(case.provider, case.model, case.operation, "request")
        assert validator is not None
        assert validator.violations(case.request.body) == [], case.id


def test_every_negative_breaks_exactly_its_constraint(spec: Spec) -> None:
    negatives = plan(spec, PlanOptions(kinds=("negative",))).cases
    assert len(negatives) > 100
    for case in negatives:
        error = case.expect.error
        if error is not None and error.mistake == "unknown-model":
            # a valid body sent to a model that does not exist: nothing else is broken
            assert "/models/conformance-unknown-model:" in case.request.path, case.id
            validator = validator_for(case.provider, case.model, case.operation, "request")
            assert validator is not None and validator.violations(case.request.body) == []
            continue
        target = case.expect.violation
        assert target is not None and case.expect.status_class == "4xx"
        validator = validator_for(case.provider, case.model, case.operation, "request")
        assert validator is not None
        found = validator.violations(case.request.body)
        assert (target.rule, target.pointer) in {(v.rule, v.pointer) for v in found}, case.id
        param = case.operation.parameter(target.parameter)
        assert param is not None
        for v in found:  # anything else broken is a rule inside the same parameter
            blamed = case.operation.parameter(v.parameter or "")
            assert blamed is not None and blamed.path[: len(param.path)] == param.path, case.id


def test_negatives_cover_each_kind_of_constraint(spec: Spec) -> None:
    rules = {
        c.expect.violation.rule
        for c in plan(spec, PlanOptions(kinds=("negative",))).cases
        if c.expect.violation
    }
    assert {
        "enum",
        "minimum",
        "maximum",
        "type",
        "required",
        "additionalProperties",
        "maxLength",
        "minLength",
        "maxItems",
        "oneOf",
        "requires",
    } <= rules


def test_auth_matrix_per_scheme(spec: Spec) -> None:
    cases = plan(spec, PlanOptions(providers=("google",), kinds=("auth",))).cases
    labels = {c.id.rsplit("/", 1)[1] for c in cases}
    assert {"missing", "wrong", "wrong:query:key", "header:x-goog-api-key", "query:key"} == labels


def test_every_planned_check_is_registered() -> None:
    assert set(ALL_CHECKS) <= set(REGISTRY)


def test_filters(spec: Spec) -> None:
    cases = plan(spec, PlanOptions(providers=("tokaify",), checks=("auth",))).cases
    assert cases and all(c.provider.id == "tokaify" and c.checks == ("auth",) for c in cases)
