"""Every fault changes what it names and nothing else; a clean relay has no problem at all.

A small auditor (independent of the relay's code: it reads only the spec, the schemas and the
bytes) runs the same scenarios against a clean relay and against each fault, and names the
problems it finds. Each fault must cause at least one of its own problems and no other.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from relay_testkit import KEY, auth, generate, lookup
from starlette.testclient import TestClient

from conformance.images import decode_base64_strict, inspect_image, sniff_mime
from conformance.schema.validate import foreign_shape, validator_for
from conformance.server import FAULTS
from conformance.server.samples import sample_body
from conformance.spec.model import Model, Operation, Provider, Spec

EXPECTED: dict[str, set[str]] = {
    "foreign-shape": {"shape", "count", "job"},
    "ignore-count": {"count"},
    "ignore-aspect-ratio": {"size"},
    "ignore-image-size": {"size"},
    "mime-mismatch": {"mime"},
    "truncate-image": {"truncated"},
    "no-auth": {"auth", "poll-auth"},
    "accept-invalid": {"invalid-accepted"},
    "server-error": {"5xx"},
    "error-envelope": {"envelope"},
    "wrong-default": {"size", "count", "format", "encoding"},
    "stuck-job": {"job"},
    "invalid-as-not-found": {"wrong-error"},
    "inconsistent-envelope": {"consistency"},
    "drop-error-details": {"details"},
    "leak-traceback": {"leak"},
    "echo-key": {"leak"},
    "strip-metadata": {"metadata"},
    "inflate-usage": {"usage"},
    "ignore-modalities": {"modalities"},
    "case-sensitive-enums": {"form-refused"},
    "camel-case-only": {"form-refused"},
    "open-polls": {"poll-auth"},
    "keyed-image-urls": {"url-needs-key"},
    "unbounded-body": {"oversized-served"},
    "drop-chat-images": {"count"},
}

#: The google.rpc words of the statuses the scenarios meet (googleapis google/rpc/code.proto).
_GOOGLE_WORD = {400: "INVALID_ARGUMENT", 401: "UNAUTHENTICATED", 403: "PERMISSION_DENIED"}


def _prompt_path(op: Operation) -> str:
    """The prompt's dotted path ("prompt" at the top level, "instances.*.prompt" nested)."""
    prompt = op.by_concept("prompt")
    return "/".join(prompt.path) if prompt is not None else ""


def _default(op: Operation, concept: str, fallback: Any) -> Any:
    param = op.by_concept(concept)
    return param.default if param is not None and param.has_default else fallback


def _explicit(op: Operation, model: Model) -> dict[str, Any]:
    """Non-default values for every concept the operation has (cheap tiers first)."""
    chosen: dict[str, Any] = {}
    for concept in ("aspect_ratio", "output_format", "image_size"):
        param = op.by_concept(concept)
        if param is None or not param.enum:
            continue
        others = [v for v in param.enum if v != param.default]
        if concept == "image_size":
            others = [v for v in others if v in model.tiers and v in ("1K", "2K")]
        if others:
            chosen[concept] = others[-1] if concept == "aspect_ratio" else others[0]
    if op.by_concept("image_count"):
        chosen["image_count"] = 2
    if op.by_concept("response_encoding"):
        chosen["response_encoding"] = False
    modalities = op.by_concept("response_modalities")
    if modalities is not None:
        # The family's own spelling of the image modality (Gemini IMAGE, OpenRouter image).
        words = [v for v in modalities.items_enum or () if str(v).upper() == "IMAGE"]
        chosen["response_modalities"] = words[:1] or ["IMAGE"]
    return chosen


def _audit_metadata(model: Model, body: Any, concepts: dict[str, Any], images: int) -> set[str]:
    """What Google's answers always carry, the usage they bill and the modalities asked for."""
    problems: set[str] = set()
    for item in body.get("predictions", []):
        if "bytesBase64Encoded" in item and "mimeType" not in item:
            problems.add("metadata")
    for candidate in body.get("candidates", []):
        if "finishReason" not in candidate:
            problems.add("metadata")
        parts = candidate.get("content", {}).get("parts", [])
        asked = concepts.get("response_modalities")
        if asked == ["IMAGE"] and any("text" in part for part in parts):
            problems.add("modalities")
    if "candidates" in body:
        usage = body.get("usageMetadata")
        if usage is None:
            return problems | {"metadata"}
        tier = concepts.get("image_size", "1K")
        per_image = model.tokens_per_image.get(tier)
        for detail in usage.get("candidatesTokensDetails", []):
            image = detail.get("modality") == "IMAGE" and per_image is not None
            if image and detail.get("tokenCount", 0) > (per_image or 0) * images:  # overbilled
                problems.add("usage")
    return problems


