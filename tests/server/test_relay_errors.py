"""Auth, routing, body and validation errors: the documented status, in the provider's envelope,
never a 5xx for bad input."""

from __future__ import annotations

from typing import Any

import pytest
from relay_testkit import KEY, SPEC, auth, entry_cases, lookup
from starlette.testclient import TestClient

from conformance.schema.validate import validator_for
from conformance.server.samples import sample_body
from conformance.spec.model import Model, Operation, Provider, Spec


def envelope_ok(provider: Provider, model: Model, op: Operation, response: Any) -> Any:
    assert response.headers["content-type"].startswith("application/json")
    body = response.json()
    validator = validator_for(provider, model, op, "error")
    assert validator is not None
    assert validator.violations(body) == [], body
    return body


def provider_cases() -> list[Any]:
    return [pytest.param(p.id, id=p.id) for p in SPEC.providers]


def first_entry(spec: Spec, provider_id: str) -> tuple[Provider, Model, Operation]:
    provider = spec.provider(provider_id)
    assert provider is not None
    model = provider.models[0]
    return provider, model, model.entry_operations[0]


def send(
    client: TestClient, provider: Provider, op: Operation, body: Any = None, **kwargs: Any
) -> Any:
    return client.request(op.method, f"/{provider.id}{op.path}", json=body, **kwargs)


@pytest.mark.parametrize("provider_id", provider_cases())
def test_auth_matrix(client: TestClient, spec: Spec, provider_id: str) -> None:
    provider, model, op = first_entry(spec, provider_id)
    body = sample_body(op, model)
    for index in range(len(provider.auth.schemes)):  # every documented scheme is accepted
        ok = send(client, provider, op, body, **auth(provider, scheme=index))
        assert ok.status_code == op.success_status, ok.text
    missing = send(client, provider, op, body)
    assert missing.status_code == provider.auth.missing.status[0]
    got = envelope_ok(provider, model, op, missing)
    wrong = send(client, provider, op, body, **auth(provider, key="not-the-key"))
    assert wrong.status_code == provider.auth.wrong.status[0]
    got = envelope_ok(provider, model, op, wrong)
    assert provider.auth.wrong.message in str(got)


def test_google_wrong_key_is_400_api_key_invalid(client: TestClient, spec: Spec) -> None:
    provider, model, op = lookup(spec, "google", "gemini-2.5-flash-image", "generateContent")
    for kwargs in ({"params": {"key": "bad"}}, {"headers": {"x-goog-api-key": "bad"}}):
        answer = send(client, provider, op, sample_body(op, model), **kwargs)
        assert answer.status_code == 400
        error = envelope_ok(provider, model, op, answer)["error"]
        assert error["status"] == "INVALID_ARGUMENT"
        assert error["details"][0]["reason"] == "API_KEY_INVALID"
    missing = send(client, provider, op, sample_body(op, model))
    assert missing.status_code == 403
    assert missing.json()["error"]["status"] == "PERMISSION_DENIED"
    # Google does not take its API key as a Bearer token.
    bearer = send(
        client, provider, op, sample_body(op, model), headers={"Authorization": f"Bearer {KEY}"}
    )
    assert bearer.status_code == 403


def test_keys_come_from_options(relay: Any, spec: Spec) -> None:
    client = relay(keys=("k1", "k2"))
    provider, model, op = lookup(spec, "tokaify", "imagen-4.0-generate-001", "predict")
    body = sample_body(op, model, concepts={"image_count": 1})
    assert send(client, provider, op, body, **auth(provider, key="k2")).status_code == 200
    assert send(client, provider, op, body, **auth(provider, key=KEY)).status_code == 401


@pytest.mark.parametrize(("provider_id", "model_id", "operation"), entry_cases())
def test_malformed_json_is_400_in_envelope(
    client: TestClient, spec: Spec, provider_id: str, model_id: str, operation: str
) -> None:
    provider, model, op = lookup(spec, provider_id, model_id, operation)
    for raw in (b"{", b"", b"\xff\xfe", b'{"a": NaN}', b"[" * 100_000, b'{"prompt": "x"} x'):
        answer = client.request(
            op.method,
            f"/{provider.id}{op.path}",
            content=raw,
            headers={"content-type": "application/json", **auth(provider).get("headers", {})},
            params=auth(provider).get("params"),
        )
        assert answer.status_code == 400, (raw[:10], answer.text)
        envelope_ok(provider, model, op, answer)


@pytest.mark.parametrize(("provider_id", "model_id", "operation"), entry_cases())
def test_oversize_body_is_413(
    client: TestClient, spec: Spec, provider_id: str, model_id: str, operation: str
) -> None:
    provider, model, op = lookup(spec, provider_id, model_id, operation)
    from conformance.server.body import DEFAULT_BODY_LIMIT

    limit = op.body_limit or DEFAULT_BODY_LIMIT
    body = sample_body(op, model, prompt="x" * (limit + 10))
    answer = send(client, provider, op, body, **auth(provider))
    assert answer.status_code == 413
    envelope_ok(provider, model, op, answer)


def _invalid_bodies(op: Operation, model: Model) -> list[Any]:
    """One single-constraint violation per documented concept, plus wrong top-level types."""
    bodies: list[Any] = [[], "prompt", 42, {}]
    for concept, bad in (
        ("image_count", 99),
        ("aspect_ratio", "7:3"),
        ("image_size", "9K"),
        ("output_format", "bmp"),
        ("prompt", ""),
    ):
        param = op.by_concept(concept)
        if param is not None and param.enforcement == "enforced":
            bodies.append(sample_body(op, model, concepts={concept: bad}))
    return bodies


