"""`report merge`: shards' reports combine into the unsharded run's report, and the files it
renders are the ones a run writes; wrong sets of shards are usage errors (exit 2)."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest
from report_testkit import relay_run, small_plan

from conformance.cli.main import main
from conformance.plan.shard import Shard, shard_plan
from conformance.report import MergeError, Report, from_run, merge, without_timings
from conformance.runner import RunResult

ROOT = Path(__file__).resolve().parents[2]
SPECS = ["--specs", str(ROOT / "specs")]
SELECTION = ["--provider", "tokaify", "--provider", "apiframe", "--max-examples", "1"]
FAULT = ["--fault", "ignore-aspect-ratio"]


def relay_volatile(value: Any) -> Any:
    """`value` with the relay's per-answer random identifiers and clock readings masked: two
    runs of one plan differ in these (and in timings), whatever the sharding."""
    text = json.dumps(without_timings(value))
    text = re.sub(r'"created": \d+', '"created": 0', text)
    text = re.sub(r'"responseId": "[^"]*"', '"responseId": ""', text)
    text = re.sub(r"/_relay/files/[A-Za-z0-9_-]+", "/_relay/files/-", text)
    text = re.sub(r"\b[0-9a-f]{32}\b", "job", text)
    return json.loads(text)


@pytest.fixture(scope="module")
def full_run() -> RunResult:
    return relay_run(small_plan("tokaify", "apiframe", max_examples=1), frozenset({"ignore-count"}))


@pytest.mark.parametrize("count", [1, 2, 3, 4])
def test_merge_of_shards_is_the_whole_report(full_run: RunResult, count: int) -> None:
    whole = from_run(full_run, {})
    by_id = {r.case.id: r for r in full_run.results}
    shards: list[tuple[str, Report]] = []
    for k in range(1, count + 1):
        part = shard_plan(full_run.plan, Shard(k, count))
        results = tuple(by_id[c.id] for c in part.plan.cases)
        run = RunResult(part.plan, results, full_run.target, full_run.wall)
        shards.append(
            (
                f"s{k}",
                from_run(
                    run, {}, shard=(k, count), plan_cases=part.plan_cases, indices=part.indices
                ),
            )
        )
    merged = merge(list(reversed(shards)))
    assert not isinstance(merged, MergeError)
    assert merged == whole


def _cli(*args: str) -> int:
    return main([*SPECS, *args])


@pytest.mark.parametrize("count", [1, 2, 3, 4])
def test_sharded_cli_runs_merge_to_the_unsharded_report(tmp_path: Path, count: int) -> None:
    assert (
        _cli(
            "run",
            *SELECTION,
            *FAULT,
            "--json",
            str(tmp_path / "all.json"),
            "--html",
            str(tmp_path / "all.html"),
        )
        == 1
    )
    names = []
    for k in range(1, count + 1):
        name = tmp_path / f"shard-{k}.json"
        code = _cli("run", *SELECTION, *FAULT, "--shard", f"{k}/{count}", "--json", str(name))
        assert code in (0, 1)
        names.append(str(name))
    out = {ext: tmp_path / f"merged.{ext}" for ext in ("json", "html", "xml", "md")}
    code = _cli(
        "report",
        "merge",
        *names,
        "--json",
        str(out["json"]),
        "--html",
        str(out["html"]),
        "--junit",
        str(out["xml"]),
        "--markdown",
        str(out["md"]),
    )
    assert code == 1  # the fault fails cases, and the merge carries the verdict
    whole = json.loads((tmp_path / "all.json").read_text())
    merged = json.loads(out["json"].read_text())
    assert relay_volatile(merged) == relay_volatile(whole)
    assert [c["id"] for c in merged["cases"]] == [c["id"] for c in whole["cases"]]
    assert out["html"].read_text().count('<details class="case') == len(whole["cases"])
    assert out["xml"].read_text().count("<testcase ") == len(whole["cases"])
    assert "❌" in out["md"].read_text()


def test_merge_refuses_incomplete_or_mixed_sets(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    for k in (1, 2):
        assert (
            _cli(
                "run",
                "--provider",
                "tokaify",
                "--max-examples",
                "0",
                "--shard",
                f"{k}/2",
                "--json",
                str(tmp_path / f"s{k}.json"),
            )
            == 0
        )
    assert (
        _cli(
            "run",
            "--provider",
            "tokaify",
            "--max-examples",
            "0",
            "--json",
            str(tmp_path / "whole.json"),
        )
        == 0
    )
    capsys.readouterr()
    cases = [
        ([tmp_path / "s1.json"], "missing shard(s) 2/2"),
        ([tmp_path / "s1.json", tmp_path / "s1.json"], "both shard 1"),
        ([tmp_path / "s1.json", tmp_path / "whole.json"], "not a shard's report"),
        ([tmp_path / "nope.json"], "cannot read"),
    ]
    for paths, says in cases:
        assert _cli("report", "merge", *map(str, paths)) == 2
        assert says in capsys.readouterr().err
    assert _cli("report", "merge", str(tmp_path / "s1.json"), str(tmp_path / "s2.json")) == 0
    assert "merged 2 report(s)" in capsys.readouterr().out


def test_shard_usage_errors(capsys: pytest.CaptureFixture[str]) -> None:
    assert _cli("run", "--provider", "tokaify", "--shard", "5/4") == 2
    assert "between 1 and N" in capsys.readouterr().err
    assert _cli("run", "--provider", "tokaify", "--shard", "1/2", "--replay", "cassettes") == 2
    assert "--record/--replay" in capsys.readouterr().err
