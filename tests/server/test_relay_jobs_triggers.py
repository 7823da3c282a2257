"""Apiframe-style job lifecycle and served image URLs; content-policy triggers per family."""

from __future__ import annotations

from typing import Any

import pytest
from relay_testkit import auth, generate, lookup
from starlette.testclient import TestClient

from conformance import triggers
from conformance.images import ImageFormat, inspect_image
from conformance.schema.validate import validator_for
from conformance.server.samples import sample_body
from conformance.spec.model import Spec


@pytest.mark.parametrize("steps", [0, 1, 2, 4])
def test_job_walks_non_terminal_states_to_completed(relay: Any, spec: Spec, steps: int) -> None:
    client = relay(job_steps=steps)
    provider, model, op = lookup(spec, "apiframe", "imagen-4", "images.generate")
    poll = model.operation("jobs.get")
    assert poll is not None and op.job is not None
    submitted = client.post(
        "/apiframe/v2/images/generate", json=sample_body(op, model), **auth(provider)
    )
    assert submitted.status_code == 200
    assert validator_for(provider, model, op, "response").violations(submitted.json()) == []
    job_id = submitted.json()["id"]
    assert submitted.json()["status"] == "PENDING"
    states = []
    for _ in range(steps + 2):
        answer = client.get(f"/apiframe/v2/jobs/{job_id}", **auth(provider))
        assert answer.status_code == 200
        assert validator_for(provider, model, poll, "response").violations(answer.json()) == []
        states.append(answer.json()["status"])
    expected_waiting = ["PENDING"] * max(0, steps - 1) + ["PROCESSING"] * min(steps, 1)
    assert states == [*expected_waiting, "COMPLETED", "COMPLETED"]
    urls = answer.json()["result"]["images"]
    assert len(urls) == model.default_image_count
    # the same URLs on every poll once completed
    again = client.get(f"/apiframe/v2/jobs/{job_id}", **auth(provider)).json()
    assert again["result"]["images"] == urls


def test_job_images_are_served_with_the_right_type(client: TestClient, spec: Spec) -> None:
    provider, model, op = lookup(spec, "apiframe", "imagen-4", "images.generate")
    for fmt, mime in (("png", "image/png"), ("jpg", "image/jpeg")):
        body = sample_body(
            op, model, concepts={"output_format": fmt, "aspect_ratio": "9:16", "image_size": "2K"}
        )
        outcome = generate(client, provider, model, op, body)
        assert outcome.states[-1] == "COMPLETED"
        (image,) = outcome.images
        assert image.declared == mime
        info = inspect_image(image.data)
        assert info.ok and info.mime == mime and info.size == (1536, 2816)
        url = outcome.body["result"]["images"][0]
        assert url.startswith("http://testserver/_relay/files/")
        assert url.endswith(".png" if fmt == "png" else ".jpg")


def test_jobs_are_private_to_their_provider_and_key(client: TestClient, spec: Spec) -> None:
    provider, model, op = lookup(spec, "apiframe", "imagen-4", "images.generate")
    job_id = client.post(
        "/apiframe/v2/images/generate", json=sample_body(op, model), **auth(provider)
    ).json()["id"]
    assert client.get(f"/apiframe/v2/jobs/{job_id}").status_code == 401


def test_job_store_is_bounded(spec: Spec) -> None:
    from conformance.server.generation import Generation
    from conformance.server.jobs import JobStore

    provider, model, op = lookup(spec, "apiframe", "imagen-4", "images.generate")
    store = JobStore(max_jobs=3)
    gen = Generation("p", 1, "1:1", "1K", 8, 8, ImageFormat.PNG, False, (), None)
    jobs = [store.create(provider, model, op, gen) for _ in range(5)]
    assert len(store) == 3
    assert store.get(provider, jobs[0].id) is None
    assert store.get(provider, jobs[-1].id) is jobs[-1]