@pytest.mark.parametrize(("provider_id", "model_id", "operation"), entry_cases())
def test_invalid_requests_are_400_in_envelope(
    client: TestClient, spec: Spec, provider_id: str, model_id: str, operation: str
) -> None:
    provider, model, op = lookup(spec, provider_id, model_id, operation)
    request_validator = validator_for(provider, model, op, "request")
    assert request_validator is not None
    for body in _invalid_bodies(op, model):
        assert request_validator.violations(body), body  # really invalid per the schema
        answer = send(client, provider, op, body, **auth(provider))
        assert answer.status_code == 400, (body, answer.text)
        error = envelope_ok(provider, model, op, answer)["error"]
        assert error["message"].startswith("Invalid request")


def test_google_envelope_lists_field_violations(client: TestClient, spec: Spec) -> None:
    provider, model, op = lookup(spec, "routescope", "imagen-4.0-generate-001", "predict")
    body = sample_body(op, model, concepts={"image_count": 9, "aspect_ratio": "2:1"})
    error = send(client, provider, op, body, **auth(provider)).json()["error"]
    assert error["status"] == "INVALID_ARGUMENT"
    violations = error["details"][0]["fieldViolations"]
    assert {v["field"] for v in violations} == {"parameters.sampleCount", "parameters.aspectRatio"}


def test_openai_envelope_names_the_offending_param(client: TestClient, spec: Spec) -> None:
    provider, model, op = lookup(
        spec, "aimlapi", "google/imagen-4.0-fast-generate-001", "images.generations"
    )
    answer = send(
        client,
        provider,
        op,
        sample_body(op, model, concepts={"aspect_ratio": "2:1"}),
        **auth(provider),
    )
    error = answer.json()["error"]
    assert (error["type"], error["param"]) == ("invalid_request_error", "aspect_ratio")


def test_unknown_model_and_route_are_404_in_envelope(client: TestClient, spec: Spec) -> None:
    provider, model, op = lookup(spec, "google", "imagen-4.0-generate-001", "predict")
    answer = client.post("/google/v1beta/models/imagen-9:predict", json={}, **auth(provider))
    assert answer.status_code == 404
    assert envelope_ok(provider, model, op, answer)["error"]["status"] == "NOT_FOUND"
    provider, model, op = lookup(
        spec, "aimlapi", "google/imagen-4.0-fast-generate-001", "images.generations"
    )
    answer = client.post("/aimlapi/v1/images/edits", json={}, **auth(provider))
    assert answer.status_code == 404
    envelope_ok(provider, model, op, answer)
    assert client.get("/nowhere").status_code == 404
    assert client.get("/_relay/files/nope.png").status_code == 404


def test_wrong_method_is_405_in_envelope(client: TestClient, spec: Spec) -> None:
    provider, model, op = lookup(spec, "apiframe", "imagen-4", "images.generate")
    answer = client.get("/apiframe/v2/images/generate", **auth(provider))
    assert answer.status_code == 405
    assert answer.headers["allow"] == "POST"
    envelope_ok(provider, model, op, answer)


def test_unknown_job_is_404(client: TestClient, spec: Spec) -> None:
    provider, model, op = lookup(spec, "apiframe", "imagen-4", "jobs.get")
    answer = client.get("/apiframe/v2/jobs/does-not-exist", **auth(provider))
    assert answer.status_code == 404
    assert envelope_ok(provider, model, op, answer)["error"]["code"] == "NOT_FOUND"


def test_only_selected_providers_are_served(relay: Any, spec: Spec) -> None:
    client = relay(providers=("tokaify",))
    provider, model, op = lookup(spec, "google", "imagen-4.0-generate-001", "predict")
    assert send(client, provider, op, sample_body(op, model), **auth(provider)).status_code == 404
    with pytest.raises(ValueError, match="unknown provider"):
        relay(providers=("nope",))


@pytest.mark.parametrize("provider_id", provider_cases())
@pytest.mark.parametrize("method", ["TRACE", "CONNECT", "PROPFIND", "DELETE"])
def test_any_unserved_method_is_405_with_allow_through_auth_in_envelope(
    client: TestClient, spec: Spec, provider_id: str, method: str
) -> None:
    provider, model, op = first_entry(spec, provider_id)
    path = f"/{provider.id}{op.path}"
    refused = client.request(method, path)
    assert refused.status_code in (400, 401, 403), "auth comes before routing"
    envelope_ok(provider, model, op, refused)
    answer = client.request(method, path, **auth(provider))
    assert answer.status_code == 405
    assert answer.headers["allow"] == op.method.upper()
    envelope_ok(provider, model, op, answer)


def test_a_job_id_holding_a_newline_answers_in_apiframe_s_envelope(
    client: TestClient, spec: Spec
) -> None:
    provider, model, op = lookup(spec, "apiframe", "imagen-4", "jobs.get")
    answer = client.get("/apiframe/v2/jobs/abc%0A", **auth(provider))
    assert answer.status_code == 404
    assert envelope_ok(provider, model, op, answer)["error"]["code"] == "NOT_FOUND"
    refused = client.get("/apiframe/v2/jobs/abc%0A")
    assert refused.status_code == 401
    envelope_ok(provider, model, op, refused)