def _audit_generation(
    client: TestClient, provider: Provider, model: Model, op: Operation, concepts: dict[str, Any]
) -> set[str]:
    problems: set[str] = set()
    outcome = generate(
        client, provider, model, op, sample_body(op, model, concepts=concepts), max_polls=6
    )
    final_op = model.operation(op.job.poll_operation) if op.job else op
    assert final_op is not None
    if outcome.status >= 500:
        return {"5xx"}
    if outcome.status != final_op.success_status:
        return {"status"}
    if outcome.unfetched:
        problems.add("url-needs-key")
    if validator_for(provider, model, final_op, "response").violations(outcome.body):
        problems.add("shape")
    if op.job is not None and outcome.states[-1] not in op.job.terminal:
        return problems | {"job" if "status" in outcome.body else "shape"}
    count = concepts.get("image_count", _default(op, "image_count", model.default_image_count))
    if len(outcome.images) + len(outcome.unfetched) != count:
        problems.add("count")
    ratio = concepts.get("aspect_ratio", _default(op, "aspect_ratio", "1:1"))
    tier = concepts.get("image_size", _default(op, "image_size", "1K"))
    fmt = concepts.get("output_format", _default(op, "output_format", None))
    format_param = op.by_concept("output_format")
    mime = (format_param.value_mime or {}).get(fmt, fmt) if format_param else model.output_mime
    entry = model.pixel_size(ratio, tier)
    for image in outcome.images:
        info = inspect_image(image.data)
        if not info.complete:
            problems.add("truncated")
        if info.mime != mime:
            problems.add("format")
        if image.declared is not None and image.declared.split(";")[0] != info.mime:
            problems.add("mime")
        if entry is not None and info.size != (entry.size.width, entry.size.height):
            problems.add("size")
    problems |= _audit_metadata(model, outcome.body, concepts, len(outcome.images))
    encoding = op.by_concept("response_encoding")
    if encoding is not None and "data" in outcome.body:
        wants_url = concepts.get("response_encoding", encoding.default)
        if any(("url" in item) != wants_url for item in outcome.body["data"]):
            problems.add("encoding")
    return problems


def _audit_error(
    provider: Provider,
    model: Model,
    op: Operation,
    answer: Any,
    statuses: tuple[int, ...],
    problem: str,
    *,
    sent_key: str | None = None,
    reason: str | None = None,
    param: str | None = None,
) -> set[str]:
    status = answer.status_code
    if status >= 500:
        return {"5xx"}
    problems = set()
    if status not in statuses:
        problems.add("wrong-error" if status >= 400 else problem)
    if status >= 400:
        text = answer.text
        if "Traceback" in text or 'File "/' in text or (sent_key and sent_key in text):
            problems.add("leak")
        try:
            body = answer.json()
        except ValueError:
            return problems | {"envelope"}
        if validator_for(provider, model, op, "error").violations(body):
            problems.add("envelope")
        error = body.get("error", {}) if isinstance(body, dict) else {}
        code, word = error.get("code"), error.get("status")
        if isinstance(code, int) and (code != status or word != _GOOGLE_WORD.get(status, word)):
            problems.add("consistency")
        reasons = [d.get("reason") for d in error.get("details", []) if isinstance(d, dict)]
        if reason is not None and reason not in reasons:
            problems.add("details")
        if param is not None and status == 400 and error.get("param", param) != param:
            problems.add("details")
    return problems


def _snake(node: Any) -> Any:
    """Every camelCase key in snake_case, as proto-JSON allows (independent of the spec's
    aliases)."""
    if isinstance(node, list):
        return [_snake(item) for item in node]
    if not isinstance(node, dict):
        return node
    return {re.sub(r"(?<!^)([A-Z])", r"_\1", k).lower(): _snake(v) for k, v in node.items()}


