"""Images over chat completions: the relay answers in each of the gateways' forms (data URLs in
`message.images[]`, in `message.content` parts, in Portkey's `message.content_blocks[]`), every
check passes on each, each broken relay is caught in each, and a block stays a block."""

from __future__ import annotations

import base64
import dataclasses
import json
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from conformance.checks import run_checks
from conformance.checks.common import data_url_image
from conformance.cli.main import main
from conformance.exchange import Exchange, Response
from conformance.images import make_image
from conformance.plan.bodies import expectations
from conformance.plan.case import Case
from conformance.plan.planner import PlanOptions, plan
from conformance.spec.resolve import load_spec

ROOT = Path(__file__).resolve().parents[2]
SPECS = ["--specs", str(ROOT / "specs")]
CHAT = ["--provider", "openrouter", "--max-examples", "1"]


def _run(tmp_path: Path, *extra: str) -> tuple[int, list[dict[str, object]]]:
    out = tmp_path / "r.json"
    code = main([*SPECS, "run", *CHAT, *extra, "--json", str(out)])
    cases = json.loads(out.read_text())["cases"]
    assert isinstance(cases, list)
    return code, cases


def _outcomes(cases: list[dict[str, object]], outcome: str) -> set[str]:
    return {
        f["check"]  # type: ignore[index]
        for c in cases
        for f in c["findings"]  # type: ignore[attr-defined]
        if f["outcome"] == outcome  # type: ignore[index]
    }


FORMS = ("images", "content", "content_blocks")


@pytest.mark.parametrize("form", FORMS)
def test_the_reference_relay_passes_and_reports_the_block(form: str, tmp_path: Path) -> None:
    code, cases = _run(tmp_path, "--chat-image-form", form)
    assert code == 0 and _outcomes(cases, "fail") == set()
    blocked = [c for c in cases if str(c["id"]).endswith("blocked/no-image")]
    assert blocked and {f["outcome"] for f in blocked[0]["findings"]} >= {"blocked"}  # type: ignore[attr-defined]
    sizes = [c for c in cases if "image_config.aspect_ratio=16:9" in str(c["id"])]
    assert sizes and all(
        f["outcome"] == "pass"
        for c in sizes
        for f in c["findings"]  # type: ignore[attr-defined]
        if f["check"] == "pixel-size"
    )
    # the images were read from the form the relay answered in
    pointers = {i["pointer"] for c in cases for i in c["images"]}  # type: ignore[attr-defined]
    assert pointers and all(f"/message/{form}/" in p for p in pointers), pointers


@pytest.mark.parametrize(
    ("fault", "check"),
    [
        ("foreign-shape", "response-schema"),
        ("ignore-aspect-ratio", "pixel-size"),
        ("ignore-image-size", "pixel-size"),
        ("mime-mismatch", "image-payload"),
        ("truncate-image", "image-payload"),
        ("accept-invalid", "status"),
        ("error-envelope", "error-envelope"),
    ],
)
@pytest.mark.parametrize("form", FORMS)
def test_each_broken_relay_is_caught(fault: str, check: str, form: str, tmp_path: Path) -> None:
    code, cases = _run(tmp_path, "--fault", fault, "--chat-image-form", form)
    assert code == 1 and check in _outcomes(cases, "fail")


@pytest.mark.parametrize("form", FORMS)
def test_dropped_images_fail_the_count_in_every_form(form: str, tmp_path: Path) -> None:
    code, cases = _run(tmp_path, "--fault", "drop-chat-images", "--chat-image-form", form)
    assert code == 1 and "image-count" in _outcomes(cases, "fail")
    blocked = [c for c in cases if str(c["id"]).endswith("blocked/no-image")]
    assert blocked and blocked[0]["outcome"] == "blocked"  # a block is still a block


# -- the forms as the checks read them ------------------------------------------------------

SPEC = load_spec(ROOT / "specs")
JSON = (("content-type", "application/json"),)


def _case() -> Case:
    """A planned positive case, asking for 16:9 at 1K (1376x768 JPEG for gemini-3-pro,
    specs/models), with the expectations the planner derives for that body."""
    cases = plan(SPEC, PlanOptions(providers=("openrouter",), max_examples=0)).cases
    case = next(c for c in cases if c.id.endswith("cover/image_config.aspect_ratio=16:9"))
    body = {
        **case.request.body,
        "modalities": ["image"],
        "image_config": {"aspect_ratio": "16:9", "image_size": "1K"},
    }
    expect = expectations(case.model, case.operation, body)
    return dataclasses.replace(
        case, request=dataclasses.replace(case.request, body=body), expect=expect
    )


