"""`conformance run` against a hostile upstream: exit 1, reports written, no traceback, the key
nowhere but its origin, and wall time and peak memory within stated bounds.

Each mode of `hostile_server.py` drives a real `conformance run` subprocess, so that its exit
code, its output and its own peak RSS (`peak_rss.py`) are what a user would see.
"""

from __future__ import annotations

import json
import subprocess
import time
from dataclasses import dataclass
from pathlib import Path

import peak_rss
import pytest
from hostile_server import serve

KEY = "AIzaSy-hostile-test-key-0123456789abcdefXYZ"
MODEL = "gemini-2.5-flash-image"
MIB = 1024 * 1024


@dataclass(frozen=True)
class Ran:
    code: int
    stdout: str
    stderr: str
    wall: float
    peak_rss: int  # bytes
    files: dict[str, str]


def run(base_url: str, tmp: Path, *extra: str, provider: str = "google") -> Ran:
    reports = tmp / "reports"
    reports.mkdir(exist_ok=True)
    peak_file = tmp / "peak-rss"
    env = {
        **peak_rss.environment(peak_file),
        "GEMINI_API_KEY": KEY,
        "APIFRAME_API_KEY": KEY,
        "COLUMNS": "160",
    }
    argv = peak_rss.command(
        "run",
        "--base-url",
        base_url,
        "--provider",
        provider,
        "--json",
        str(reports / "run.json"),
        "--junit",
        str(reports / "run.xml"),
        "--markdown",
        str(reports / "run.md"),
        *extra,
    )
    started = time.monotonic()
    with (tmp / "out").open("w+b") as out, (tmp / "err").open("w+b") as err:
        proc = subprocess.Popen(argv, stdout=out, stderr=err, env=env, cwd=Path.cwd())
        try:
            code = proc.wait(timeout=300)
        finally:
            proc.kill()
        wall = time.monotonic() - started
        out.seek(0)
        err.seek(0)
        stdout, stderr = out.read().decode(), err.read().decode()
    files = {p.name: p.read_text(encoding="utf-8") for p in reports.iterdir()}
    assert peak_rss.read_peak(peak_file) > 0, "the run did not report its peak RSS"
    return Ran(code, stdout, stderr, wall, peak_rss.read_peak(peak_file), files)


def assert_contained(ran: Ran) -> None:
    """A broken upstream: exit 1, every report written, no traceback, the key nowhere."""
    assert ran.code == 1, ran.stderr[-2000:] + ran.stdout[-2000:]
    assert "Traceback" not in ran.stderr and "internal error" not in ran.stderr, ran.stderr
    assert set(ran.files) == {"run.json", "run.xml", "run.md"}
    for name, text in [("stdout", ran.stdout), ("stderr", ran.stderr), *ran.files.items()]:
        assert KEY not in text, f"the key leaked into {name}"
    json.loads(ran.files["run.json"])


def cases(ran: Ran) -> list[dict[str, object]]:
    loaded = json.loads(ran.files["run.json"])
    assert isinstance(loaded, dict)
    return list(loaded["cases"])


def messages(ran: Ran) -> str:
    return "\n".join(str(f["message"]) for c in cases(ran) for f in c["findings"])  # type: ignore[attr-defined]


def test_a_redirect_is_not_followed_and_the_key_reaches_no_other_origin(tmp_path: Path) -> None:
    with (
        serve("collect", KEY) as (collector_url, collected),
        serve("redirect", KEY, redirect_to=collector_url) as (url, _),
    ):
        ran = run(url, tmp_path, "--model", MODEL, "--max-requests", "8")
    assert_contained(ran)
    assert collected.received == [], "a request followed the redirect to another origin"
    assert all(c["status"] == 307 for c in cases(ran) if c["outcome"] != "skipped")
    assert "307" in messages(ran)


