"""`conformance run`'s verdict: a target that never answers is red with a one-line cause; a clean
relay stays green; skipped cases are counted with their reason."""

from __future__ import annotations

import socket
from pathlib import Path

import pytest

from conformance.cli.main import main

ROOT = Path(__file__).resolve().parents[2]
SPECS = ["--specs", str(ROOT / "specs")]


def _closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
    return port


@pytest.mark.parametrize("extra", [[], ["--tolerate-errors"]])
def test_closed_port_is_red_with_the_cause(
    extra: list[str], monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("TOKAIFY_API_KEY", "hook-check-key")
    url = f"http://127.0.0.1:{_closed_port()}"
    code = main(
        [*SPECS, "run", "--base-url", url, "--provider", "tokaify", "--retries", "0", *extra]
    )
    out = capsys.readouterr().out
    assert code == 1
    lines = out.splitlines()
    assert lines[0].startswith(f"No case got an answer from {url}: ConnectError")
    assert lines[0].endswith("is the target up?")
    cause = [line for line in lines if "cases got no answer: ConnectError" in line]
    assert len(cause) == 1 and cause[0].endswith("— is the target up?")
    assert "hook-check-key" not in out


def test_clean_relay_is_green_without_a_verdict_line(capsys: pytest.CaptureFixture[str]) -> None:
    assert main([*SPECS, "run", "--provider", "tokaify", "--max-examples", "1"]) == 0
    out = capsys.readouterr().out
    assert "verdict:" not in out and "No case got an answer" not in out


def test_skipped_cases_are_counted_with_their_reason(capsys: pytest.CaptureFixture[str]) -> None:
    code = main([*SPECS, "run", "--provider", "tokaify", "--max-requests", "3"])
    out = capsys.readouterr().out
    assert code == 0
    (line,) = [
        line
        for line in out.splitlines()
        if line.endswith("cases skipped: budget: --max-requests 3 reached")
    ]
    assert int(line.split()[0]) > 0
