"""Property: whatever JSON arrives, the relay never answers 5xx (unless told to by server-error),
and with accept-invalid it still answers 2xx with images it can describe."""

from __future__ import annotations

from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from relay_testkit import SPEC, auth
from starlette.testclient import TestClient

from conformance.server import RelayOptions, create_app
from conformance.server.samples import place, sample_body

JSON = st.recursive(
    st.none()
    | st.booleans()
    | st.integers()
    | st.floats(allow_nan=False, allow_infinity=False)
    | st.text(max_size=20),
    lambda children: (
        st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=12), children, max_size=4)
    ),
    max_leaves=20,
)

ENTRIES = [(p, m, o) for p in SPEC.providers for m in p.models for o in m.entry_operations]
LABELS = [f"{p.id}/{m.id}/{o.name}" for p, m, o in ENTRIES]
CLEAN = TestClient(create_app(SPEC, RelayOptions()), raise_server_exceptions=False)
LENIENT = TestClient(
    create_app(SPEC, RelayOptions(faults=frozenset({"accept-invalid"}))),
    raise_server_exceptions=False,
)


@st.composite
def mutated(draw: st.DrawFn) -> tuple[str, Any]:
    """A valid body with one documented parameter replaced by arbitrary JSON."""
    provider, model, op = ENTRIES[LABELS.index(draw(st.sampled_from(LABELS)))]
    body = sample_body(op, model)
    params = [p for p in op.body_parameters if p.path]
    param = draw(st.sampled_from(params))
    place(body, param, draw(JSON))
    return f"{provider.id}/{model.id}/{op.name}", body


def post(client: TestClient, provider: Any, op: Any, body: Any) -> Any:
    return client.request(op.method, f"/{provider.id}{op.path}", json=body, **auth(provider))


SETTINGS = settings(
    max_examples=120, deadline=None, derandomize=True, suppress_health_check=[HealthCheck.too_slow]
)


@SETTINGS
@given(st.sampled_from(LABELS), JSON)
def test_arbitrary_json_never_gets_5xx(label: str, body: Any) -> None:
    provider, _, op = ENTRIES[LABELS.index(label)]
    answer = post(CLEAN, provider, op, body)
    assert answer.status_code < 500, answer.text


@SETTINGS
@given(mutated())
def test_mutated_bodies_never_get_5xx(case: Any) -> None:
    label, body = case
    provider, _, op = ENTRIES[LABELS.index(label)]
    answer = post(CLEAN, provider, op, body)
    assert answer.status_code < 500, answer.text
    assert answer.status_code in (op.success_status, 400), answer.text


@SETTINGS
@given(mutated())
def test_accept_invalid_answers_everything_with_2xx(case: Any) -> None:
    label, body = case
    provider, _, op = ENTRIES[LABELS.index(label)]
    answer = post(LENIENT, provider, op, body)
    assert answer.status_code == op.success_status, answer.text
