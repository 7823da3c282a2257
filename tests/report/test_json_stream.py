"""The streamed JSON report is byte for byte the report `from_run` + `write_json` write."""

from __future__ import annotations

from pathlib import Path

import pytest
from report_testkit import SPEC, relay_run

from conformance.plan.planner import PlanOptions, plan
from conformance.plan.shard import parse_shard, shard_plan
from conformance.report.json_report import load_report, write_json
from conformance.report.json_spool import SpoolWriter
from conformance.report.json_stream import write_run_json
from conformance.report.model import from_run
from conformance.runner.results import BriefResult, CaseResult, RunResult

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


def _spooled(run: RunResult, tmp_path: Path, workers: int, keep_whole: int = -1) -> RunResult:
    """`run` as a `--jobs` parent holds it: brief results whose entries `workers` spool
    writers encoded (cases dealt round-robin, in reverse order as cases finish out of order),
    except the result at `keep_whole`, left whole (a dead worker's lost case)."""
    writers = [SpoolWriter(tmp_path / f"w{n}", n, URLS) for n in range(workers)]
    briefs: dict[int, CaseResult] = {}
    for position in reversed(range(len(run.results))):
        result = run.results[position]
        if position == keep_whole:
            briefs[position] = result
        else:
            briefs[position] = BriefResult.of(result, writers[position % workers].add(result))
    for writer in writers:
        writer.close()
    results = tuple(briefs[i] for i in range(len(run.results)))
    return RunResult(run.plan, results, run.target, run.wall)


@pytest.mark.parametrize(("workers", "keep_whole"), [(1, -1), (2, 0), (3, 7)])
def test_same_bytes_from_workers_spools(
    run: RunResult, tmp_path: Path, workers: int, keep_whole: int
) -> None:
    whole, streamed = tmp_path / "whole.json", tmp_path / "streamed.json"
    write_json(from_run(run, URLS), whole)
    briefs = _spooled(run, tmp_path, workers, keep_whole)
    assert briefs.counts() == run.counts() and briefs.answered == run.answered
    assert briefs.requests_sent == run.requests_sent and briefs.retries == run.retries
    spools = [tmp_path / f"w{n}" for n in range(workers)]
    write_run_json(briefs, streamed, URLS, spools=spools)
    assert streamed.read_bytes() == whole.read_bytes()


def test_a_brief_result_without_its_entry_is_refused(run: RunResult, tmp_path: Path) -> None:
    briefs = RunResult(run.plan, tuple(BriefResult.of(r) for r in run.results), run.target)
    with pytest.raises(ValueError, match="without its spooled entry"):
        write_run_json(briefs, tmp_path / "x.json", URLS)
    with pytest.raises(ValueError, match="not in its worker's file"):
        write_run_json(_spooled(run, tmp_path, 2), tmp_path / "x.json", URLS, spools=[])
