"""Vertex AI as an upstream: the relay serves Vertex's URL layout (any project and location),
Bearer auth and Google's envelope from the same specs; Vertex-only parameters are accepted;
lifecycle follows the channel (Imagen via Vertex is deprecated, not retired)."""

from __future__ import annotations

import shutil
from collections.abc import Callable
from pathlib import Path

import pytest
from relay_testkit import KEY
from starlette.testclient import TestClient

from conformance.plan.planner import PlanOptions, plan
from conformance.runner.budget import Budget, select
from conformance.spec.diagnostics import SpecError
from conformance.spec.model import Spec
from conformance.spec.resolve import load_spec

ROOT = Path(__file__).resolve().parents[2]
BEARER = {"Authorization": f"Bearer {KEY}"}
PREDICT = "/vertex/v1/projects/{p}/locations/{l}/publishers/google/models/{m}:predict"
GENERATE = "/vertex/v1/projects/{p}/locations/{l}/publishers/google/models/{m}:generateContent"


@pytest.mark.parametrize(
    ("project", "location"), [("my-proj", "europe-west4"), ("p-1", "us-east5")]
)
def test_imagen_predict_in_vertex_layout(
    relay: Callable[..., TestClient], project: str, location: str
) -> None:
    client = relay(keys=(KEY,))
    body = {
        "instances": [{"prompt": "a lighthouse"}],
        "parameters": {
            "sampleCount": 1,
            "aspectRatio": "16:9",
            "seed": 7,
            "addWatermark": False,
            "negativePrompt": "fog",
            "enhancePrompt": False,
        },
    }
    url = PREDICT.format(p=project, l=location, m="imagen-4.0-generate-001")
    answer = client.post(url, json=body, headers=BEARER)
    assert answer.status_code == 200, answer.text
    assert answer.json()["predictions"][0]["mimeType"] == "image/png"


def test_gemini_generate_content_in_vertex_layout(relay: Callable[..., TestClient]) -> None:
    client = relay(keys=(KEY,))
    body = {"contents": [{"role": "user", "parts": [{"text": "a lighthouse"}]}]}
    url = GENERATE.format(p="proj", l="global", m="gemini-2.5-flash-image")
    answer = client.post(url, json=body, headers=BEARER)
    assert answer.status_code == 200, answer.text
    assert "candidates" in answer.json()


def test_vertex_wants_bearer_and_answers_in_googles_envelope(
    relay: Callable[..., TestClient],
) -> None:
    client = relay(keys=(KEY,))
    url = PREDICT.format(p="proj", l="us-central1", m="imagen-4.0-generate-001")
    body = {"instances": [{"prompt": "x"}]}
    for headers in ({}, {"x-goog-api-key": KEY}, {"Authorization": "Bearer nope"}):
        answer = client.post(url, json=body, headers=headers)
        assert answer.status_code in (401, 403), headers
        error = answer.json()["error"]
        assert {"code", "message", "status"} <= set(error)
    # the Gemini API's layout is not Vertex's
    assert (
        client.post(
            "/vertex/v1beta/models/imagen-4.0-generate-001:predict", json=body, headers=BEARER
        ).status_code
        == 404
    )


def test_planned_paths_fill_project_and_location(spec: Spec) -> None:
    cases = plan(
        spec, PlanOptions(providers=("vertex",), kinds=("positive",), max_examples=0)
    ).cases
    paths = {c.request.path for c in cases}
    assert (
        "/v1/projects/conformance-test/locations/us-central1/publishers/google/models/imagen-4.0-generate-001:predict"
        in paths
    )
    assert all("{" not in p for p in paths)
    extras = {
        k
        for c in cases
        if c.operation.name == "predict"
        for k in (c.request.body or {}).get("parameters", {})
    }
    assert {"seed", "addWatermark", "enhancePrompt"} <= extras


def test_lifecycle_follows_the_channel(spec: Spec) -> None:
    vertex, google = spec.provider("vertex"), spec.provider("google")
    assert vertex is not None and google is not None
    via_vertex = vertex.model("imagen-4.0-generate-001")
    on_gemini_api = google.model("imagen-4.0-generate-001")
    assert via_vertex is not None and on_gemini_api is not None
    assert via_vertex.channel == "vertex-ai" and via_vertex.status == "deprecated"
    assert {e.scope for e in via_vertex.upstream_lifecycle} == {"vertex-ai"}
    assert on_gemini_api.status == "retired"
    cases = plan(
        spec, PlanOptions(providers=("vertex", "google"), kinds=("positive",), max_examples=0)
    ).cases
    imagen = tuple(c for c in cases if c.model.id == "imagen-4.0-generate-001")
    sent, cut = select(imagen, Budget(None, None), live=True)
    assert {c.provider.id for c in sent} == {"vertex"}
    assert {c.provider.id for c, _ in cut} == {"google"}


def _broken(tmp_path: Path, old: str, new: str) -> Path:
    root = tmp_path / "specs"
    shutil.copytree(ROOT / "specs", root)
    path = root / "providers" / "vertex.yaml"
    text = path.read_text()
    assert old in text
    path.write_text(text.replace(old, new, 1))
    return root


def test_an_unknown_channel_and_an_unfilled_path_are_spec_errors(tmp_path: Path) -> None:
    with pytest.raises(SpecError) as err:
        load_spec(_broken(tmp_path / "a", "channel: vertex-ai}", "channel: vertex-ia}"))
    assert [d.code for d in err.value.diagnostics] == ["spec.unknown-channel"]
    assert "vertex-ai" in err.value.diagnostics[0].hint
    with pytest.raises(SpecError) as err:
        load_spec(
            _broken(
                tmp_path / "b",
                "{project: conformance-test, location: us-central1}",
                "{project: conformance-test}",
            )
        )
    assert {d.code for d in err.value.diagnostics} == {"spec.unfilled-path"}


@pytest.mark.parametrize(
    ("fault", "check"), [(None, None), ("no-auth", "auth"), ("ignore-aspect-ratio", "pixel-size")]
)
def test_a_run_against_vertex_passes_clean_and_catches_faults(
    fault: str | None, check: str | None, tmp_path: Path
) -> None:
    import json

    from conformance.cli.main import main

    out = tmp_path / "r.json"
    args = [
        "--specs",
        str(ROOT / "specs"),
        "run",
        "--provider",
        "vertex",
        "--model",
        "imagen-4.0-generate-001",
        "--max-examples",
        "0",
        "--json",
        str(out),
    ]
    code = main([*args, *(["--fault", fault] if fault else [])])
    failing = {
        f["check"]
        for c in json.loads(out.read_text())["cases"]
        for f in c["findings"]
        if f["outcome"] == "fail"
    }
    if fault is None:
        assert (code, failing) == (0, set())
    else:
        assert code == 1 and check in failing
