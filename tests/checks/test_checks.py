"""Checks judge hand-made exchanges: each names the rule and the spec line, outcomes are right."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from conformance.checks import run_checks
from conformance.exchange import Exchange, Response
from conformance.images import encode_base64, make_image
from conformance.plan.case import Case
from conformance.plan.planner import PlanOptions, plan
from conformance.spec.model import Spec
from conformance.spec.resolve import load_spec

JSON = (("content-type", "application/json"),)


@pytest.fixture(scope="module")
def spec() -> Spec:
    return load_spec(Path(__file__).resolve().parents[2] / "specs")


def _case(
    spec: Spec, suffix: str, provider: str = "routescope", model: str = "imagen-4.0-generate-001"
) -> Case:
    cases = plan(spec, PlanOptions(providers=(provider,), models=(model,), max_examples=0)).cases
    return next(c for c in cases if c.id.endswith(suffix))


def _ex(
    case: Case, status: int, body: Any, headers: tuple[tuple[str, str], ...] = JSON
) -> Exchange:
    raw = body if isinstance(body, bytes) else json.dumps(body).encode()
    return Exchange(case.request, "http://x", Response(status, headers, raw))


def _predictions(
    n: int, w: int, h: int, fmt: str = "png", mime: str = "image/png"
) -> dict[str, Any]:
    data = encode_base64(make_image(w, h, fmt))
    return {"predictions": [{"bytesBase64Encoded": data, "mimeType": mime}] * n}


def _by(findings: list[Any], outcome: str) -> set[str]:
    return {f.check for f in findings if f.outcome == outcome}


def test_a_correct_answer_passes(spec: Spec) -> None:
    case = _case(spec, "cover/parameters.aspectRatio=16:9")
    found = run_checks(case, _ex(case, 200, _predictions(case.expect.images or 0, 1408, 768)))
    assert found and _by(found, "fail") == set()
    assert all(f.spec_location is not None for f in found)


def test_foreign_shape_is_named(spec: Spec) -> None:
    case = _case(spec, "cover/parameters.aspectRatio=1:1")
    found = run_checks(case, _ex(case, 200, {"data": [{"b64_json": "AAAA"}]}))
    shape = [f for f in found if f.check == "response-schema"]
    assert shape[0].outcome == "fail" and "openai-images" in shape[0].message
    assert shape[0].rule == "foreign-shape"


def test_count_size_and_magic_bytes(spec: Spec) -> None:
    case = _case(spec, "cover/parameters.aspectRatio=16:9")
    wrong = _predictions(1 if case.expect.images != 1 else 2, 1024, 1024, "jpeg", "image/png")
    failed = _by(run_checks(case, _ex(case, 200, wrong)), "fail")
    assert {"image-count", "pixel-size", "image-payload", "output-format"} <= failed


def test_truncated_payload_fails_decode(spec: Spec) -> None:
    case = _case(spec, "cover/parameters.aspectRatio=1:1")
    data = make_image(1024, 1024, "png")[:-20]
    body = {"predictions": [{"bytesBase64Encoded": encode_base64(data), "mimeType": "image/png"}]}
    found = [f for f in run_checks(case, _ex(case, 200, body)) if f.check == "image-payload"]
    assert found[0].outcome == "fail" and found[0].rule == "complete"
    assert found[0].pointer == "/predictions/0/bytesBase64Encoded"


def test_content_policy_is_blocked_not_pass_or_fail(spec: Spec) -> None:
    case = _case(spec, "blocked/filter-all")
    found = run_checks(case, _ex(case, 200, {"predictions": [{"raiFilteredReason": "x"}]}))
    assert [f.outcome for f in found if f.check == "image-count"] == ["blocked"]
    assert _by(found, "fail") == set()


def test_negative_accepted_or_5xx_fails_status(spec: Spec) -> None:
    case = _case(spec, "negative/parameters.sampleCount:maximum")
    for status in (200, 500):
        found = run_checks(case, _ex(case, status, _predictions(1, 1024, 1024)))
        status_finding = next(f for f in found if f.check == "status")
        assert status_finding.outcome == "fail"
        assert "gemini-predict.yaml" in str(status_finding.spec_location)


def test_error_envelope(spec: Spec) -> None:
    case = _case(spec, "negative/parameters.aspectRatio:enum")
    good = {"error": {"code": 400, "message": "bad", "status": "INVALID_ARGUMENT"}}
    assert _by(run_checks(case, _ex(case, 400, good)), "fail") == set()
    bad = run_checks(case, _ex(case, 400, b"bad request", (("content-type", "text/plain"),)))
    assert {"error-envelope", "content-type"} <= _by(bad, "fail")


def test_auth_missing_key_accepted_fails(spec: Spec) -> None:
    case = _case(spec, "auth/missing")
    found = run_checks(case, _ex(case, 200, _predictions(1, 1024, 1024)))
    assert {"auth", "status"} <= _by(found, "fail")


def test_transport_failure_is_error(spec: Spec) -> None:
    case = _case(spec, "cover/parameters.aspectRatio=1:1")
    found = run_checks(case, Exchange(case.request, "http://x", None, "timeout after 1 s"))
    assert found and {f.outcome for f in found} == {"error"}


def test_job_not_terminal_fails(spec: Spec) -> None:
    case = _case(spec, "cover/imagenParams.aspect_ratio=1:1", "apiframe", "imagen-4")
    poll = Exchange(
        case.request,
        "http://x",
        Response(200, JSON, json.dumps({"id": "j1", "status": "PROCESSING"}).encode()),
    )
    ex = Exchange(
        case.request,
        "http://x",
        Response(200, JSON, b'{"id": "j1"}'),
        polls=(poll, poll),
        job_terminal=False,
    )
    job = [f for f in run_checks(case, ex) if f.check == "job-lifecycle"]
    assert any(f.outcome == "fail" and f.rule == "terminal" for f in job)


@pytest.mark.parametrize(("code", "outcome"), [(400, "pass"), (401, "fail"), (403, "fail")])
def test_an_advisory_case_refused_for_its_key_is_not_a_pass(
    spec: Spec, code: int, outcome: str
) -> None:
    case = _case(spec, "advisory/parameters.imageSize=2K", model="imagen-4.0-fast-generate-001")
    assert case.expect.is_advisory("status")
    body = {"error": {"code": code, "message": "no", "status": "INVALID_ARGUMENT"}}
    (status,) = [f for f in run_checks(case, _ex(case, code, body)) if f.check == "status"]
    assert status.outcome == outcome
    assert status.advisory is (outcome == "pass")


def test_every_check_reads_images_decoded_and_walked_once(
    spec: Spec, monkeypatch: pytest.MonkeyPatch
) -> None:
    import conformance.checks.common as common

    calls = {"decode": 0, "inspect": 0}

    def counted(name: str, fn: Any) -> Any:
        def wrapper(*args: Any, **kw: Any) -> Any:
            calls[name] += 1
            return fn(*args, **kw)

        return wrapper

    monkeypatch.setattr(
        common, "decode_base64_strict", counted("decode", common.decode_base64_strict)
    )
    monkeypatch.setattr(common, "inspect_image", counted("inspect", common.inspect_image))
    case = _case(spec, "cover/parameters.aspectRatio=16:9")
    n = case.expect.images or 1
    exchange = _ex(case, 200, _predictions(n, 1408, 768))
    found = run_checks(case, exchange)
    assert _by(found, "fail") == set() and len(found) > 3
    assert calls == {"decode": n, "inspect": n}  # n copies of one image: one decode each
    again = run_checks(case, exchange)
    assert again == found and calls == {"decode": n, "inspect": n}
