"""Response schemas accept what real servers send and reject rewritten or broken shapes."""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

import pytest

from conformance.schema.validate import SchemaValidator, foreign_shape, validator_for
from conformance.spec.model import Spec

REPO = Path(__file__).resolve().parents[2]
UPSTREAM_SAMPLES = REPO.parent / "shared" / "upstream-samples"


# A 1x1 PNG.
PNG = (
    "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA"
    "60e6kgAAAABJRU5ErkJggg=="
)

# Which covered operation (or error envelope) each published sample belongs to.
SAMPLES = {
    "unary-success-generate-images-base64.json": ("google", "imagen-4.0-generate-001", "response"),
    "unary-success-generate-images-safety_info.json": (
        "google",
        "imagen-4.0-generate-001",
        "response",
    ),
    "unary-failure-generate-images-base64-some-filtered.json": (
        "google",
        "imagen-4.0-generate-001",
        "response",
    ),
    "unary-failure-generate-images-all-filtered.json": (
        "google",
        "imagen-4.0-generate-001",
        "response",
    ),
    "unary-success-generate-images-gcs.json": ("google", "imagen-4.0-generate-001", "response"),
    "unary-failure-generate-images-prompt-blocked.json": (
        "google",
        "imagen-4.0-generate-001",
        "error",
    ),
    "googleai-unary-failure-api-key.json": ("google", "gemini-2.5-flash-image", "error"),
    "google-429-retry-info.json": ("google", "gemini-2.5-flash-image", "error"),
    "openai-image.json": ("aimlapi", "google/imagen-4.0-fast-generate-001", "response"),
}


def validator(spec: Spec, provider: str, model: str, kind: str) -> SchemaValidator:
    p = spec.provider(provider)
    assert p is not None
    m = p.model(model)
    assert m is not None
    v = validator_for(p, m, m.entry_operations[0], kind)  # type: ignore[arg-type]
    assert v is not None
    return v


@pytest.mark.parametrize("name", sorted(SAMPLES))
def test_published_upstream_samples_validate(spec: Spec, name: str) -> None:
    path = UPSTREAM_SAMPLES / name
    if not UPSTREAM_SAMPLES.is_dir():
        pytest.skip(f"upstream samples not available at {UPSTREAM_SAMPLES}")
    provider, model, kind = SAMPLES[name]
    body = json.loads(path.read_text())
    assert validator(spec, provider, model, kind).violations(body) == []


def test_every_published_sample_is_classified() -> None:
    if not UPSTREAM_SAMPLES.is_dir():
        pytest.skip(f"upstream samples not available at {UPSTREAM_SAMPLES}")
    assert {p.name for p in Path(UPSTREAM_SAMPLES).glob("*.json")} == set(SAMPLES)


GEMINI_OK: dict[str, Any] = {
    "candidates": [
        {
            "content": {
                "role": "model",
                "parts": [
                    {"text": "Here you go", "thoughtSignature": "c2ln"},
                    {
                        "inlineData": {"mimeType": "image/jpeg", "data": PNG},
                        "thoughtSignature": "c2ln",
                    },
                ],
            },
            "finishReason": "STOP",
            "index": 0,
            "someFutureField": {"x": 1},
        }
    ],
    "usageMetadata": {
        "promptTokenCount": 7,
        "candidatesTokenCount": 1290,
        "totalTokenCount": 1297,
        "promptTokensDetails": [{"modality": "TEXT", "tokenCount": 7}],
        "candidatesTokensDetails": [{"modality": "IMAGE", "tokenCount": 1290}],
    },
    "modelVersion": "gemini-2.5-flash-image",
    "responseId": "abc",
    "createTime": "2026-01-01",
}


@pytest.mark.parametrize(
    "body",
    [
        GEMINI_OK,
        {"promptFeedback": {"blockReason": "PROHIBITED_CONTENT"}, "usageMetadata": {}},
        {"candidates": [{"content": {}, "finishReason": "NO_IMAGE", "index": 0}]},
    ],
    ids=["image+text+signature", "prompt-feedback-only", "no-image"],
)
def test_gemini_accepts_real_shapes(spec: Spec, body: dict[str, Any]) -> None:
    assert (
        validator(spec, "routescope", "gemini-3-pro-image-preview", "response").violations(body)
        == []
    )


def _bad_gemini(path: list[Any], value: Any) -> dict[str, Any]:
    body = copy.deepcopy(GEMINI_OK)
    node: Any = body
    for token in path[:-1]:
        node = node[token]
    node[path[-1]] = value
    return body


