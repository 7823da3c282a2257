"""`conformance run --jobs N`: worker processes give the single-process run's result (reports,
terminal summary, exit code), a worker that dies leaves `error` cases (never a green run), and
the options that need one process are usage errors with N > 1."""

from __future__ import annotations

import json
import os
import re
import signal
from pathlib import Path
from typing import Any

import pytest

from conformance.cli import run_jobs
from conformance.cli.main import main

ROOT = Path(__file__).resolve().parents[2]
SPECS = ["--specs", str(ROOT / "specs")]
SELECTION = [
    "--provider",
    "tokaify",
    "--provider",
    "apiframe",
    "--provider",
    "openrouter",
    "--max-examples",
    "1",
    "--fault",
    "ignore-aspect-ratio",
]


def volatile(text: str) -> str:
    """`text` with what two runs of one plan differ in masked: timings, the relay's random
    identifiers and clock readings."""
    q = r'(?:"|&#34;|&quot;)'  # a quote, as JSON or as the HTML report escapes it
    for pattern, repl in (
        (rf"({q}(?:wall_seconds|elapsed|wait){q}: )[0-9.e-]+", r"\g<1>0"),
        (rf"({q}created{q}: )\d+", r"\g<1>0"),
        (rf"({q}responseId{q}: {q})[^\"&]*", r"\g<1>"),
        (r"/_relay/files/[A-Za-z0-9_-]+", "/_relay/files/-"),
        (r"\b[0-9a-f]{32}\b", "job"),
        (r"\b(gen|chatcmpl|resp|img)-[A-Za-z0-9_-]+", "id"),
        (r"\d+\.\d+ ?s\b", "0 s"),
        (r'time="[0-9.]+"', 'time="0"'),
    ):
        text = re.sub(pattern, repl, text)
    return text


def _run(tmp_path: Path, name: str, *extra: str) -> tuple[int, dict[str, str]]:
    out = {ext: tmp_path / f"{name}.{ext}" for ext in ("json", "html", "xml", "md")}
    code = main(
        [
            *SPECS,
            "run",
            *SELECTION,
            *extra,
            "--json",
            str(out["json"]),
            "--html",
            str(out["html"]),
            "--junit",
            str(out["xml"]),
            "--markdown",
            str(out["md"]),
        ]
    )
    return code, {ext: volatile(path.read_text(encoding="utf-8")) for ext, path in out.items()}


@pytest.fixture(scope="module")
def single(tmp_path_factory: pytest.TempPathFactory) -> tuple[int, dict[str, str]]:
    return _run(tmp_path_factory.mktemp("single"), "one", "--jobs", "1")


@pytest.mark.parametrize("jobs", ["2", "3"])
def test_jobs_give_the_single_process_reports(
    single: tuple[int, dict[str, str]], tmp_path: Path, jobs: str
) -> None:
    code, files = _run(tmp_path, "many", "--jobs", jobs)
    assert code == single[0] == 1  # the fault fails cases, in both
    report = json.loads(files["json"])
    assert len(report["cases"]) > 100 and report["counts"]["fail"] > 0
    for ext in ("json", "html", "xml", "md"):
        assert files[ext] == single[1][ext], ext


