"""The streamed JSON report is byte for byte the report `from_run` + `write_json` write."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st
from report_testkit import SPEC, relay_run

from conformance.plan.planner import PlanOptions, plan
from conformance.plan.shard import parse_shard, shard_plan
from conformance.report import json_stream
from conformance.report.json_report import load_report, write_json
from conformance.report.json_stream import write_run_json
from conformance.report.model import from_run
from conformance.runner.results import RunResult

URLS = {"google": "http://relay/google", "openai": "http://relay/openai"}


@pytest.fixture(scope="module")
def run() -> RunResult:
    options = PlanOptions(providers=("google", "openai"), max_examples=1)
    return relay_run(plan(SPEC, options), frozenset({"ignore-aspect-ratio"}), thumbnails=False)


def test_same_bytes_as_the_whole_report(run: RunResult, tmp_path: Path) -> None:
    assert run.failed  # findings, images and errors in the entries, not only passes
    whole, streamed = tmp_path / "whole.json", tmp_path / "streamed.json"
    write_json(from_run(run, URLS), whole)
    write_run_json(run, streamed, URLS)
    assert streamed.read_bytes() == whole.read_bytes()
    loaded = load_report(streamed)  # schema-valid as written
    assert isinstance(loaded, dict) and len(loaded["cases"]) == len(run.results)


def test_same_bytes_for_a_shard_and_for_no_cases(run: RunResult, tmp_path: Path) -> None:
    shard = parse_shard("2/3")
    assert not isinstance(shard, str)
    part = shard_plan(run.plan, shard)
    kept = {c.id for c in part.plan.cases}
    shard_run = RunResult(
        part.plan, tuple(r for r in run.results if r.case.id in kept), run.target, run.wall
    )
    args = {"shard": (2, 3), "plan_cases": part.plan_cases, "indices": part.indices}
    whole, streamed = tmp_path / "whole.json", tmp_path / "streamed.json"
    write_json(from_run(shard_run, URLS, **args), whole)  # type: ignore[arg-type]
    write_run_json(shard_run, streamed, URLS, **args)  # type: ignore[arg-type]
    assert streamed.read_bytes() == whole.read_bytes()
    empty = RunResult(run.plan, (), run.target, 0.0)
    write_json(from_run(empty), whole)
    write_run_json(empty, streamed)
    assert streamed.read_bytes() == whole.read_bytes()


@pytest.mark.parametrize("processes", [2, 3, 50])
def test_same_bytes_from_several_processes(run: RunResult, tmp_path: Path, processes: int) -> None:
    whole, streamed = tmp_path / "whole.json", tmp_path / "streamed.json"
    write_json(from_run(run, URLS), whole)
    said: list[str] = []
    write_run_json(run, streamed, URLS, processes=processes, meanwhile=lambda: said.append("x"))
    assert streamed.read_bytes() == whole.read_bytes()
    assert said == ["x"]
    assert not list(Path(tempfile.gettempdir()).glob(f"conformance-report-*{os.getpid()}*"))


def test_a_failed_child_leaves_its_range_to_the_parent(
    run: RunResult, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    parent = os.getpid()
    real = json_stream.case_entry

    def fails_in_children(*args: Any) -> Any:
        if os.getpid() != parent:
            raise OSError("disk full")
        return real(*args)

    monkeypatch.setattr(json_stream, "case_entry", fails_in_children)
    whole, streamed = tmp_path / "whole.json", tmp_path / "streamed.json"
    write_json(from_run(run, URLS), whole)
    write_run_json(run, streamed, URLS, processes=3)
    assert streamed.read_bytes() == whole.read_bytes()


@given(st.integers(0, 5000), st.integers(1, 9), st.floats(0.1, 2.0))
def test_ranges_cover_the_cases_once_in_order(total: int, count: int, first: float) -> None:
    ranges = json_stream._ranges(total, count, first)
    assert [i for start, stop in ranges for i in range(start, stop)] == list(range(total))
    assert len(ranges) <= count
