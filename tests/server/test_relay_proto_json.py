"""The relay reads Google-native bodies as proto3 JSON, exactly as the schemas accept them.

Directed tests show each rule answered as Google would (sources in tests/schema/test_proto_json.py
and specs/families/gemini-*.yaml); the property test holds the relay and the schemas together:
for bodies drawn around the mapping's edges (nulls, snake_case, quoted numbers, enum numbers,
`model` in the body, and plainly wrong values), the relay answers 400 exactly when the schema
finds a violation, and otherwise 200 with images.
"""

from __future__ import annotations

import copy
from typing import Any

import pytest
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st
from relay_testkit import SPEC, generate, lookup
from starlette.testclient import TestClient

from conformance.schema.validate import validator_for
from conformance.server import RelayOptions, create_app
from conformance.server.samples import place, sample_body
from conformance.spec.json_mapping import snake_case
from conformance.spec.model import Model, Operation, Provider

CLEAN = TestClient(create_app(SPEC, RelayOptions()), raise_server_exceptions=False)
GEMINI_MODELS = ["gemini-2.5-flash-image", "gemini-3-pro-image-preview"]


def _post(provider: Provider, model: Model, op: Operation, body: Any) -> Any:
    return generate(CLEAN, provider, model, op, body)


@pytest.mark.parametrize("provider_id", ["google", "routescope"])
@pytest.mark.parametrize("model_id", GEMINI_MODELS)
def test_done_when_litellm_body_is_answered(provider_id: str, model_id: str) -> None:
    provider, model, op = lookup(SPEC, provider_id, model_id, "generateContent")
    for named in (model_id, f"models/{model_id}"):
        body = {"model": named, "tools": None, "contents": [{"parts": [{"text": "a cat"}]}]}
        outcome = _post(provider, model, op, body)
        assert outcome.status == 200, outcome.body
        assert outcome.images


def test_quoted_count_and_enum_numbers_are_read_as_values() -> None:
    provider, model, op = lookup(SPEC, "google", "gemini-2.5-flash-image", "generateContent")
    prompt = {"contents": [{"parts": [{"text": "a cat"}]}]}
    image_only = _post(
        provider,
        model,
        op,
        {**prompt, "generation_config": {"candidate_count": "1", "response_modalities": [2]}},
    )
    assert image_only.status == 200
    parts = image_only.body["candidates"][0]["content"]["parts"]
    assert [list(p) for p in parts] == [["inlineData"]]
    both = _post(
        provider, model, op, {**prompt, "generationConfig": {"responseModalities": [1, 2]}}
    )
    kinds = [next(iter(p)) for p in both.body["candidates"][0]["content"]["parts"]]
    assert kinds == ["text", "inlineData"]


@pytest.mark.parametrize("faults", [(), ("wrong-default",)])
def test_null_is_answered_like_an_omitted_field(faults: tuple[str, ...]) -> None:
    """A null is unset, so even the wrong-default fault treats it as omitted."""
    relay = TestClient(create_app(SPEC, RelayOptions(faults=frozenset(faults))))
    provider, model, op = lookup(SPEC, "google", "imagen-4.0-generate-001", "predict")
    base = {"instances": [{"prompt": "a cat"}]}
    omitted = generate(relay, provider, model, op, {**base, "parameters": {}})
    nulled = generate(relay, provider, model, op, {**base, "parameters": {"sampleCount": None}})
    assert omitted.status == nulled.status == 200
    assert len(nulled.images) == len(omitted.images)
    assert (len(nulled.images) == 4) == (not faults)


def test_predict_quoted_count_is_refused_with_the_rule() -> None:
    provider, model, op = lookup(SPEC, "google", "imagen-4.0-generate-001", "predict")
    body = {"instances": [{"prompt": "a cat"}], "parameters": {"sampleCount": "2"}}
    outcome = _post(provider, model, op, body)
    assert outcome.status == 400
    assert "/parameters/sampleCount" in outcome.body["error"]["message"]


# -- the relay and the schemas agree ------------------------------------------------------------

ENTRIES = [
    lookup(SPEC, p, m, o)
    for p, m, o in [
        ("google", "gemini-2.5-flash-image", "generateContent"),
        ("routescope", "gemini-3-pro-image-preview", "generateContent"),
        ("google", "imagen-4.0-generate-001", "predict"),
        ("routescope", "imagen-4.0-fast-generate-001", "predict"),
        ("tokaify", "imagen-4.0-generate-001", "predict"),
    ]
]
EDGE_VALUES = st.sampled_from(
    [None, "1", "2", "1e0", 1, 2, 1.0, 0, True, [], [None], [2], ["IMAGE"], {}, "IMAGE", "x"]
)


def _respell(node: Any, flips: list[bool]) -> Any:
    """Rename keys to their snake_case spelling where the next drawn flag says so."""
    if isinstance(node, list):
        return [_respell(item, flips) for item in node]
    if not isinstance(node, dict):
        return node
    out: dict[str, Any] = {}
    for key, value in node.items():
        flip = flips.pop() if flips else False
        out[snake_case(key) if flip else key] = _respell(value, flips)
    return out


@st.composite
def edge_bodies(draw: st.DrawFn) -> tuple[int, dict[str, Any]]:
    index = draw(st.integers(0, len(ENTRIES) - 1))
    _, model, op = ENTRIES[index]
    body = sample_body(op, model)
    assert body is not None
    params = [p for p in op.body_parameters if p.path]
    chosen = draw(st.lists(st.sampled_from(params), max_size=3, unique_by=lambda p: p.name))
    for param in sorted(chosen, key=lambda p: -len(p.path)):  # children before their parents
        place(body, param, draw(EDGE_VALUES))
    if draw(st.booleans()):
        body["model"] = draw(st.sampled_from([model.id, f"models/{model.id}", "other", None, 7]))
    flips = draw(st.lists(st.booleans(), max_size=12))
    return index, _respell(copy.deepcopy(body), flips)


@settings(
    max_examples=150, deadline=None, derandomize=True, suppress_health_check=[HealthCheck.too_slow]
)
@given(edge_bodies())
def test_relay_refuses_exactly_what_the_schema_refuses(drawn: tuple[int, dict[str, Any]]) -> None:
    index, body = drawn
    provider, model, op = ENTRIES[index]
    validator = validator_for(provider, model, op, "request")
    assert validator is not None
    invalid = bool(validator.violations(body))
    event("schema refuses" if invalid else "schema accepts")
    outcome = _post(provider, model, op, body)
    if invalid:
        assert outcome.status == 400, body
    else:
        assert outcome.status == 200, (body, outcome.body)
        assert outcome.images or outcome.filtered
