"""`rules_broken` (violations named from jsonschema-rs errors) names what `violations` (Python
jsonschema) names: the same pointers, rules and parameters, on every negative candidate the
planner builds and on bodies with any leaf replaced by a wrong value."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from conformance.plan.bodies import base_body
from conformance.plan.negative import _build, _mutations
from conformance.schema.validate import SchemaValidator, Violation, validator_for
from conformance.spec.model import Spec


def _named(found: list[Violation]) -> list[tuple[str, str, str | None, str | None]]:
    return sorted(
        (v.pointer, v.rule, v.parameter, str(v.spec_location) if v.spec_location else None)
        for v in found
    )


def _candidates(spec: Spec) -> Iterator[tuple[SchemaValidator, Any]]:
    for provider, model, operation in spec.iter_operations():
        validator = validator_for(provider, model, operation, "request")
        body = base_body(model, operation)
        if validator is None or body is None:
            continue
        yield validator, body
        for param in operation.body_parameters:
            for rule, value, _ in _mutations(operation, param):
                built = _build(operation, body, param, rule, value)
                if built is not None:
                    yield validator, built[0]


def test_every_negative_candidate_is_named_alike(spec: Spec) -> None:
    seen = 0
    for validator, candidate in _candidates(spec):
        assert _named(validator.rules_broken(candidate)) == _named(
            validator.violations(candidate)
        ), candidate
        seen += 1
    assert seen > 300


_WRONG = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(-(2**40), 2**40),
    st.floats(allow_nan=False, allow_infinity=False),
    st.text(max_size=5),
    st.lists(st.integers(0, 3), max_size=3),
    st.dictionaries(st.text(max_size=3), st.integers(0, 3), max_size=2),
)


def _leaves(node: Any, path: tuple[Any, ...] = ()) -> Iterator[tuple[Any, ...]]:
    yield path
    if isinstance(node, dict):
        for key, value in node.items():
            yield from _leaves(value, (*path, key))
    elif isinstance(node, list):
        for index, value in enumerate(node):
            yield from _leaves(value, (*path, index))


def _replaced(node: Any, path: tuple[Any, ...], value: Any) -> Any:
    if not path:
        return value
    copy: Any = dict(node) if isinstance(node, dict) else list(node)
    copy[path[0]] = _replaced(node[path[0]], path[1:], value)
    return copy


@settings(max_examples=150, deadline=None)
@given(st.data())
def test_any_wrong_value_is_named_alike(spec: Spec, data: st.DataObject) -> None:
    validator, candidate = data.draw(st.sampled_from(list(_candidates(spec))))
    path = data.draw(st.sampled_from(list(_leaves(candidate))))
    body = _replaced(candidate, path, data.draw(_WRONG))
    assert _named(validator.rules_broken(body)) == _named(validator.violations(body))
