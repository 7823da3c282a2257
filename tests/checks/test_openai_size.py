"""OpenAI's images shape (n, size "WxH", response_format, quality) as a family a provider uses:
`size` is an exact pixel size, checked on every image; the relay honours it, and fails the check
when it ignores it."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from conformance.cli.main import main
from conformance.plan.bodies import expectations
from conformance.spec.model import Spec
from conformance.spec.resolve import check_layers
from conformance.spec.trees import spec_roots

LITELLM = """\
kind: provider
id: litellm
title: LiteLLM proxy
base_url: http://localhost:4000
error_envelope: openai
auth:
  key_env: LITELLM_API_KEY
  schemes:
    - {kind: bearer, name: Authorization, source: {ref: openai-images-api}}
  reject:
    missing: {status: [401], error_status: authentication_error, message: "missing API key"}
    wrong: {status: [401], error_status: authentication_error, message: "invalid API key"}
  source: {ref: openai-images-api}
operations:
  images.generations:
    family: openai-images
    parameters:
      (body): {}
      model: {}
      prompt: {}
      n: {maximum: 4}
      size: {enum: ["1024x1024", "1536x1024", "1024x1536"], default: "1024x1024"}
      response_format: {}
      quality: {}
models:
  - id: imagen-4.0-fast-generate-001
    upstream: imagen-4.0-fast-generate-001
    lifecycle:
      - {status: ga, scope: litellm, source: {ref: openai-images-api}}
"""


@pytest.fixture
def tree(tmp_path: Path) -> Path:
    root = tmp_path / "mine"
    (root / "providers").mkdir(parents=True)
    (root / "providers" / "litellm.yaml").write_text(LITELLM)
    return root


@pytest.fixture
def spec(tree: Path) -> Spec:
    spec, diagnostics = check_layers(spec_roots([tree]))
    assert spec is not None, [d.render() for d in diagnostics]
    return spec


def test_the_family_keeps_openais_parameters_and_aimlapi_its_own(spec: Spec) -> None:
    (op,) = spec.provider("litellm").models[0].operations
    assert [p.name for p in op.parameters] == [
        "(body)", "model", "prompt", "n", "size", "response_format", "quality"
    ]  # fmt: skip
    assert op.success_status == 200
    assert all(s.ref == "openai-images-api" for p in op.parameters[3:] for s in p.sources)
    (theirs,) = spec.provider("aimlapi").models[0].operations
    names = {p.name for p in theirs.parameters}
    assert not names & {"n", "size", "response_format", "quality"}
    assert {"num_images", "aspect_ratio"} <= names and theirs.success_status == 201


def test_size_and_response_format_become_expectations(spec: Spec) -> None:
    model = spec.provider("litellm").models[0]
    (op,) = model.operations
    body = {"model": model.id, "prompt": "x", "size": "1536x1024", "response_format": "b64_json"}
    expect = expectations(model, op, body)
    assert (expect.size, expect.encoding) == ("1536x1024", "b64")
    plain = expectations(model, op, {"model": model.id, "prompt": "x"})
    assert (plain.size, plain.encoding) == ("1024x1024", "url")  # the documented defaults


def _run(tree: Path, tmp_path: Path, *extra: str) -> list[dict[str, str]]:
    out = tmp_path / "run.json"
    argv = ["run", "--specs", str(tree), "--provider", "litellm", "--check", "pixel-size"]
    main([*argv, "--json", str(out), *extra])
    return [
        finding
        for case in json.loads(out.read_text())["cases"]
        for finding in case["findings"]
        if finding.get("rule") == "exact-size"
    ]


def test_the_relay_answers_the_size_asked_for(tree: Path, tmp_path: Path) -> None:
    findings = _run(tree, tmp_path)
    assert findings and all(f["outcome"] == "pass" for f in findings)
    sizes = {f["message"].split(" for size ")[1] for f in findings}
    assert sizes == {"1024x1024", "1536x1024", "1024x1536"}  # every documented size is tried


def test_a_relay_ignoring_the_size_fails_the_check(tree: Path, tmp_path: Path) -> None:
    findings = _run(tree, tmp_path, "--fault", "ignore-image-size")
    failed = [f for f in findings if f["outcome"] == "fail"]
    assert failed and all("expected" in f["message"] for f in failed)
