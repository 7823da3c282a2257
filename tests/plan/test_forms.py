"""Every documented input form is planned as a positive case (enum letter case, proto-JSON
spelling) and the auth matrix covers every key form and the job poll route."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from conformance.plan.forms import respell
from conformance.plan.planner import PlanOptions, plan
from conformance.spec.resolve import load_spec

SPEC = load_spec(Path(__file__).resolve().parents[2] / "specs")
PLAN = plan(SPEC, PlanOptions(max_examples=0))
BY_ID = {c.id: c for c in PLAN.cases}


def _keys(node: Any) -> set[str]:
    if isinstance(node, list):
        return set().union(*(_keys(i) for i in node)) if node else set()
    if isinstance(node, dict):
        return set(node) | set().union(*(_keys(v) for v in node.values()))
    return set()


def test_case_variant_enums_are_positive_cases() -> None:
    case = BY_ID[
        "google/imagen-4.0-generate-001/predict/case/parameters.personGeneration=DONT_ALLOW"
    ]
    assert case.kind == "positive" and case.expect.status_class == "2xx"
    assert case.request.body["parameters"]["personGeneration"] == "DONT_ALLOW"
    modalities = (
        "google/gemini-2.5-flash-image/generateContent/case/"
        "generationConfig.responseModalities=image"
    )
    assert BY_ID[modalities].request.body["generationConfig"]["responseModalities"] == ["image"]


def test_both_proto_json_spellings_are_positive_cases_on_google_native_routes() -> None:
    prefix = "routescope/gemini-3-pro-image-preview/generateContent/spelling/"
    snake = _keys(BY_ID[prefix + "snake_case"].request.body)
    camel = _keys(BY_ID[prefix + "camelCase"].request.body)
    assert {
        "generation_config",
        "inline_data",
        "mime_type",
        "image_config",
        "aspect_ratio",
    } <= snake
    assert not {"generationConfig", "inlineData", "mimeType"} & snake
    assert {"generationConfig", "inlineData", "mimeType", "imageConfig", "aspectRatio"} <= camel
    assert BY_ID[prefix + "snake_case"].expect.ratio == BY_ID[prefix + "camelCase"].expect.ratio
    assert not [c for c in PLAN.cases if "/spelling/" in c.id and "predict" in c.id]


@settings(deadline=None)
@given(st.sampled_from([c for c in PLAN.cases if "/spelling/" in c.id]))
def test_respelling_round_trips(case: Any) -> None:
    op = case.operation
    snake = respell(op, case.request.body, "snake_case")
    assert respell(op, respell(op, snake, "camelCase"), "snake_case") == snake


def test_the_auth_matrix_covers_every_key_form_and_job_polling() -> None:
    google = "google/imagen-4.0-generate-001/predict/auth/"
    for label in ("missing", "wrong", "wrong:query:key", "header:x-goog-api-key", "query:key"):
        assert google + label in BY_ID, label
    assert BY_ID[google + "wrong:query:key"].request.auth.kind == "query"
    for mode in ("missing", "wrong"):
        poll = BY_ID[f"apiframe/imagen-4/images.generate/auth/poll-{mode}"]
        assert poll.request.method == "GET" and poll.request.path.startswith("/v2/jobs/")
        assert poll.expect.statuses == (401, 403) and poll.request.auth.mode == mode
