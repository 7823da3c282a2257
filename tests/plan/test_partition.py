"""`--jobs`' partition: every selected operation in exactly one part, in plan order within a
part, the same parts every time, and parts balanced by the estimate."""

from __future__ import annotations

from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st

from conformance.plan.partition import estimate, partition
from conformance.plan.planner import PlanOptions, operations, plan, plan_operation
from conformance.spec.resolve import load_spec

SPEC = load_spec(Path(__file__).resolve().parents[2] / "specs")
PROVIDERS = tuple(p.id for p in SPEC.providers)


@settings(max_examples=40, deadline=None)
@given(st.integers(1, 8), st.lists(st.sampled_from(PROVIDERS), unique=True), st.integers(0, 4))
def test_every_operation_in_exactly_one_part(
    count: int, providers: list[str], max_examples: int
) -> None:
    options = PlanOptions(providers=tuple(providers), max_examples=max_examples)
    total = len(list(operations(SPEC, options)))
    parts = partition(SPEC, options, count)
    assert len(parts) == count
    assert sorted(i for part in parts for i in part) == list(range(total))
    assert all(part == sorted(part) for part in parts)
    assert parts == partition(SPEC, options, count)  # deterministic
    weights = [estimate(op, max_examples) for _, _, op in operations(SPEC, options)]
    loads = [sum(weights[i] for i in part) for part in parts]
    if weights:
        assert max(loads) - min(loads) <= max(weights)


def test_the_parts_plans_add_up_to_the_plan() -> None:
    options = PlanOptions(max_examples=1)
    whole = plan(SPEC, options)
    parts = [plan(SPEC, options, only=frozenset(p)) for p in partition(SPEC, options, 3)]
    assert sorted(c.id for p in parts for c in p.cases) == sorted(c.id for c in whole.cases)
    assert sum(len(p.coverage) for p in parts) == len(whole.coverage)


def test_the_estimate_is_close_to_the_planned_cases() -> None:
    options = PlanOptions()
    for provider, model, operation in operations(SPEC, options):
        planned = len(plan_operation(provider, model, operation, options)[0])
        assert 0.5 <= planned / estimate(operation, options.max_examples) <= 1.5