@pytest.mark.parametrize(
    ("body", "rule"),
    [
        ({"predictions": [{"bytesBase64Encoded": PNG, "mimeType": "image/png"}]}, "not"),
        ({"data": [{"b64_json": PNG}], "candidates": []}, "not"),
        (
            _bad_gemini(
                ["candidates", 0, "content", "parts", 1, "inlineData", "data"], "not base64!"
            ),
            "pattern",
        ),
        (_bad_gemini(["candidates", 0, "content", "parts", 1, "inlineData", "data"], 1234), "type"),
        (_bad_gemini(["candidates"], {"0": {}}), "type"),
        (
            _bad_gemini(
                ["candidates", 0, "content", "parts", 1],
                {"inline_data": {"mime_type": "image/png", "data": PNG}},
            ),
            "not",
        ),
    ],
    ids=[
        "predictions",
        "openai-data",
        "non-base64",
        "non-string",
        "container-type",
        "snake-case-response",
    ],
)
def test_gemini_rejects_foreign_and_broken_shapes(
    spec: Spec, body: dict[str, Any], rule: str
) -> None:
    violations = validator(spec, "google", "gemini-2.5-flash-image", "response").violations(body)
    assert rule in {v.rule for v in violations}


@pytest.mark.parametrize(
    ("body", "rule", "shape"),
    [
        ({"data": [{"url": "https://x/1.png"}]}, "required", "openai-images"),
        ({"candidates": [{"content": {"parts": []}}]}, "required", "gemini-candidates"),
        ({"predictions": [{"mimeType": "image/png"}]}, "anyOf", None),
        (
            {"predictions": [{"bytesBase64Encoded": "%%%", "mimeType": "image/png"}]},
            "pattern",
            None,
        ),
        ({"predictions": [{"bytesBase64Encoded": ["x"], "mimeType": "image/png"}]}, "type", None),
        ({"predictions": {"bytesBase64Encoded": PNG}}, "type", None),
    ],
    ids=[
        "openai-data",
        "gemini-candidates",
        "empty-item",
        "non-base64",
        "non-string",
        "wrong-container",
    ],
)
def test_predict_rejects_foreign_and_broken_shapes(
    spec: Spec, body: dict[str, Any], rule: str, shape: str | None
) -> None:
    p = spec.provider("tokaify")
    assert p is not None
    m = p.model("imagen-4.0-generate-001")
    assert m is not None
    violations = validator(spec, "tokaify", "imagen-4.0-generate-001", "response").violations(body)
    assert rule in {v.rule for v in violations}
    assert foreign_shape(m.operations[0], body) == shape


def test_predict_accepts_extra_fields_and_filtered_items(spec: Spec) -> None:
    body = {
        "predictions": [
            {
                "bytesBase64Encoded": PNG,
                "mimeType": "image/png",
                "prompt": "rewritten",
                "safetyAttributes": {"categories": ["Violence"], "scores": [0.1]},
                "newField": 1,
            },
            {"raiFilteredReason": "filtered"},
        ],
        "positivePromptSafetyAttributes": {"categories": [], "scores": []},
        "metadata": {"anything": True},
    }
    assert (
        validator(spec, "routescope", "imagen-4.0-ultra-generate-001", "response").violations(body)
        == []
    )


def test_openai_style_route_rejects_predictions(spec: Spec) -> None:
    v = validator(spec, "aimlapi", "google/imagen-4.0-fast-generate-001", "response")
    assert {x.rule for x in v.violations({"predictions": [{"bytesBase64Encoded": PNG}]})} >= {
        "required",
        "not",
    }
    ok = {
        "data": [{"url": "https://cdn/x.png", "mime_type": "image/png", "prompt": "p"}],
        "meta": {"usage": {"tokens_used": 42000}},
    }
    assert v.violations(ok) == []


def test_error_envelopes(spec: Spec) -> None:
    google = validator(spec, "routescope", "imagen-4.0-generate-001", "error")
    assert (
        google.violations({"error": {"code": 400, "message": "m", "status": "INVALID_ARGUMENT"}})
        == []
    )
    assert google.violations({"error": {"message": "m", "type": "invalid_request_error"}})
    assert google.violations("Bad Request")
    openai = validator(spec, "aimlapi", "google/imagen-4.0-fast-generate-001", "error")
    assert (
        openai.violations(
            {
                "error": {
                    "message": "m",
                    "type": "invalid_request_error",
                    "param": "prompt",
                    "code": None,
                }
            }
        )
        == []
    )
    assert openai.violations({"error": {"code": 400, "message": "m", "status": "X"}})
