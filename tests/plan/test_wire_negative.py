"""Wire forms are planned for every entry operation, from the spec's documented answers."""

from __future__ import annotations

import json

from hypothesis import given, settings
from hypothesis import strategies as st

from conformance.plan.planner import PlanOptions, plan
from conformance.spec.model import Spec
from conformance.spec.wire import status_problem


def test_every_entry_operation_gets_each_form(spec: Spec) -> None:
    cases = plan(spec, PlanOptions(kinds=("wire",), max_examples=0)).cases
    by_op: dict[tuple[str, str, str], set[str]] = {}
    for c in cases:
        if "/wire/" in c.id:
            by_op.setdefault((c.provider.id, c.model.id, c.operation.name), set()).add(
                c.id.rsplit("/", 1)[1]
            )
    for provider, model, operation in spec.iter_operations():
        if operation not in model.entry_operations:
            continue
        assert by_op[(provider.id, model.id, operation.name)] == {
            "malformed-json",
            "no-content-type",
            "wrong-method",
            "oversized-body",
        }


def test_forms_break_only_the_wire(spec: Spec) -> None:
    cases = plan(spec, PlanOptions(providers=("google",), kinds=("wire",), max_examples=0))
    for c in (c for c in cases.cases if "/wire/" in c.id):
        r = c.request
        if c.id.endswith("malformed-json"):
            assert r.body is None and r.raw_body is not None
            assert dict(r.headers)["Content-Type"] == "application/json"
            try:
                json.loads(r.raw_body)
                raise AssertionError(f"{c.id} sends valid JSON")
            except ValueError:
                pass
            assert c.expect.status_class == "4xx" and c.expect.statuses == (400,)
            assert "upstream behaviour" in c.description
        elif c.id.endswith("no-content-type"):
            assert r.headers == () and r.body is not None and r.method == c.operation.method
            assert c.expect.status_class == "2xx" and "image-count" in c.checks
        elif c.id.endswith("oversized-body"):
            # the smallest valid body, padded to one byte over the documented limit
            assert r.raw_body is None and r.body is not None and r.method == c.operation.method
            text = r.body_json()
            assert text is not None and c.operation.body_limit is not None
            assert len(text.encode()) + r.padding == c.operation.body_limit + 1
            assert c.expect.status_class == "4xx" and c.expect.statuses == (400, 413)
            assert "error-envelope" in c.checks and "image-count" not in c.checks
        else:
            assert r.method not in (c.operation.method,) and r.body is None
            assert c.expect.statuses is None  # undocumented: the suite's rule, any 4xx
            assert "wire" in c.checks and "error-envelope" in c.checks


@settings(max_examples=50)
@given(st.lists(st.integers(200, 499), min_size=1, max_size=4))
def test_status_lists_must_be_one_class(statuses: list[int]) -> None:
    classes = {s // 100 for s in statuses}
    ok = len(classes) == 1 and classes <= {2, 4}
    assert (status_problem(tuple(statuses)) is None) == ok
