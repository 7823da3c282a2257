"""`conformance serve` and the relay's small pure parts: options, latency, pixels, JSON splicing."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from typing import Any

import httpx
import pytest
from relay_testkit import ROOT, lookup

from conformance.cli.common import UsageError
from conformance.cli.main import build_parser
from conformance.cli.serve import options_from
from conformance.server import FAULTS, RelayOptions, parse_latency
from conformance.server.answers.base import JsonBody
from conformance.server.pixels import pixel_size, tier_edge
from conformance.spec.model import Spec


def args(*argv: str) -> Any:
    return build_parser().parse_args(["serve", *argv])


def test_keys_from_flag_env_or_default() -> None:
    options, source = options_from(args("--key", "a", "--key", "b"), {})
    assert options.keys == ("a", "b") and "--key" in source and "a" not in source
    options, source = options_from(args(), {"CONFORMANCE_RELAY_KEY": "secret-value"})
    assert options.keys == ("secret-value",)
    assert source == "$CONFORMANCE_RELAY_KEY"
    options, source = options_from(args(), {})
    assert options.keys == ("test-key",) and "test-key" not in source


def test_options_from_arguments() -> None:
    options, _ = options_from(
        args(
            "--fault",
            "no-auth",
            "--fault",
            "stuck-job",
            "--latency",
            "0.1-0.3",
            "--payload",
            "realistic",
            "--provider",
            "google",
            "--job-steps",
            "5",
            "--journal",
            "7",
        ),
        {},
    )
    assert options == RelayOptions(
        faults=frozenset({"no-auth", "stuck-job"}),
        latency=(0.1, 0.3),
        payload="realistic",
        providers=("google",),
        job_steps=5,
        journal=7,
    )
    with pytest.raises(UsageError, match="unknown fault"):
        options_from(args("--fault", "nope"), {})
    with pytest.raises(UsageError, match="latency"):
        options_from(args("--latency", "fast"), {})


def test_parse_latency() -> None:
    assert parse_latency("0.5") == (0.5, 0.5)
    assert parse_latency("0.1-2") == (0.1, 2.0)
    assert parse_latency(" 1 - 3 ") == (1.0, 3.0)
    for bad in ("", "-1", "2-1", "a", "1-2-3"):
        with pytest.raises(ValueError):
            parse_latency(bad)


def test_relay_options_validate() -> None:
    with pytest.raises(ValueError, match="unknown fault"):
        RelayOptions(faults=frozenset({"explode"}))
    with pytest.raises(ValueError):
        RelayOptions(keys=())
    with pytest.raises(ValueError):
        RelayOptions(latency=(2.0, 1.0))
    with pytest.raises(ValueError):
        RelayOptions(job_steps=-1)
    assert RelayOptions().keys == ("test-key",)
    assert len(FAULTS) == len(set(FAULTS)) == 26
    with pytest.raises(ValueError, match="chat_form"):
        RelayOptions(chat_form="elsewhere")  # type: ignore[arg-type]


def test_pixel_sizes(spec: Spec) -> None:
    _, flash31, _ = lookup(spec, "google", "gemini-3.1-flash-image-preview", "generateContent")
    assert pixel_size(flash31, "16:9", "4K") == (5504, 3072)  # documented
    assert pixel_size(flash31, "1:8", "512") == (192, 1536)  # half the 1K entry
    _, fast, _ = lookup(spec, "routescope", "imagen-4.0-fast-generate-001", "predict")
    assert pixel_size(fast, "16:9", "2K") == (2816, 1536)  # Fast has no 2K: 1K doubled
    assert pixel_size(fast, "2:1", "1K") == (1024, 512)  # no entry for the ratio at all
    assert [tier_edge(t) for t in ("512", "1K", "2K", "4K", "x")] == [512, 1024, 2048, 4096, None]


def test_json_body_splices_payloads() -> None:
    body = JsonBody()
    document = {"a": [body.payload(b"QUJD"), {"b": body.payload(b"REVG")}], "c": "\x00x"}
    assert json.loads(body.encode(document)) == {"a": ["QUJD", {"b": "REVG"}], "c": "\x00x"}


def test_serve_command_prints_urls_and_no_key(tmp_path: Any) -> None:
    env = {**os.environ, "CONFORMANCE_RELAY_KEY": "s3cret-relay-key", "PYTHONUNBUFFERED": "1"}
    proc = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "conformance.cli.main",
            "--specs",
            str(ROOT / "specs"),
            "serve",
            "--port",
            "0",
            "--provider",
            "google",
            "--provider",
            "aimlapi",
            "--log-level",
            "info",
        ],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=env,
    )
    try:
        assert proc.stdout is not None
        lines = [proc.stdout.readline() for _ in range(4)]
        assert lines[0].startswith("conformance relay listening on http://127.0.0.1:")
        base = lines[0].split()[-1]
        assert lines[1].split() == ["aimlapi", f"{base}/aimlapi"]
        assert lines[2].split() == ["google", f"{base}/google"]
        assert lines[3].strip() == "accepting API keys from $CONFORMANCE_RELAY_KEY"
        deadline = time.monotonic() + 10
        while True:
            try:
                answer = httpx.post(
                    f"{base}/google/v1beta/models/imagen-4.0-fast-generate-001:predict",
                    params={"key": "s3cret-relay-key"},
                    json={"instances": [{"prompt": "x"}], "parameters": {"sampleCount": 1}},
                )
                break
            except httpx.ConnectError:
                assert time.monotonic() < deadline
                time.sleep(0.05)
        assert answer.status_code == 200
    finally:
        proc.send_signal(signal.SIGINT)
        out, err = proc.communicate(timeout=10)
    assert "s3cret-relay-key" not in out + err + "".join(lines)  # nor logged with ?key=


def test_serve_rejects_unknown_provider() -> None:
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "conformance.cli.main",
            "--specs",
            str(ROOT / "specs"),
            "serve",
            "--port",
            "0",
            "--provider",
            "nope",
        ],
        capture_output=True,
        text=True,
        timeout=30,
    )
    assert done.returncode == 2
    assert "unknown provider(s): nope" in done.stderr
