"""Images over chat completions: the relay answers in the gateways' documented form (data URLs
in `choices[].message.images[]`), every check passes on it, and each broken relay is caught."""

from __future__ import annotations

import base64
import json
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from conformance.checks.common import data_url_image
from conformance.cli.main import main
from conformance.images import make_image

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


def test_the_reference_relay_passes_and_reports_the_block(tmp_path: Path) -> None:
    code, cases = _run(tmp_path)
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
def test_each_broken_relay_is_caught(fault: str, check: str, tmp_path: Path) -> None:
    code, cases = _run(tmp_path, "--fault", fault)
    assert code == 1 and check in _outcomes(cases, "fail")


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