def _part(jpeg: bytes) -> dict[str, Any]:
    url = "data:image/jpeg;base64," + base64.b64encode(jpeg).decode()
    return {"type": "image_url", "image_url": {"url": url}}


def _answer(message: dict[str, Any], finish: str = "stop") -> dict[str, Any]:
    return {"choices": [{"index": 0, "finish_reason": finish, "message": message}]}


def _judge(body: dict[str, Any]) -> dict[str, set[str]]:
    case = _case()
    answer = Response(200, JSON, json.dumps(body).encode())
    out: dict[str, set[str]] = {}
    for finding in run_checks(case, Exchange(case.request, "http://x", answer)):
        out.setdefault(finding.outcome, set()).add(finding.check)
    return out


def _forms(png: bytes) -> dict[str, dict[str, Any]]:
    part = _part(png)
    return {
        "images": {"role": "assistant", "content": "ok", "images": [{**part, "index": 0}]},
        "content": {"role": "assistant", "content": [{"type": "text", "text": "ok"}, part]},
        "content_blocks": {
            "role": "assistant",
            "content": "ok",
            "content_blocks": [{"type": "text", "text": "ok"}, part],
        },
    }


@pytest.mark.parametrize("form", FORMS)
def test_every_form_is_judged_by_the_same_image_checks(form: str) -> None:
    right, wrong = make_image(1376, 768, "jpeg"), make_image(1024, 1024, "jpeg")
    good = _judge(_answer(_forms(right)[form]))
    assert "fail" not in good and {"image-count", "pixel-size"} <= good["pass"]
    assert "pixel-size" in _judge(_answer(_forms(wrong)[form])).get("fail", set())


def test_an_image_in_two_forms_is_counted_once() -> None:
    png = make_image(1376, 768, "jpeg")
    both = {
        **_forms(png)["images"],
        "content_blocks": _forms(png)["content_blocks"]["content_blocks"],
    }
    assert "image-count" in _judge(_answer(both))["pass"]


@pytest.mark.parametrize(
    "reason", ["content_filter", "IMAGE_SAFETY", "SAFETY", "PROHIBITED_CONTENT"]
)
def test_a_block_is_a_block_in_the_gateways_words(reason: str) -> None:
    verdict = _judge(_answer({"role": "assistant", "content": None}, finish=reason))
    assert "blocked" in verdict and "fail" not in verdict


def test_a_data_url_is_decoded_in_place() -> None:
    png = make_image(16, 9, "png")
    url = "data:image/png;base64," + base64.b64encode(png).decode()
    image = data_url_image("/choices/0/message/images/0/image_url/url", url, None)
    assert image.data == png and image.declared_mime == "image/png" and image.problem is None
    assert data_url_image("/x", url, "image/jpeg").declared_mime == "image/jpeg"


@pytest.mark.parametrize(
    ("url", "problem"),
    [
        ("data:image/png,rawbytes", "not a base64 data: URL"),
        ("data:image/png;base64", "not a base64 data: URL"),
        ("data:image/png;base64,@@@@", "not canonical base64"),
    ],
)
def test_broken_data_urls_are_named(url: str, problem: str) -> None:
    assert data_url_image("/x", url, None).problem == problem


@given(st.binary(min_size=1, max_size=64), st.sampled_from(["image/png", "image/jpeg"]))
def test_any_payload_round_trips(data: bytes, mime: str) -> None:
    url = f"data:{mime};base64,{base64.b64encode(data).decode()}"
    image = data_url_image("/x", url, None)
    assert (image.data, image.declared_mime, image.problem) == (data, mime, None)


@settings(max_examples=30, deadline=None)
@given(
    form=st.sampled_from(FORMS),
    count=st.integers(min_value=0, max_value=4),
    text=st.sampled_from(["", "here it is"]),
)
def test_every_form_yields_exactly_its_images(form: str, count: int, text: str) -> None:
    from conformance.checks.common import images
    from conformance.server.answers.chat_images import _message

    jpeg = make_image(8, 8, "jpeg")
    parts = [{**_part(jpeg), "index": i} for i in range(count)]
    body = _answer(_message(form, text, parts))
    case = _case()
    answer = Response(200, JSON, json.dumps(body).encode())
    found = images(case, Exchange(case.request, "http://x", answer))
    assert found is not None and len(found) == count
    assert all(i.data == jpeg and i.declared_mime == "image/jpeg" for i in found)
    assert all(f"/message/{form}/" in i.pointer for i in found)
