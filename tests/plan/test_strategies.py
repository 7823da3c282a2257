"""Every body the request strategy draws is valid against the generated request schema."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, Phase, find, given, settings
from hypothesis import strategies as st

from conformance.plan.bodies import covered_parameters
from conformance.plan.covering import value_set
from conformance.plan.strategies import NUMBER_STEP, leaf_strategy, request_strategy
from conformance.schema.validate import validator_for
from conformance.spec.model import Parameter
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


def _edges(param: Parameter) -> list[Any]:
    """The values a leaf strategy must be able to draw: every enum value, both ends of a range."""
    if param.items_enum:
        return list(value_set(param))
    if param.enum:
        return list(param.enum)
    if param.type == "boolean":
        return [True, False]
    ends = [param.minimum, param.maximum]
    if param.type == "integer":
        return [e for e in ends if e is not None]
    return [e for e in ends if e is not None and e % NUMBER_STEP == 0]


LEAVES = [
    (f"{p.id}/{m.id}/{param.name}", param)
    for p, m, o in OPS
    for param in covered_parameters(o)
    if param.enforcement == "enforced"
]


@pytest.mark.parametrize("param", [leaf for _, leaf in LEAVES], ids=[i for i, _ in LEAVES])
def test_every_leaf_reaches_its_edges(param: Parameter) -> None:
    # Without this, "every drawn body validates" could hold by drawing only tame middles.
    strategy = leaf_strategy(param)
    for edge in _edges(param):
        found = find(
            strategy,
            lambda v, edge=edge: v == edge and isinstance(v, bool) == isinstance(edge, bool),
            settings=settings(max_examples=3000, database=None, phases=[Phase.generate]),
        )
        assert found == edge


def test_a_leaf_without_a_stated_constraint_is_refused() -> None:
    prompt = next(o.by_concept("prompt") for _, _, o in OPS if o.by_concept("prompt"))
    assert prompt is not None and not prompt.enum  # free text: nothing to draw from
    with pytest.raises(ValueError, match="no strategy"):
        leaf_strategy(prompt)


def test_exploring_reads_no_source_for_a_database_key(monkeypatch: pytest.MonkeyPatch) -> None:
    """The planner's sessions have no database, so hypothesis must not digest the collecting
    function's source for a database key on every session (it tokenized it each time)."""
    import hypothesis.core

    from conformance.plan import strategies

    def digest(_: object) -> bytes:
        raise AssertionError("function_digest called for a database-less session")

    monkeypatch.setattr(hypothesis.core, "function_digest", digest)
    _, model, operation = OPS[0]
    drawn = strategies.draw(model, operation, 3, seed=0)
    assert len(drawn) == 3


def _enforced(operation: Any) -> tuple[Parameter, ...]:
    return tuple(p for p in covered_parameters(operation) if p.enforcement == "enforced")


def test_operations_covering_the_same_parameters_share_one_values_strategy() -> None:
    """Sharing the strategy object changes no draw: with it warm (its properties worked out by
    other operations' sessions) an operation draws the bodies a fresh object draws."""
    from conformance.plan import strategies

    by_meaning: dict[str, list[tuple[Any, Any]]] = {}
    for _, model, operation in OPS:
        by_meaning.setdefault(strategies.key_of(_enforced(operation)), []).append(
            (model, operation)
        )
    shared = next(pairs for pairs in by_meaning.values() if len(pairs) > 1)
    (m1, o1), (_, o2) = shared[:2]
    assert o1.parameters is not o2.parameters
    strategies._VALUES.clear()
    fresh = strategies.draw(m1, o1, 3, 0)
    for model, operation in (pair for pairs in by_meaning.values() for pair in pairs):
        strategies.draw(model, operation, 3, 0)
    assert strategies.draw(m1, o1, 3, 0) == fresh
    values = strategies._optional_values
    assert values(_enforced(o1)) is values(_enforced(o2))
    assert strategies._VALUES.misses == len(by_meaning)  # one object built per meaning
