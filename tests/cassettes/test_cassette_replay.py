"""Replaying a recording gives the findings of the live run it came from — against a clean relay
and against broken ones — without opening a socket; misuse exits 2 with a clear message."""

from __future__ import annotations

import asyncio
import base64
import socket
from pathlib import Path

import httpx
import pytest
from cassette_testkit import SMALL, findings, run

from conformance.cassettes import (
    PlanSettings,
    Recording,
    RecordTarget,
    Replaying,
    RunSettings,
    Secrets,
    Store,
    load_manifests,
)
from conformance.cli.run_cassettes import replay_run
from conformance.images import make_image
from conformance.plan.planner import Plan, PlanOptions, plan
from conformance.runner import RunResult, run_plan
from conformance.spec.model import Spec
from conformance.transport.base import HttpxTransport
from conformance.transport.flow import FlowOptions


@pytest.mark.parametrize(
    "fault",
    [None, "ignore-aspect-ratio", "truncate-image", "mime-mismatch", "stuck-job", "unbounded-body"],
)
def test_replay_gives_the_live_findings(fault: str | None, tmp_path: Path) -> None:
    faults = ["--fault", fault] if fault else []
    if fault == "stuck-job":
        faults += ["--job-timeout", "0.6", "--provider", "apiframe", "--model", "imagen-4"]
    cassettes = tmp_path / "cassettes"
    selection = SMALL if fault != "stuck-job" else ["--max-examples", "1"]
    live_code, live = run([*selection, *faults, "--record", str(cassettes)], tmp_path / "live.json")
    code, replayed = run(["--replay", str(cassettes), "--block-network"], tmp_path / "replay.json")
    assert (live_code, code) == ((1, 1) if fault else (0, 0))
    assert findings(replayed) == findings(live)
    assert (
        replayed["counts"] == live["counts"] and replayed["requests_sent"] == live["requests_sent"]
    )
    oversized = [c for c in live["cases"] if c["id"].endswith("/wire/oversized-body")]
    assert oversized and all(c["request"]["padding"] > 20_000_000 for c in oversized)
    # recorded as their JSON value: no file holds a padded body
    assert max(p.stat().st_size for p in cassettes.rglob("*") if p.is_file()) < 20_000_000
    if fault == "stuck-job":  # a job that never ends is polled exactly as often as recorded
        polls = {c["id"]: c["polls"] for c in live["cases"] if c["polls"]}
        assert polls and polls == {c["id"]: c["polls"] for c in replayed["cases"] if c["polls"]}
        assert max(polls.values()) > 10


def test_replay_opens_no_socket(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    cassettes = tmp_path / "cassettes"
    assert run([*SMALL, "--record", str(cassettes)])[0] == 0
    attempts: list[object] = []

    def refuse(*args: object, **kwargs: object) -> None:
        attempts.append(args)
        raise OSError("the test forbids the network")

    monkeypatch.setattr(socket.socket, "connect", refuse)
    monkeypatch.setattr(socket.socket, "connect_ex", refuse)
    monkeypatch.setattr(socket, "create_connection", refuse)
    monkeypatch.setattr(socket, "getaddrinfo", refuse)
    code, report = run(["--replay", str(cassettes)], tmp_path / "r.json")
    assert code == 0 and report["counts"].get("error", 0) == 0
    assert attempts == []


def test_block_network_makes_a_live_attempt_fail(tmp_path: Path) -> None:
    from conformance.cassettes import NetworkBlocked, blocked

    with blocked() as attempts, pytest.raises(NetworkBlocked, match="block-network"):
        socket.create_connection(("192.0.2.1", 80), timeout=1)
    assert attempts


def test_a_missing_recording_is_a_usage_error(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert run(["--replay", str(tmp_path / "nowhere")])[0] == 2
    assert "no recording at" in capsys.readouterr().err
    (tmp_path / "empty").mkdir()
    assert run(["--replay", str(tmp_path / "empty")])[0] == 2
    assert "manifest.json" in capsys.readouterr().err


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--replay", "cassettes", "--fault", "no-auth"], "--fault cannot be used with --replay"),
        (["--replay", "cassettes", "--max-images", "3"], "--max-images cannot be used"),
        (["--replay", "cassettes", "--record", "x"], "exclude each other"),
        (["--replay", "cassettes", "--seed", "7"], "recorded with --seed 0"),
        (["--replay", "cassettes", "--provider", "nope"], "unknown provider"),
        (
            ["--base-url", "http://x", "--provider", "tokaify", "--block-network"],
            "--block-network cannot reach",
        ),
    ],
)
def test_cassette_usage_errors(
    args: list[str], message: str, capsys: pytest.CaptureFixture[str]
) -> None:
    assert run(args)[0] == 2
    assert message in capsys.readouterr().err


