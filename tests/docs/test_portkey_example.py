"""The documented Portkey sandwich (docs/examples/portkey) runs and finds what docs/portkey.md
reports. Runs where node and the pinned gateway are installed (`npm ci --ignore-scripts` in
docs/examples/portkey, or in $PORTKEY_DIR); CI installs it into a directory of its own and runs
this test in a step of its own (.ci/run), so the main pytest step never finds the gateway."""

from __future__ import annotations

import importlib.util
import json
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest

REPO = Path(__file__).resolve().parents[2]
DRIVER = REPO / "docs" / "examples" / "portkey" / "sandwich.py"


def _driver() -> ModuleType:
    spec = importlib.util.spec_from_file_location("portkey_sandwich", DRIVER)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


DRIVER_MODULE = _driver()


@pytest.fixture(scope="module")
def reports(tmp_path_factory: pytest.TempPathFactory) -> dict[str, dict[str, Any]]:
    if DRIVER_MODULE.node_binary() is None:
        pytest.skip("node is not on PATH (or NODE_BIN): the Portkey gateway cannot run")
    if DRIVER_MODULE.gateway_script() is None:
        pytest.skip(
            "the Portkey gateway is not installed: `npm ci --ignore-scripts` in "
            "docs/examples/portkey (or in $PORTKEY_DIR)"
        )
    out = tmp_path_factory.mktemp("portkey")
    done = subprocess.run(
        [sys.executable, str(DRIVER), "--out", str(out)],
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
        cwd=REPO,
    )
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]
    return {run: json.loads((out / f"{run}.json").read_text()) for run in DRIVER_MODULE.RUNS}


def _failing(report: dict[str, Any]) -> Iterator[tuple[str, str, str]]:
    """(case id without provider/model/operation, check, message) of every failing finding."""
    for case in report["cases"]:
        short = case["id"].split("/", 3)[-1]
        for finding in case["findings"]:
            if finding["outcome"] in ("fail", "error"):
                yield short, finding["check"], finding["message"]


def _checks_of(report: dict[str, Any], case_suffix: str) -> set[str]:
    return {check for short, check, _ in _failing(report) if short == case_suffix}


@pytest.mark.parametrize("run", ["portkey-gemini-native", "portkey-vertex-predict"])
def test_the_passthrough_forwards_faithfully_apart_from_the_wire_forms(
    reports: dict[str, dict[str, Any]], run: str
) -> None:
    report = reports[run]
    failing = {short for short, _, _ in _failing(report)}
    # P1-P3: only the wire negative forms fail; every ordinary, auth, negative and scripted
    # upstream case passes, forwarding checks included (route, params, key passed through).
    assert failing == {
        "wire/malformed-json",
        "wire/no-content-type",
        "wire/wrong-method",
        "wire/oversized-body",
    }
    assert _checks_of(report, "wire/malformed-json") == {"status", "error-envelope"}
    malformed = [c for c in report["cases"] if c["id"].endswith("wire/malformed-json")]
    assert {c["status"] for c in malformed} == {500}
    assert _checks_of(report, "wire/no-content-type") == {"status", "forward-reached"}
    assert any(
        "Invalid JSON payload" in m for s, c, m in _failing(report) if s == "wire/no-content-type"
    )
    assert _checks_of(report, "wire/wrong-method") == {"error-envelope"}
    # P4: a body over Google's 20 MiB limit is accepted (re-serialised without its padding).
    assert _checks_of(report, "wire/oversized-body") == {"status"}
    oversized = [c for c in report["cases"] if c["id"].endswith("wire/oversized-body")]
    assert {c["status"] for c in oversized} == {200}
    passed = {
        f["check"] for case in report["cases"] for f in case["findings"] if f["outcome"] == "pass"
    }
    assert {"forward-key", "forward-route", "forward-params", "forward-error"} <= passed


