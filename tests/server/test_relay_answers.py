"""Every provider x model x entry operation answers with schema-valid native shapes and real images
of the documented pixel size, format and count — for defaults and for every ratio and tier."""

from __future__ import annotations

from typing import Any

import pytest
from relay_testkit import SPEC, Outcome, entry_cases, generate, lookup
from starlette.testclient import TestClient

from conformance.images import inspect_image, sniff_mime
from conformance.schema.validate import validator_for
from conformance.server.samples import sample_body
from conformance.spec.model import Model, Operation, Provider, Spec


def default_of(op: Operation, concept: str, fallback: Any) -> Any:
    param = op.by_concept(concept)
    return param.default if param is not None and param.has_default else fallback


def expected_mime(op: Operation, model: Model, value: Any = None) -> str:
    param = op.by_concept("output_format")
    if param is None:
        return model.output_mime
    chosen = value if value is not None else param.default
    return (param.value_mime or {}).get(chosen, chosen)


def check_images(
    outcome: Outcome,
    model: Model,
    ratio: str,
    tier: str,
    mime: str,
    count: int,
    *,
    full_decode: bool = False,
) -> None:
    assert len(outcome.images) == count
    for image in outcome.images:
        info = inspect_image(image.data, full_decode=full_decode)
        assert info.ok, info.problem
        assert info.mime == mime
        assert image.declared is None or image.declared.split(";")[0] == mime
        entry = model.pixel_size(ratio, tier)
        if entry is not None:
            assert info.size == (entry.size.width, entry.size.height)
        else:  # computed by the relay: right ratio, plausible scale
            assert info.width is not None and info.height is not None
            rw, rh = (int(x) for x in ratio.split(":"))
            assert abs(info.width / info.height - rw / rh) < 0.1 * rw / rh
            assert 256 <= max(info.width, info.height) <= 16384


def check_schema(provider: Provider, model: Model, op: Operation, outcome: Outcome) -> None:
    poll = model.operation(op.job.poll_operation) if op.job else None
    validator = validator_for(provider, model, poll or op, "response")
    assert validator is not None
    assert validator.violations(outcome.body) == []


@pytest.mark.parametrize(("provider_id", "model_id", "operation"), entry_cases())
def test_defaults_answer_in_native_shape_with_documented_images(
    client: TestClient, spec: Spec, provider_id: str, model_id: str, operation: str
) -> None:
    provider, model, op = lookup(spec, provider_id, model_id, operation)
    outcome = generate(client, provider, model, op, sample_body(op, model))
    poll = model.operation(op.job.poll_operation) if op.job else None
    assert outcome.status == (poll or op).success_status
    check_schema(provider, model, op, outcome)
    count = default_of(op, "image_count", model.default_image_count)
    ratio = default_of(op, "aspect_ratio", "1:1")
    tier = default_of(op, "image_size", "1K")
    check_images(outcome, model, ratio, tier, expected_mime(op, model), count, full_decode=True)


def _ratio_tier_cases() -> list[Any]:
    cases = []
    for provider_id, model_id, operation in (c.values for c in entry_cases()):
        _, _, op = lookup(SPEC, provider_id, model_id, operation)
        ratios = op.by_concept("aspect_ratio")
        sizes = op.by_concept("image_size")
        for ratio in ratios.enum if ratios and ratios.enum else ("1:1",):
            for tier in sizes.enum if sizes and sizes.enum else (None,):
                cases.append(
                    pytest.param(
                        provider_id,
                        model_id,
                        operation,
                        ratio,
                        tier,
                        id=f"{provider_id}/{model_id}/{ratio}/{tier}",
                    )
                )
    return cases


