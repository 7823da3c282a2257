"""`conformance run`'s verdict: a target that never answers is red with a one-line cause; a clean
relay stays green; skipped cases are counted with their reason."""

from __future__ import annotations

import asyncio
import socket
from collections.abc import Iterator
from pathlib import Path
from typing import Any

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
    (line,) = [line for line in out.splitlines() if line.startswith("skipped ")]
    assert line.endswith("case(s): budget: --max-requests 3 reached")
    assert int(line.split()[1]) > 0


@pytest.fixture(scope="module")
def slow_on_some_relay() -> Iterator[str]:
    """The reference relay over HTTP, except that requests asking for DONT_ALLOW hang for 2 s:
    with a short --timeout those cases get no answer and the others pass."""
    from loopback import serving

    from conformance.server import RelayOptions, create_app
    from conformance.spec.resolve import load_spec

    app = create_app(load_spec(ROOT / "specs"), RelayOptions())

    async def slow_some(scope: Any, receive: Any, send: Any) -> None:
        if scope["type"] != "http":
            await app(scope, receive, send)
            return
        chunks = []
        more = True
        while more:
            message = await receive()
            chunks.append(message.get("body", b""))
            more = message.get("more_body", False)
        body = b"".join(chunks)
        if b"DONT_ALLOW" in body:
            await asyncio.sleep(2)

        async def replay() -> dict[str, Any]:
            return {"type": "http.request", "body": body, "more_body": False}

        await app(scope, replay, send)

    with serving(slow_some, log_level="error", timeout_graceful_shutdown=3) as base:
        yield base + "/tokaify"


@pytest.mark.parametrize(("extra", "code"), [([], 1), (["--tolerate-errors"], 0)])
def test_some_cases_without_an_answer_are_red_unless_tolerated(
    slow_on_some_relay: str,
    extra: list[str],
    code: int,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    monkeypatch.setenv("TOKAIFY_API_KEY", "test-key")
    args = ["--base-url", slow_on_some_relay, "--provider", "tokaify", "--max-examples", "0"]
    args += ["--timeout", "1", "--retries", "0", *extra]
    assert main([*SPECS, "run", *args]) == code
    out = capsys.readouterr().out
    (cause,) = [line for line in out.splitlines() if "got no answer: timeout after 1 s" in line]
    assert cause.endswith("the target is slow: raise --timeout")
    assert "No case got an answer" not in out
    verdict = "verdict: green with" if extra else "verdict: red — "
    assert verdict in out
