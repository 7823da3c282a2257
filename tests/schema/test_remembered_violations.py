"""A validator's remembered violations are exactly the ones it would compute afresh.

`SchemaValidator.violations` keeps the violations of invalid documents by their JSON text, so
that the in-process relay does not ask the Python validator again about a negative request the
planner already judged. Asked twice, or asked about a document that differs only in key order,
in a number's type or in a tuple for a list (which JSON text alone would not tell apart), the
answer must be what a validator that remembers nothing says.
"""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from conformance.plan.planner import PlanOptions, plan
from conformance.schema.build import request_schema
from conformance.schema.validate import JUDGED_LIMIT, SchemaValidator, _text
from conformance.spec.resolve import load_spec

REPO = Path(__file__).resolve().parents[2]
SPEC = load_spec(REPO / "specs")
PLAN = plan(SPEC, PlanOptions(max_examples=0))
NEGATIVES = [c for c in PLAN.cases if c.kind == "negative" and isinstance(c.request.body, dict)]


def fresh(schema: dict[str, Any], operation: Any, instance: Any) -> list[Any]:
    return SchemaValidator(schema, operation).violations(instance)


def test_every_negative_request_is_answered_the_same_the_second_time() -> None:
    invalid = 0
    for case in NEGATIVES:
        schema = request_schema(case.provider, case.model, case.operation)
        assert schema is not None
        validator = SchemaValidator(schema, case.operation)
        body = case.request.body
        first = validator.violations(body)
        if not first:  # refused for another reason than its body (an unknown model's path)
            continue
        invalid += 1
        # The relay's copy: parsed from the text sent (sorted keys), a new object.
        sent = json.loads(case.request.body_json() or "null")
        again = validator.violations(copy.deepcopy(body))
        relayed = validator.violations(sent)
        assert again == first
        assert relayed == fresh(schema, case.operation, sent)
    assert invalid > 100


SCHEMA: dict[str, Any] = {
    "type": "object",
    "properties": {
        "n": {"type": "integer", "maximum": 3},
        "items": {"type": "array", "maxItems": 1},
        "mode": {"oneOf": [{"const": "a"}, {"const": "b"}]},
    },
    "additionalProperties": False,
}
VALUES = st.recursive(
    st.none() | st.booleans() | st.integers(-5, 5) | st.floats(-5, 5) | st.sampled_from("abc"),
    lambda inner: (
        st.lists(inner, max_size=3)
        | st.lists(inner, max_size=3).map(tuple)
        | st.dictionaries(st.sampled_from(["n", "items", "mode", "x"]), inner, max_size=4)
    ),
    max_leaves=8,
)


@settings(max_examples=300, deadline=None, database=None, suppress_health_check=list(HealthCheck))
@given(st.lists(st.dictionaries(st.sampled_from(["n", "items", "mode", "x"]), VALUES), max_size=6))
def test_any_sequence_of_documents_gets_the_fresh_answers(documents: list[Any]) -> None:
    validator = SchemaValidator(SCHEMA, None)
    for document in documents + documents[::-1] + documents:
        assert validator.violations(document) == fresh(SCHEMA, None, document)


def test_documents_json_text_cannot_tell_apart_are_not_remembered() -> None:
    assert _text({"items": (1, 2)}) is None
    assert _text({1: "a"}) is None
    assert _text({"n": 1}) != _text({"n": 1.0}) != _text({"n": True})
    assert _text({"n": 5, "x": 1}) != _text({"x": 1, "n": 5})
    nested: Any = []
    for _ in range(100_000):
        nested = [nested]
    assert _text(nested) is None


def test_memory_is_bounded_and_an_answer_is_let_go_once_asked_for_again() -> None:
    validator = SchemaValidator(SCHEMA, None)
    for n in range(JUDGED_LIMIT + 50):
        assert validator.violations({"x": n})
    assert len(validator._judged) == JUDGED_LIMIT
    assert validator.violations({"x": 0}) == fresh(SCHEMA, None, {"x": 0})
    assert len(validator._judged) == JUDGED_LIMIT - 1
    assert validator.violations({"x": JUDGED_LIMIT + 10}) == fresh(
        SCHEMA, None, {"x": JUDGED_LIMIT + 10}
    )


def test_key_order_is_part_of_what_is_remembered() -> None:
    # The message quotes the document as Python prints it: in its own key order.
    validator = SchemaValidator(SCHEMA, None)
    one, other = {"items": {"n": 1, "x": 2}}, {"items": {"x": 2, "n": 1}}
    assert validator.violations(one)[0].message != validator.violations(other)[0].message
    assert validator.violations(other) == fresh(SCHEMA, None, other)
