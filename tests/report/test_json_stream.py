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


class _Pipe:
    """A worker's pipe end that notes, as each message goes, how long the spool file is."""

    def __init__(self, spool: Path) -> None:
        self.spool = spool
        self.sent: list[tuple[bytes, int]] = []

    def send_bytes(self, data: bytes) -> None:
        self.sent.append((data, self.spool.stat().st_size if self.spool.exists() else 0))


def test_every_brief_a_worker_sends_names_bytes_already_in_its_spool(
    run: RunResult, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from conformance.runner import workers
    from conformance.runner.portable import Codec

    monkeypatch.setattr(workers, "BATCH_RESULTS", 8)
    spool = tmp_path / "w0"
    pipe = _Pipe(spool)
    codec = Codec(SPEC)
    outbox = workers.Outbox(pipe, codec)  # type: ignore[arg-type]
    writer = SpoolWriter(spool, 0, URLS)
    outbox.before_results = writer.flush
    for position, result in enumerate(run.results):
        outbox.result(position, BriefResult.of(result, writer.add(result)))
    writer.close()
    outbox.done(0.0)
    named = 0
    for data, size in pipe.sent:
        message = codec.loads(data)
        if message[0] != "results":
            continue
        for _, brief in message[1]:
            _, offset, length = brief.entry
            assert offset + length <= size
            named += 1
    assert named == len(run.results) and len(pipe.sent) > 2