def test_the_chat_route_drops_images_unless_strict_compliance_is_off(
    reports: dict[str, dict[str, Any]],
) -> None:
    strict, relaxed = reports["portkey-chat"], reports["portkey-chat-relaxed"]
    # C1: every success answers without an image in the default (strict) mode.
    successes = [c for c in strict["cases"] if c["status"] == 200 and c["kind"] == "positive"]
    assert successes
    for case in successes:
        message = case["exchange"]["response"]["body"]["choices"][0]["message"]
        assert "images" not in message and "content_blocks" not in message, message
    assert any(c == "image-count" and "0 image(s)" in m for _, c, m in _failing(strict))
    # ... and with x-portkey-strict-open-ai-compliance: false they are in content_blocks,
    # which the family reads: every success's images are counted and decoded from there.
    relaxed_ok = [c for c in relaxed["cases"] if c["status"] == 200 and c["kind"] == "positive"]
    assert relaxed_ok
    for case in relaxed_ok:
        message = case["exchange"]["response"]["body"]["choices"][0]["message"]
        assert any(b.get("type") == "image_url" for b in message.get("content_blocks", []))
        assert case["images"]
        assert all("/message/content_blocks/" in i["pointer"] for i in case["images"])
        assert all(i["complete"] and i["mime"].startswith("image/") for i in case["images"])
    assert "image-count" not in {check for _, check, _ in _failing(relaxed)}


def test_the_chat_route_findings_hold(reports: dict[str, dict[str, Any]]) -> None:
    report = reports["portkey-chat"]
    by_case: dict[str, dict[str, str]] = {}
    for short, check, message in _failing(report):
        by_case.setdefault(short, {})[check] = message
    statuses = {c["id"].split("/", 3)[-1]: c["status"] for c in report["cases"]}
    # C2: no key is sent upstream as ?key=undefined, which Google refuses with 400.
    assert statuses["auth/missing"] == 400 and "auth" in by_case["auth/missing"]
    # C3: no model is sent as /models/undefined:generateContent: 404, not 400.
    assert statuses["negative/model:required"] == 404
    # C4: a message without a role (or not a list) crashes the translation: 500.
    assert statuses["negative/messages[].role:required"] == 500
    assert statuses["negative/messages:type"] == 500
    # C5: unknown or ill-typed image_config is dropped, not refused.
    assert statuses["negative/image_config:additionalProperties"] == 200
    # C6: upstream's NO_IMAGE becomes a 200 with finish_reason "stop" and no image.
    assert "forward-blocked" in by_case["blocked/no-image"]
    # C7: Google's error status lands in OpenAI's error.type.
    assert any("'INVALID_ARGUMENT' at /error/type" in m for m in _messages(report, "error-class"))
    # The routing and forwarding that work: right model and method, the key passed through,
    # parameters mapped (modalities, aspect ratio, size tier).
    clean = {"forward-key", "forward-route", "forward-params", "forward-added"}
    assert not clean & {check for _, check, _ in _failing(report)}


def test_the_unified_image_route_drops_size_and_n(reports: dict[str, dict[str, Any]]) -> None:
    report = reports["portkey-vertex-images"]
    messages = {(check, message) for _, check, message in _failing(report)}
    # V1: OpenAI's size is not mapped: no aspectRatio, no sampleImageSize upstream.
    assert any(c == "forward-params" and "size='16:9' never arrived" in m for c, m in messages)
    assert any(c == "pixel-size" and "1024x1024 for size 1280x896" in m for c, m in messages)
    # V2: without n, no sampleCount: Imagen's default of 4 images, where OpenAI documents 1.
    assert any(c == "forward-added" and "default 4 applies" in m for c, m in messages)
    assert any(c == "image-count" and "4 image(s), expected 1" in m for c, m in messages)
    # V3: n and seed are mapped only when truthy: seed 0 is dropped, n 0 is accepted.
    assert any(c == "forward-params" and "seed=0 never arrived" in m for c, m in messages)
    statuses = {c["id"].split("/", 3)[-1]: c["status"] for c in report["cases"]}
    assert statuses["negative/n:minimum"] == 200
    # V5: a non-zero seed goes upstream without addWatermark false, which Vertex refuses.
    refused = "parameters.seed is set, so it requires parameters.addWatermark"
    assert statuses["cover/size=1408x768"] == 400
    assert any(c == "forward-added" and refused in m for c, m in messages)
    # The route itself is right: Vertex's :predict for the model, with the client's token.
    assert not {"forward-route", "forward-key"} & {check for check, _ in messages}


def _messages(report: dict[str, Any], check: str) -> list[str]:
    return [m for _, c, m in _failing(report) if c == check]