def _audit_forms(client: TestClient, provider: Provider, model: Model, op: Operation) -> set[str]:
    """Other letter case for case-insensitive enums; snake_case keys on proto-JSON routes."""
    bodies = []
    for param in op.body_parameters:
        if param.case_insensitive and param.enum and param.enforcement == "enforced":
            value = next((v for v in param.enum if isinstance(v, str) and v != v.upper()), None)
            if value is not None and param.concept:
                bodies.append(sample_body(op, model, concepts={param.concept: value.upper()}))
    if any(p.aliases for p in op.body_parameters) and op.by_concept("aspect_ratio"):
        bodies.append(_snake(sample_body(op, model, concepts={"aspect_ratio": "16:9"})))
    problems: set[str] = set()
    for body in bodies:
        answer = client.request(op.method, f"/{provider.id}{op.path}", json=body, **auth(provider))
        if answer.status_code >= 400:
            problems.add("form-refused")
    return problems


def _audit_poll_auth(
    client: TestClient, provider: Provider, model: Model, op: Operation
) -> set[str]:
    poll = model.operation(op.job.poll_operation) if op.job else None
    if poll is None:
        return set()
    path = re.sub(r"\{[^}]+\}", "no-such-job", poll.path)
    answer = client.get(f"/{provider.id}{path}")
    return set() if answer.status_code in provider.auth.missing.status else {"poll-auth"}