def test_block_prompt(client: TestClient, spec: Spec) -> None:
    prompt = f"a cat {triggers.BLOCK_PROMPT}"
    # Imagen :predict -> 400 INVALID_ARGUMENT, as Google answers a blocked prompt
    provider, model, op = lookup(spec, "google", "imagen-4.0-generate-001", "predict")
    outcome = generate(client, provider, model, op, sample_body(op, model, prompt=prompt))
    assert outcome.status == 400
    assert outcome.body["error"]["status"] == "INVALID_ARGUMENT"
    assert "Responsible AI" in outcome.body["error"]["message"]
    # Gemini -> 200, promptFeedback.blockReason, no candidates
    provider, model, op = lookup(
        spec, "routescope", "gemini-3-pro-image-preview", "generateContent"
    )
    outcome = generate(client, provider, model, op, sample_body(op, model, prompt=prompt))
    assert outcome.status == 200
    assert outcome.body["promptFeedback"] == {"blockReason": "PROHIBITED_CONTENT"}
    assert "candidates" not in outcome.body
    assert validator_for(provider, model, op, "response").violations(outcome.body) == []
    # OpenAI-style and jobs -> 400 in their envelopes
    for pid, mid, name, code in (
        (
            "aimlapi",
            "google/imagen-4.0-fast-generate-001",
            "images.generations",
            "content_policy_violation",
        ),
        ("apiframe", "imagen-4", "images.generate", "CONTENT_POLICY_VIOLATION"),
    ):
        provider, model, op = lookup(spec, pid, mid, name)
        outcome = generate(client, provider, model, op, sample_body(op, model, prompt=prompt))
        assert outcome.status == 400
        assert code in str(outcome.body)
        assert validator_for(provider, model, op, "error").violations(outcome.body) == []


@pytest.mark.parametrize("count", [1, 2, 4])
def test_filter_some_and_all(client: TestClient, spec: Spec, count: int) -> None:
    provider, model, op = lookup(spec, "tokaify", "imagen-4.0-generate-001", "predict")
    validator = validator_for(provider, model, op, "response")
    body = sample_body(
        op, model, prompt=f"x {triggers.FILTER_SOME}", concepts={"image_count": count}
    )
    outcome = generate(client, provider, model, op, body)
    assert outcome.status == 200 and validator.violations(outcome.body) == []
    assert len(outcome.images) == count - 1
    assert len(outcome.filtered) == 1
    assert outcome.body["predictions"][-1].keys() == {"raiFilteredReason"}
    body = sample_body(
        op, model, prompt=f"x {triggers.FILTER_ALL}", concepts={"image_count": count}
    )
    outcome = generate(client, provider, model, op, body)
    assert outcome.status == 200 and validator.violations(outcome.body) == []
    assert outcome.body["predictions"] == [{"raiFilteredReason": outcome.filtered[0]}]
    assert "All images were filtered" in outcome.filtered[0]


def test_no_image(client: TestClient, spec: Spec) -> None:
    provider, model, op = lookup(spec, "google", "gemini-2.5-flash-image", "generateContent")
    body = sample_body(op, model, prompt=f"{triggers.NO_IMAGE} a dog")
    outcome = generate(client, provider, model, op, body)
    assert outcome.status == 200
    assert outcome.body["candidates"] == [{"content": {}, "finishReason": "NO_IMAGE", "index": 0}]
    assert outcome.body["usageMetadata"]["promptTokenCount"] > 0
    assert validator_for(provider, model, op, "response").violations(outcome.body) == []
    assert outcome.images == []


def test_triggers_of_other_families_are_ignored(client: TestClient, spec: Spec) -> None:
    provider, model, op = lookup(
        spec, "aimlapi", "google/imagen-4.0-fast-generate-001", "images.generations"
    )
    for marker in (triggers.FILTER_ALL, triggers.NO_IMAGE):
        outcome = generate(client, provider, model, op, sample_body(op, model, prompt=marker))
        assert outcome.status == 201 and len(outcome.images) == 1
