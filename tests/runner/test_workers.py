"""`--jobs`' worker pool: results come back in plan order, a worker that dies (before or after
planning) leaves `error` results naming why, a usage error ends the run, and stopping the pool
(Ctrl-C) ends every worker."""

from __future__ import annotations

import gc
import os
import time
from pathlib import Path

import pytest

from conformance.gc_pause import paused
from conformance.plan.partition import partition
from conformance.plan.planner import PlanOptions, plan
from conformance.runner.engine import skipped
from conformance.runner.gather import gather
from conformance.runner.portable import Codec
from conformance.runner.workers import Outbox, Pool, WorkerUsageError
from conformance.spec.resolve import load_spec

SPEC = load_spec(Path(__file__).resolve().parents[2] / "specs")
OPTIONS = PlanOptions(providers=("google", "tokaify", "apiframe"), max_examples=0)
WHOLE = plan(SPEC, OPTIONS)
PARTS = partition(SPEC, OPTIONS, 3)


def replan(ops: tuple[int, ...]) -> object:
    return plan(SPEC, OPTIONS, only=frozenset(ops))


def planned(ops: tuple[int, ...], outbox: Outbox) -> list[object]:
    part = plan(SPEC, OPTIONS, only=frozenset(ops))
    counts = [
        sum(1 for c in part.cases if (c.provider.id, c.model.id, c.operation.name) == key)
        for key in ((v.provider, v.model, v.operation) for v in part.coverage)
    ]
    outbox.planned(counts, part.coverage)
    return list(part.cases)


def finish_all(number: int, ops: tuple[int, ...], outbox: Outbox) -> None:
    cases = planned(ops, outbox)
    for position in reversed(range(len(cases))):  # any order: the parent puts them back
        outbox.result(position, skipped(cases[position], f"by worker {number}"))  # type: ignore[arg-type]
    outbox.done(0.5)


def _pool(work: object) -> Pool:
    pool = Pool(PARTS, work, Codec(SPEC))  # type: ignore[arg-type]
    pool.start()
    return pool


def _ends_with_usage_error(pool: Pool, match: str) -> None:
    """Read `pool` to its end, which must be a worker's usage error matching `match`."""
    with pytest.raises(WorkerUsageError, match=match):
        try:
            pool.wait_planned()
            pool.wait_done(None)
        finally:
            pool.stop()


def test_results_are_gathered_in_plan_order() -> None:
    pool = _pool(finish_all)
    try:
        pool.wait_planned()
        seen: list[str] = []
        pool.wait_done(lambda r: seen.append(r.case.id))
    finally:
        pool.stop()
    run = gather(pool.workers, replan, "relay")  # type: ignore[arg-type]
    assert [r.case.id for r in run.results] == [c.id for c in WHOLE.cases]
    assert sorted(seen) == sorted(c.id for c in WHOLE.cases)
    assert run.plan.coverage == WHOLE.coverage
    assert all(r.outcome == "skipped" for r in run.results)


def test_dead_workers_leave_error_results_with_the_cause() -> None:
    def work(number: int, ops: tuple[int, ...], outbox: Outbox) -> None:
        if number == 0:
            os._exit(3)  # before saying what it planned
        if number == 1:
            cases = planned(ops, outbox)
            outbox.result(0, skipped(cases[0], "one finished"))  # type: ignore[arg-type]
            outbox.flush()
            os.kill(os.getpid(), 9)
        finish_all(number, ops, outbox)

    pool = _pool(work)
    try:
        pool.wait_planned()
        pool.wait_done(None)
    finally:
        pool.stop()
    run = gather(pool.workers, replan, "relay")  # type: ignore[arg-type]
    assert [r.case.id for r in run.results] == [c.id for c in WHOLE.cases]
    causes = {w.number: w.cause for w in pool.workers}
    assert causes == {0: "it exited with status 3", 1: "it was killed by SIGKILL", 2: None}
    lost = [r for r in run.results if r.outcome == "error"]
    assert lost
    assert run.gate() is False
    messages = {f.message for r in lost for f in r.findings}
    assert any("worker process 1" in m and "status 3" in m for m in messages)
    assert any("worker process 2" in m and "SIGKILL" in m for m in messages)
    assert sum(r.cause() == "one finished" for r in run.results) == 1


def test_a_worker_failure_or_usage_error_is_reported() -> None:
    def work(number: int, ops: tuple[int, ...], outbox: Outbox) -> None:
        planned(ops, outbox)
        if number == 2:
            outbox.usage("ACME_API_KEY is not set")
        else:
            outbox.failed("RuntimeError: boom")

    pool = _pool(work)
    _ends_with_usage_error(pool, "ACME_API_KEY")
    assert all(not w.process.is_alive() for w in pool.workers)


def test_stopping_the_pool_ends_every_worker() -> None:
    def work(number: int, ops: tuple[int, ...], outbox: Outbox) -> None:
        cases = planned(ops, outbox)
        outbox.result(0, skipped(cases[0], "x"))  # type: ignore[arg-type]
        outbox.flush()
        time.sleep(60)  # a run still going when Ctrl-C comes

    def interrupt(_: object) -> None:
        raise KeyboardInterrupt

    pool = _pool(work)
    started = time.monotonic()
    with pytest.raises(KeyboardInterrupt):
        try:
            pool.wait_planned()
            pool.wait_done(interrupt)
        finally:
            pool.stop()
    assert time.monotonic() - started < 30
    assert all(not w.process.is_alive() for w in pool.workers)


def test_workers_collect_their_cyclic_garbage_when_forked_with_the_collector_off() -> None:
    """The parent forks inside `collector.paused()`; a worker's cycles must still be freed."""

    def work(number: int, ops: tuple[int, ...], outbox: Outbox) -> None:
        planned(ops, outbox)
        outbox.usage(f"collector enabled={gc.isenabled()}")

    with paused():
        pool = _pool(work)
    _ends_with_usage_error(pool, "collector enabled=True")