@pytest.mark.parametrize("mode", ["retry-after-garbage", "retry-after-key"])
def test_a_bad_or_key_echoing_retry_after_is_survived_and_redacted(
    mode: str, tmp_path: Path
) -> None:
    with serve(mode, KEY) as (url, _):
        ran = run(url, tmp_path, "--model", MODEL, "--max-requests", "6", "--retries", "1")
    assert_contained(ran)
    retries = [r for c in cases(ran) if c["exchange"] for r in c["exchange"]["retries"]]  # type: ignore[index]
    assert retries and all(r["wait"] <= 1.0 for r in retries)
    if mode == "retry-after-key":
        assert all(r["retry_after"] == "$GEMINI_API_KEY" for r in retries)
    assert ran.wall < 60


@pytest.mark.parametrize("mode", ["echo-key", "bad-status-line"])
def test_a_key_echoed_in_bodies_headers_or_errors_is_redacted(mode: str, tmp_path: Path) -> None:
    with serve(mode, KEY) as (url, _):
        ran = run(url, tmp_path, "--model", MODEL, "--max-requests", "6")
    assert_contained(ran)
    if mode == "bad-status-line":
        assert "$GEMINI_API_KEY" in messages(ran)


@pytest.mark.parametrize("mode", ["deep-json", "deep-json-small"])
def test_json_nested_too_deep_is_an_error_finding_per_case(mode: str, tmp_path: Path) -> None:
    with serve(mode, KEY) as (url, _):
        ran = run(url, tmp_path, "--model", MODEL, "--max-requests", "6")
    assert_contained(ran)
    sent = [c for c in cases(ran) if c["outcome"] != "skipped"]
    assert sent and all(c["outcome"] == "error" for c in sent)
    assert "RecursionError" in messages(ran)


def test_a_gzip_bomb_stops_at_the_body_limit(tmp_path: Path) -> None:
    with serve("gzip-bomb", KEY) as (url, _):
        ran = run(url, tmp_path, "--model", MODEL, "--max-requests", "8", "--max-body", "16M")
    assert_contained(ran)
    assert "exceeds 16777216 bytes" in messages(ran)
    assert ran.peak_rss < 400 * MIB, ran.peak_rss


@pytest.mark.slow
def test_a_gzip_bomb_under_the_default_limit_stays_bounded(tmp_path: Path) -> None:
    with serve("gzip-bomb", KEY) as (url, _):
        ran = run(url, tmp_path, "--model", MODEL, "--max-requests", "4", "--concurrency", "2")
    assert_contained(ran)
    assert "exceeds 268435456 bytes" in messages(ran)
    assert ran.peak_rss < 1024 * MIB, ran.peak_rss


def test_an_endless_stream_stops_at_the_body_limit(tmp_path: Path) -> None:
    with serve("endless", KEY) as (url, _):
        ran = run(url, tmp_path, "--model", MODEL, "--max-requests", "4", "--max-body", "32M")
    assert_contained(ran)
    assert "exceeds 33554432 bytes" in messages(ran)
    assert ran.peak_rss < 400 * MIB and ran.wall < 60


@pytest.mark.slow
def test_60_mb_answers_keep_peak_rss_under_1_gb_whatever_the_case_count(tmp_path: Path) -> None:
    with serve("big-body", KEY) as (url, _):
        ran = run(url, tmp_path, "--model", MODEL, "--max-requests", "12", "--concurrency", "2")
    assert_contained(ran)
    assert ran.peak_rss < 1024 * MIB, ran.peak_rss
    report = json.loads(ran.files["run.json"])
    assert report["requests_sent"] >= 12


def test_a_one_byte_a_second_drip_is_cut_by_the_timeout(tmp_path: Path) -> None:
    with serve("drip", KEY) as (url, _):
        ran = run(url, tmp_path, "--model", MODEL, "--max-requests", "4", "--timeout", "2")
    assert_contained(ran)
    assert "timeout after 2 s" in messages(ran)
    assert ran.wall < 30, ran.wall


def test_a_job_id_never_found_is_reported_as_such(tmp_path: Path) -> None:
    with serve("job-missing", KEY) as (url, _):
        ran = run(url, tmp_path, "--max-requests", "6", provider="apiframe")
    assert_contained(ran)
    assert "job job-42 never found: poll 1 answered 404" in messages(ran)
    assert "after 0 poll(s)" not in messages(ran)