def _audit_size(client: TestClient, provider: Provider, model: Model, op: Operation) -> set[str]:
    """A valid body one byte over the documented limit (JSON whitespace): must not be served."""
    if op.body_limit is None:
        return set()
    text = json.dumps(sample_body(op, model)).encode()
    padding = op.body_limit + 1 - len(text)

    def chunks() -> Iterator[bytes]:
        yield text[:1]
        for _ in range(padding // 65536):
            yield b" " * 65536
        yield b" " * (padding % 65536) + text[1:]

    extra = auth(provider)
    headers = {
        "content-type": "application/json",
        "content-length": str(len(text) + padding),
        **extra.get("headers", {}),
    }
    answer = client.request(
        op.method,
        f"/{provider.id}{op.path}",
        content=chunks(),
        headers=headers,
        params=extra.get("params"),
    )
    return {"oversized-served"} if answer.status_code < 300 else set()


def audit(client: TestClient, spec: Spec) -> dict[str, set[str]]:
    """Scenario id -> problems found (empty sets for a conformant relay)."""
    found: dict[str, set[str]] = {}
    for provider in spec.providers:
        for model in provider.models:
            for op in model.entry_operations:
                label = f"{provider.id}/{model.id}"
                found[f"{label}/defaults"] = _audit_generation(client, provider, model, op, {})
                found[f"{label}/explicit"] = _audit_generation(
                    client, provider, model, op, _explicit(op, model)
                )
                found[f"{label}/forms"] = _audit_forms(client, provider, model, op)
                found[f"{label}/poll-auth"] = _audit_poll_auth(client, provider, model, op)
                found[f"{label}/size"] = _audit_size(client, provider, model, op)
                bad = sample_body(op, model, prompt="")
                answer = client.request(
                    op.method, f"/{provider.id}{op.path}", json=bad, **auth(provider)
                )
                found[f"{label}/invalid"] = _audit_error(
                    provider,
                    model,
                    op,
                    answer,
                    (400,),
                    "invalid-accepted",
                    sent_key=KEY,
                    param="prompt"
                    if op.by_concept("prompt") and "/" not in _prompt_path(op)
                    else None,
                )
        model = provider.models[0]
        op = model.entry_operations[0]
        body = sample_body(op, model)
        url = f"/{provider.id}{op.path}"
        answer = client.request(op.method, url, json=body)
        found[f"{provider.id}/missing-key"] = _audit_error(
            provider, model, op, answer, provider.auth.missing.status, "auth"
        )
        answer = client.request(op.method, url, json=body, **auth(provider, key="wrong"))
        found[f"{provider.id}/wrong-key"] = _audit_error(
            provider,
            model,
            op,
            answer,
            provider.auth.wrong.status,
            "auth",
            sent_key="wrong",
            reason=provider.auth.wrong.reason,
        )
    return found


def test_a_clean_relay_has_no_problem(relay: Callable[..., TestClient], spec: Spec) -> None:
    problems = {k: v for k, v in audit(relay(), spec).items() if v}
    assert problems == {}


def test_every_fault_has_an_expectation() -> None:
    assert set(EXPECTED) == set(FAULTS)
    assert len(FAULTS) == 26


@pytest.mark.parametrize("fault", FAULTS)
def test_fault_changes_only_what_it_names(
    relay: Callable[..., TestClient], spec: Spec, fault: str
) -> None:
    found = audit(relay(faults=[fault], job_steps=1), spec)
    seen = set().union(*found.values())
    assert seen, f"{fault} changed nothing the auditor can see"
    assert seen <= EXPECTED[fault], {
        k: v - EXPECTED[fault] for k, v in found.items() if v - EXPECTED[fault]
    }


# -- what each fault does, in detail --------------------------------------------------------


def _req(spec: Spec, pid: str, mid: str, name: str) -> tuple[Provider, Model, Operation]:
    return lookup(spec, pid, mid, name)


def test_foreign_shape_names_the_other_protocol(relay: Any, spec: Spec) -> None:
    client = relay(faults=["foreign-shape"], job_steps=0)
    expected = {
        "predict": "gemini-candidates",
        "generateContent": "imagen-predictions",
        "images.generations": "imagen-predictions",
        "images.generate": "openai-images",
    }
    for pid, mid, name in (
        ("google", "imagen-4.0-generate-001", "predict"),
        ("routescope", "gemini-2.5-flash-image", "generateContent"),
        ("aimlapi", "google/imagen-4.0-fast-generate-001", "images.generations"),
        ("apiframe", "imagen-4", "images.generate"),
    ):
        provider, model, op = _req(spec, pid, mid, name)
        outcome = generate(client, provider, model, op, sample_body(op, model), max_polls=1)
        final = model.operation(op.job.poll_operation) if op.job else op
        assert final is not None
        assert foreign_shape(final, outcome.body) == expected[name]


def test_ignore_count_keeps_shape_size_and_mime(relay: Any, spec: Spec) -> None:
    client = relay(faults=["ignore-count"])
    provider, model, op = _req(spec, "google", "imagen-4.0-ultra-generate-001", "predict")
    body = sample_body(op, model, concepts={"image_count": 3, "aspect_ratio": "9:16"})
    outcome = generate(client, provider, model, op, body)
    assert len(outcome.images) == 1
    assert validator_for(provider, model, op, "response").violations(outcome.body) == []
    assert inspect_image(outcome.images[0].data).size == (768, 1408)
    assert outcome.images[0].declared == "image/png"


def test_mime_mismatch_on_urls_is_a_wrong_content_type(relay: Any, spec: Spec) -> None:
    client = relay(faults=["mime-mismatch"])
    provider, model, op = _req(
        spec, "aimlapi", "google/imagen-4.0-fast-generate-001", "images.generations"
    )
    outcome = generate(client, provider, model, op, sample_body(op, model))
    got = client.get(outcome.body["data"][0]["url"])
    assert sniff_mime(got.content) == "image/png"
    assert got.headers["content-type"] == "image/jpeg"
    provider, model, op = _req(spec, "google", "gemini-3-pro-image-preview", "generateContent")
    outcome = generate(client, provider, model, op, sample_body(op, model))
    assert outcome.images[0].declared == "image/png"
    assert sniff_mime(outcome.images[0].data) == "image/jpeg"


def test_truncated_payloads_are_still_valid_base64(relay: Any, spec: Spec) -> None:
    client = relay(faults=["truncate-image"], payload="small")
    provider, model, op = _req(spec, "routescope", "imagen-4.0-generate-001", "predict")
    answer = client.post(f"/routescope{op.path}", json=sample_body(op, model), **auth(provider))
    for item in answer.json()["predictions"]:
        data = decode_base64_strict(item["bytesBase64Encoded"])
        assert data is not None
        info = inspect_image(data)
        assert not info.complete and info.problem is not None
        assert info.problem.startswith("truncated")


def test_error_envelope_makes_errors_plain_text(relay: Any, spec: Spec) -> None:
    client = relay(faults=["error-envelope"])
    provider, model, op = _req(spec, "google", "imagen-4.0-generate-001", "predict")
    for answer in (
        client.post(f"/google{op.path}", json={}),
        client.post(f"/google{op.path}", json={}, **auth(provider)),
        client.post("/google/v1beta/models/x:predict", json={}, **auth(provider)),
    ):
        assert answer.status_code in (400, 403, 404)
        assert answer.headers["content-type"].startswith("text/plain")
    ok = client.post(f"/google{op.path}", json=sample_body(op, model), **auth(provider))
    assert ok.status_code == 200 and ok.headers["content-type"] == "application/json"


def test_server_error_only_for_invalid_requests(relay: Any, spec: Spec) -> None:
    client = relay(faults=["server-error"])
    provider, model, op = _req(spec, "tokaify", "imagen-4.0-generate-001", "predict")
    assert client.post(f"/tokaify{op.path}", content=b"{", **auth(provider)).status_code == 500
    bad = sample_body(op, model, concepts={"aspect_ratio": "2:1"})
    answer = client.post(f"/tokaify{op.path}", json=bad, **auth(provider))
    assert answer.status_code == 500
    assert validator_for(provider, model, op, "error").violations(answer.json()) == []
    good = client.post(f"/tokaify{op.path}", json=sample_body(op, model), **auth(provider))
    assert good.status_code == 200


def test_accept_invalid_answers_with_defaults(relay: Any, spec: Spec) -> None:
    client = relay(faults=["accept-invalid"])
    provider, model, op = _req(
        spec, "aimlapi", "google/imagen-4.0-fast-generate-001", "images.generations"
    )
    bad = sample_body(op, model, concepts={"image_count": 99, "aspect_ratio": "2:1"})
    outcome = generate(client, provider, model, op, bad)
    assert outcome.status == 201
    assert len(outcome.images) == 1  # the documented default count
    assert inspect_image(outcome.images[0].data).size == (1024, 1024)
    garbage = client.post("/aimlapi/v1/images/generations", content=b"[1,", **auth(provider))
    assert garbage.status_code == 201


def test_wrong_default_only_touches_omitted_fields(relay: Any, spec: Spec) -> None:
    client = relay(faults=["wrong-default"])
    provider, model, op = _req(spec, "google", "imagen-4.0-generate-001", "predict")
    outcome = generate(client, provider, model, op, sample_body(op, model))
    assert len(outcome.images) != 4
    assert inspect_image(outcome.images[0].data).size != (1024, 1024)
    explicit = sample_body(
        op,
        model,
        concepts={
            "image_count": 4,
            "aspect_ratio": "1:1",
            "image_size": "1K",
            "output_format": "image/png",
        },
    )
    outcome = generate(client, provider, model, op, explicit)
    assert len(outcome.images) == 4
    assert {inspect_image(i.data).size for i in outcome.images} == {(1024, 1024)}


def test_stuck_job_never_completes(relay: Any, spec: Spec) -> None:
    client = relay(faults=["stuck-job"], job_steps=0)
    provider, model, op = _req(spec, "apiframe", "imagen-4", "images.generate")
    outcome = generate(client, provider, model, op, sample_body(op, model), max_polls=5)
    assert outcome.states[1:] == ["PROCESSING"] * 5


def test_no_auth_accepts_missing_and_wrong_keys(relay: Any, spec: Spec) -> None:
    client = relay(faults=["no-auth"])
    for provider in spec.providers:
        model = provider.models[0]
        op = model.entry_operations[0]
        for kwargs in ({}, auth(provider, key="wrong")):
            answer = client.request(
                op.method, f"/{provider.id}{op.path}", json=sample_body(op, model), **kwargs
            )
            assert answer.status_code == op.success_status


def test_latency_is_applied_without_blocking(relay: Any, spec: Spec) -> None:
    import time

    client = relay(latency=(0.2, 0.2))
    provider, model, op = _req(spec, "tokaify", "imagen-4.0-generate-001", "predict")
    started = time.perf_counter()
    client.post(f"/tokaify{op.path}", json=sample_body(op, model), **auth(provider))
    assert time.perf_counter() - started >= 0.2
