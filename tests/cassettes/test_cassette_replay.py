"""Replaying a recording gives the findings of the live run it came from — against a clean relay
and against broken ones — without opening a socket; misuse exits 2 with a clear message."""

from __future__ import annotations

import socket
from pathlib import Path

import pytest
from cassette_testkit import SMALL, findings, run


@pytest.mark.parametrize(
    "fault", [None, "ignore-aspect-ratio", "truncate-image", "mime-mismatch", "stuck-job"]
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