@pytest.mark.parametrize(
    ("provider_id", "model_id", "operation", "ratio", "tier"), _ratio_tier_cases()
)
def test_every_ratio_and_tier_has_its_pixel_size(
    client: TestClient,
    spec: Spec,
    provider_id: str,
    model_id: str,
    operation: str,
    ratio: str,
    tier: str | None,
) -> None:
    provider, model, op = lookup(spec, provider_id, model_id, operation)
    concepts: dict[str, Any] = {"aspect_ratio": ratio}
    if tier is not None:
        concepts["image_size"] = tier
    if op.by_concept("image_count"):
        concepts["image_count"] = 1
    outcome = generate(client, provider, model, op, sample_body(op, model, concepts=concepts))
    check_schema(provider, model, op, outcome)
    expected_count = 1 if op.by_concept("image_count") else model.default_image_count
    check_images(outcome, model, ratio, tier or "1K", expected_mime(op, model), expected_count)


@pytest.mark.parametrize(("provider_id", "model_id", "operation"), entry_cases())
def test_every_count_and_output_format(
    client: TestClient, spec: Spec, provider_id: str, model_id: str, operation: str
) -> None:
    provider, model, op = lookup(spec, provider_id, model_id, operation)
    count_param = op.by_concept("image_count")
    counts = (
        range(int(count_param.minimum or 1), int(count_param.maximum or 1) + 1)
        if count_param
        else [None]
    )
    format_param = op.by_concept("output_format")
    formats = format_param.enum if format_param and format_param.enum else [None]
    for count in counts:
        for fmt in formats:
            concepts: dict[str, Any] = {}
            if count is not None:
                concepts["image_count"] = count
            if fmt is not None:
                concepts["output_format"] = fmt
            outcome = generate(
                client, provider, model, op, sample_body(op, model, concepts=concepts)
            )
            check_schema(provider, model, op, outcome)
            check_images(
                outcome,
                model,
                default_of(op, "aspect_ratio", "1:1"),
                default_of(op, "image_size", "1K"),
                expected_mime(op, model, fmt),
                count if count is not None else model.default_image_count,
            )


def test_openai_style_answers_url_or_base64_as_asked(client: TestClient, spec: Spec) -> None:
    provider, model, op = lookup(
        spec, "aimlapi", "google/imagen-4.0-fast-generate-001", "images.generations"
    )
    for encoding, key in ((True, "url"), (False, "b64_json"), (None, "url")):
        concepts = {} if encoding is None else {"response_encoding": encoding}
        outcome = generate(client, provider, model, op, sample_body(op, model, concepts=concepts))
        assert outcome.status == 201
        assert all(key in item for item in outcome.body["data"])
        assert outcome.body["meta"]["usage"]["tokens_used"] >= 0
        check_images(outcome, model, "1:1", "1K", "image/png", 1)


def test_openai_urls_are_absolute_on_the_request_base(client: TestClient, spec: Spec) -> None:
    provider, model, op = lookup(
        spec, "aimlapi", "google/imagen-4.0-fast-generate-001", "images.generations"
    )
    outcome = generate(client, provider, model, op, sample_body(op, model))
    url = outcome.body["data"][0]["url"]
    assert url.startswith("http://testserver/")
    got = client.get(url)
    assert got.headers["content-type"] == "image/png"
    assert sniff_mime(got.content) == "image/png"


def test_gemini_reads_snake_case_and_case_insensitive_enums(client: TestClient, spec: Spec) -> None:
    provider, model, op = lookup(spec, "google", "gemini-3-pro-image-preview", "generateContent")
    body = {
        "contents": [{"role": "user", "parts": [{"text": "a fox"}]}],
        "generation_config": {
            "response_modalities": ["image"],
            "image_config": {"aspect_ratio": "21:9", "image_size": "2K"},
        },
    }
    outcome = generate(client, provider, model, op, body)
    assert outcome.status == 200, outcome.body
    parts = outcome.body["candidates"][0]["content"]["parts"]
    assert all("text" not in part for part in parts)  # IMAGE only
    assert all("inline_data" not in part for part in parts)  # responses are camelCase
    check_images(outcome, model, "21:9", "2K", "image/jpeg", 1)