def test_jobs_print_the_single_process_summary(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # --json alone: the workers encode the report's entries; no file: they send brief results.
    outputs, reports = [], []
    for jobs in ("1", "2"):
        path = tmp_path / f"{jobs}.json"
        assert main([*SPECS, "run", *SELECTION, "--jobs", jobs, "--json", str(path)]) == 1
        outputs.append(volatile(capsys.readouterr().out))
        reports.append(volatile(path.read_text(encoding="utf-8")))
        assert main([*SPECS, "run", *SELECTION, "--jobs", jobs]) == 1
        outputs.append(volatile(capsys.readouterr().out))
    assert outputs[0] == outputs[1] == outputs[2] == outputs[3]
    assert reports[0] == reports[1]
    assert "FAIL" in outputs[1] and "reproduce:" in outputs[1]


def test_a_killed_worker_leaves_error_cases(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    parent = os.getpid()
    real = run_jobs.run_plan

    async def dies_in_apiframe_worker(the_plan: Any, *args: Any, **kwargs: Any) -> Any:
        if os.getpid() != parent and any(c.provider.id == "apiframe" for c in the_plan.cases):
            os.kill(os.getpid(), signal.SIGKILL)
        return await real(the_plan, *args, **kwargs)

    monkeypatch.setattr(run_jobs, "run_plan", dies_in_apiframe_worker)
    out = tmp_path / "crash.json"
    clean = ["--provider", "tokaify", "--provider", "apiframe", "--max-examples", "1"]
    code = main([*SPECS, "run", *clean, "--jobs", "2", "--json", str(out)])
    assert code == 1  # never green: the lost cases are errors
    report = json.loads(out.read_text(encoding="utf-8"))
    assert "error" in capsys.readouterr().out
    assert report["counts"]["error"] > 0 and report["counts"]["pass"] > 0
    lost = [c for c in report["cases"] if c["outcome"] == "error"]
    assert all(c["provider"] == "apiframe" for c in lost)
    assert all("killed by SIGKILL" in f["message"] for c in lost for f in c["findings"])
    # every planned case is there, in plan order, the lost ones too
    one = tmp_path / "one.json"
    assert main([*SPECS, "run", *clean, "--jobs", "1", "--json", str(one)]) == 0
    ids = [c["id"] for c in json.loads(one.read_text(encoding="utf-8"))["cases"]]
    assert [c["id"] for c in report["cases"]] == ids


@pytest.mark.parametrize(
    "extra",
    [
        ["--record", "cassettes-x"],
        ["--replay", "cassettes-x"],
        ["--shard", "1/2"],
        ["--max-requests", "10"],
        ["--max-images", "10"],
    ],
)
def test_one_process_options_refuse_jobs(
    extra: list[str], capsys: pytest.CaptureFixture[str]
) -> None:
    assert main([*SPECS, "run", "--provider", "tokaify", "--jobs", "2", *extra]) == 2
    assert "--jobs 2 cannot be used with" in capsys.readouterr().err


@pytest.mark.parametrize("value", ["0", "-1", "two"])
def test_bad_job_counts_are_usage_errors(value: str, capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exit_info:
        main([*SPECS, "run", "--jobs", value])
    assert exit_info.value.code == 2
    assert "--jobs" in capsys.readouterr().err


def test_auto_stays_in_one_process_for_small_or_one_process_runs(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    counts: list[int] = []
    real = run_jobs.job_count

    def spy(*args: Any) -> int:
        counts.append(real(*args))
        return counts[-1]

    monkeypatch.setattr("conformance.cli.run.job_count", spy)
    assert main([*SPECS, "run", "--provider", "tokaify", "--max-examples", "0"]) == 0
    assert main([*SPECS, "run", "--provider", "tokaify", "--max-requests", "5"]) == 0
    assert counts == [1, 1]
    monkeypatch.setattr(run_jobs, "AUTO_MIN_CASES", 10)
    monkeypatch.setattr(run_jobs, "AUTO_CASES_PER_WORKER", 10)
    monkeypatch.setattr(run_jobs, "usable_cpus", lambda: 2)
    out = tmp_path / "auto.json"
    google = ["--provider", "google", "--max-examples", "0", "--json", str(out)]
    assert main([*SPECS, "run", *google]) == 0
    assert counts[-1] == 2
    monkeypatch.setattr(run_jobs, "usable_cpus", lambda: 1)
    assert main([*SPECS, "run", *google]) == 0
    assert counts[-1] == 1
    monkeypatch.setattr(run_jobs, "usable_cpus", lambda: 8)  # never more than operations
    assert main([*SPECS, "run", *google, "--model", "imagen-4.0-generate-001"]) == 0
    assert counts[-1] == 1
    assert main([*SPECS, "run", *google, "--concurrency", "1"]) == 0  # one case in flight
    assert counts[-1] == 1
    monkeypatch.setattr(run_jobs, "usable_cpus", lambda: 2)
    monkeypatch.setattr(run_jobs, "can_fork", lambda: False)  # no fork(): one process
    assert main([*SPECS, "run", *google]) == 0
    assert counts[-1] == 1


def test_explicit_jobs_without_fork_is_a_usage_error(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setattr(run_jobs, "can_fork", lambda: False)
    assert main([*SPECS, "run", "--provider", "tokaify", "--jobs", "2"]) == 2
    assert "fork" in capsys.readouterr().err


def test_usable_cpus_is_this_process_share(monkeypatch: pytest.MonkeyPatch) -> None:
    # A container or taskset that leaves one of the host's 64 CPUs to this process.
    monkeypatch.setattr(run_jobs.os, "cpu_count", lambda: 64)
    monkeypatch.setattr(run_jobs.os, "sched_getaffinity", lambda pid: {3}, raising=False)
    assert run_jobs.usable_cpus() == 1
    monkeypatch.delattr(run_jobs.os, "sched_getaffinity")  # a platform without it
    assert run_jobs.usable_cpus() == 64


def test_jobs_from_the_config_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / "conformance.toml").write_text('jobs = "many"\n', encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    assert main([*SPECS, "run", "--provider", "tokaify", "--dry-run"]) == 2
    (tmp_path / "conformance.toml").write_text("jobs = 2\n", encoding="utf-8")
    assert main([*SPECS, "run", "--provider", "tokaify", "--max-examples", "0"]) == 0


@pytest.mark.parametrize(
    ("files", "mode"),
    [
        ({}, "brief"),
        ({"json": "r.json"}, "entries"),
        ({"json": "r.json", "html": "r.html"}, "whole"),
        ({"junit": "r.xml"}, "whole"),
        ({"markdown": "r.md"}, "whole"),
    ],
)
def test_workers_hand_over_what_the_reports_read(files: dict[str, str], mode: str) -> None:
    from argparse import Namespace

    from conformance.cli.run_reports import hand_off

    given = {option: None for option in ("json", "html", "junit", "markdown")}
    assert hand_off(Namespace(**{**given, **files})) == mode
