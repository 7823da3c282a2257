"""Answers judged beyond their schema: fields upstream always sends (with their evidence), the
modalities asked for, image tokens against the spec's tokens per image, untabled size tiers."""

from __future__ import annotations

import functools
import json
from pathlib import Path
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from conformance.checks import run_checks
from conformance.exchange import Exchange, Response
from conformance.images import encode_base64, make_image
from conformance.plan.case import Case
from conformance.plan.planner import PlanOptions, plan
from conformance.spec.resolve import load_spec

SPEC = load_spec(Path(__file__).resolve().parents[2] / "specs")
JSON = (("content-type", "application/json"),)
FLASH31 = "google/gemini-3.1-flash-image-preview/generateContent/cover/"


@functools.cache
def _cases(provider: str) -> tuple[Case, ...]:
    return plan(SPEC, PlanOptions(providers=(provider,), max_examples=0)).cases


def _case(suffix: str, provider: str = "google") -> Case:
    return next(c for c in _cases(provider) if c.id.endswith(suffix))


def _findings(case: Case, body: Any) -> list[Any]:
    answer = Response(200, JSON, json.dumps(body).encode())
    return run_checks(case, Exchange(case.request, "http://x", answer))


def _of(findings: list[Any], check: str) -> list[Any]:
    return [f for f in findings if f.check == check]


def _gemini(
    w: int, h: int, *, text: bool, tokens: int | None, finish: bool = True
) -> dict[str, Any]:
    parts: list[dict[str, Any]] = [{"text": "here"}] if text else []
    parts.append(
        {"inlineData": {"mimeType": "image/png", "data": encode_base64(make_image(w, h, "png"))}}
    )
    candidate: dict[str, Any] = {"content": {"role": "model", "parts": parts}, "index": 0}
    if finish:
        candidate["finishReason"] = "STOP"
    body: dict[str, Any] = {"candidates": [candidate]}
    if tokens is not None:
        body["usageMetadata"] = {
            "promptTokenCount": 5,
            "candidatesTokenCount": tokens,
            "totalTokenCount": tokens + 5,
            "candidatesTokensDetails": [{"modality": "IMAGE", "tokenCount": tokens}],
        }
    return body


# 3:4 at 1K on gemini-3.1-flash: 896x1200, IMAGE only, 1120 tokens per image.
IMAGE_ONLY = FLASH31 + "generationConfig.imageConfig.aspectRatio=3:4"


def test_a_complete_answer_passes_every_answer_check() -> None:
    found = _findings(_case(IMAGE_ONLY), _gemini(896, 1200, text=False, tokens=1120))
    for check in ("required-fields", "modalities", "image-tokens"):
        assert _of(found, check) and all(f.outcome == "pass" for f in _of(found, check))


def test_missing_finish_reason_and_usage_fail_with_their_evidence() -> None:
    body = _gemini(896, 1200, text=False, tokens=None, finish=False)
    failed = {
        f.pointer: f
        for f in _of(_findings(_case(IMAGE_ONLY), body), "required-fields")
        if f.outcome == "fail"
    }
    assert set(failed) == {"/usageMetadata", "/candidates/0/finishReason"}
    assert "Gemini API reference" in failed["/usageMetadata"].message
    assert all(f.spec_location is not None for f in failed.values())


def test_an_imagen_prediction_without_mime_type_fails_and_a_filtered_one_is_exempt() -> None:
    case = _case(
        "routescope/imagen-4.0-generate-001/predict/cover/parameters.aspectRatio=1:1", "routescope"
    )
    data = encode_base64(make_image(1024, 1024, "png"))
    body = {"predictions": [{"bytesBase64Encoded": data}, {"raiFilteredReason": "x"}]}
    required = _of(_findings(case, body), "required-fields")
    assert [(f.outcome, f.pointer) for f in required] == [("fail", "/predictions/0/mimeType")]


def test_text_when_only_image_was_asked_fails() -> None:
    case = _case(IMAGE_ONLY)
    assert case.request.body["generationConfig"]["responseModalities"] == ["IMAGE"]
    (finding,) = _of(_findings(case, _gemini(896, 1200, text=True, tokens=1120)), "modalities")
    assert finding.outcome == "fail" and "TEXT was not asked for" in finding.message


@settings(deadline=None, max_examples=25)  # each example decodes a 896x1200 image
@given(st.integers(min_value=0, max_value=5000))
def test_image_tokens_fail_only_when_they_overbill(tokens: int) -> None:
    (finding,) = _of(
        _findings(_case(IMAGE_ONLY), _gemini(896, 1200, text=False, tokens=tokens)), "image-tokens"
    )
    if tokens > 1120:
        assert finding.outcome == "fail" and "overbilled" in finding.message
    else:
        assert finding.outcome == "pass" and finding.advisory is (tokens < 1120)


def test_a_tier_without_pixel_table_says_only_the_ratio_was_judged() -> None:
    case = _case(FLASH31 + "generationConfig.imageConfig.aspectRatio=1:1")
    assert case.expect.tier == "512" and case.model.pixel_size("1:1", "512") is None
    (finding,) = _of(_findings(case, _gemini(512, 512, text=True, tokens=747)), "pixel-size")
    assert finding.outcome == "pass" and "only the ratio could be judged" in finding.message