def test_gemini_text_and_usage_follow_the_spec(client: TestClient, spec: Spec) -> None:
    provider, model, op = lookup(
        spec, "routescope", "gemini-3.1-flash-image-preview", "generateContent"
    )
    body = sample_body(op, model, concepts={"image_size": "4K", "aspect_ratio": "16:9"})
    outcome = generate(client, provider, model, op, body)
    answer = outcome.body
    parts = answer["candidates"][0]["content"]["parts"]
    assert "text" in parts[0]  # default modalities are TEXT and IMAGE
    assert answer["candidates"][0]["finishReason"] == "STOP"
    usage = answer["usageMetadata"]
    image_tokens = [d for d in usage["candidatesTokensDetails"] if d["modality"] == "IMAGE"]
    assert image_tokens == [{"modality": "IMAGE", "tokenCount": model.tokens_per_image["4K"]}]
    assert usage["totalTokenCount"] == usage["promptTokenCount"] + usage["candidatesTokenCount"]
    assert answer["modelVersion"] == model.id and answer["responseId"]
    check_images(outcome, model, "16:9", "4K", "image/jpeg", 1)


def test_text_only_modality_answers_without_image(client: TestClient, spec: Spec) -> None:
    provider, model, op = lookup(spec, "google", "gemini-2.5-flash-image", "generateContent")
    body = sample_body(op, model, concepts={"response_modalities": ["TEXT"]})
    outcome = generate(client, provider, model, op, body)
    assert outcome.status == 200
    assert outcome.images == []
    assert outcome.body["candidates"][0]["content"]["parts"][0]["text"]


def test_512_tier_is_computed_from_the_1k_table(client: TestClient, spec: Spec) -> None:
    provider, model, op = lookup(
        spec, "google", "gemini-3.1-flash-image-preview", "generateContent"
    )
    assert model.pixel_size("16:9", "512") is None  # not documented: the relay computes it
    body = sample_body(op, model, concepts={"image_size": "512", "aspect_ratio": "16:9"})
    outcome = generate(client, provider, model, op, body)
    one_k = model.pixel_size("16:9", "1K")
    assert one_k is not None
    info = inspect_image(outcome.images[0].data)
    assert info.size == (one_k.size.width // 2, one_k.size.height // 2)


def test_realistic_payloads_weigh_what_photos_weigh(relay: Any, spec: Spec) -> None:
    client = relay(payload="realistic")
    provider, model, op = lookup(spec, "google", "imagen-4.0-generate-001", "predict")
    body = sample_body(op, model, concepts={"image_count": 1, "image_size": "2K"})
    outcome = generate(client, provider, model, op, body)
    data = outcome.images[0].data
    assert len(data) > 2_000_000
    assert inspect_image(data).size == (2048, 2048)


def test_httpx_asgi_transport_in_process(spec: Spec) -> None:
    """The way `conformance run` drives the relay: httpx's ASGI transport, no port."""
    import anyio
    import httpx

    from conformance.server import RelayOptions, create_app

    app = create_app(spec, RelayOptions(payload="realistic"))
    _, model, op = lookup(spec, "google", "gemini-3-pro-image-preview", "generateContent")
    body = sample_body(op, model, concepts={"image_size": "4K", "aspect_ratio": "21:9"})

    async def go() -> httpx.Response:
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as client:
            return await client.post(
                f"/google{op.path}", json=body, headers={"x-goog-api-key": "test-key"}
            )

    answer = anyio.run(go)
    assert answer.status_code == 200
    assert int(answer.headers["content-length"]) == len(answer.content) > 1_000_000
    data = answer.json()["candidates"][0]["content"]["parts"][1]["inlineData"]["data"]
    from conformance.images import decode_base64_strict

    decoded = decode_base64_strict(data)
    assert decoded is not None
    assert inspect_image(decoded).size == (6336, 2688)