KEY = "mock-key-0123456789"


def test_transport_errors_and_retries_replay_as_recorded(spec: Spec, tmp_path: Path) -> None:
    """A timeout (which vcrpy cannot record) and a 429-then-200 come back exactly as they were."""
    full = plan(spec, PlanOptions(providers=("tokaify",), max_examples=0))
    three = Plan(full.cases[:3], full.coverage)
    slow, throttled = three.cases[0].request.body_json(), three.cases[1].request.body_json()
    seen: set[str] = set()
    png = base64.b64encode(make_image(64, 64, fmt="png")).decode()

    def handler(request: httpx.Request) -> httpx.Response:
        body = request.content.decode()
        if body == slow:
            raise httpx.ReadTimeout("too slow", request=request)
        if body == throttled and body not in seen:
            seen.add(body)
            return httpx.Response(429, headers={"Retry-After": "7"}, json={"error": {}})
        answer = {"predictions": [{"mimeType": "image/png", "bytesBase64Encoded": png}]}
        return httpx.Response(200, json=answer)

    async def no_sleep(seconds: float) -> None:
        return None

    secrets = Secrets()
    secrets.add("K", KEY)
    store = Store(tmp_path / "c")
    recording = Recording(
        store,
        spec,
        three,
        full,
        target=RecordTarget("mock", "mock", {"tokaify": "http://mock"}, {"tokaify": "K"}),
        plan_settings=PlanSettings(max_examples=0),
        run_settings=RunSettings(live=True),
        secrets={"tokaify": secrets},
        spec_sha256="0",
    )

    async def live() -> RunResult:
        client = httpx.AsyncClient(transport=httpx.MockTransport(handler))
        transport = HttpxTransport(client, "http://mock", key=KEY, key_env="K", sleep=no_sleep)
        transports = recording.wrap({"tokaify": transport})
        with recording.cassette():
            result = await run_plan(three, transports, flow=FlowOptions())
        await client.aclose()
        return result

    recorded = asyncio.run(live())
    recording.write_manifests({})
    replaying = Replaying(store, spec, three, load_manifests(store))
    replayed = asyncio.run(replay_run(replaying, block_network=True))
    assert replaying.stale == []
    for a, b in zip(recorded.results, replayed.results, strict=True):
        assert a.findings == b.findings
        assert a.exchange is not None and b.exchange is not None
        assert (a.exchange.error, a.exchange.retries) == (b.exchange.error, b.exchange.retries)
    first, second = recorded.results[0].exchange, recorded.results[1].exchange
    assert first is not None and first.error == "timeout after 180 s"
    assert second is not None and [r.status for r in second.retries] == [429]


def test_replay_says_why_recorded_cases_were_skipped(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A case the live run skipped (here: its request budget ran out) is skipped again on replay,
    and the replay says why, as the live run did."""
    cassettes = tmp_path / "cassettes"
    live_code, live = run(
        ["--provider", "tokaify", "--max-requests", "3", "--record", str(cassettes)],
        tmp_path / "live.json",
    )
    live_lines = _skip_lines(capsys.readouterr().out)
    code, replayed = run(["--replay", str(cassettes), "--block-network"], tmp_path / "replay.json")
    lines = _skip_lines(capsys.readouterr().out)
    assert (live_code, code) == (0, 0)
    assert replayed["counts"]["skipped"] == live["counts"]["skipped"] > 0
    assert lines == live_lines
    (line,) = lines
    assert line == f"skipped {live['counts']['skipped']} case(s): budget: --max-requests 3 reached"


def _skip_lines(out: str) -> list[str]:
    return [line for line in out.splitlines() if line.startswith("skipped ")]
