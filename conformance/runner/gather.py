"""The workers' results of a `--jobs` run put back together: one `RunResult` in plan order.

Every worker planned whole operations, listed in plan order, and said how many cases each gave;
so the plan is every worker's cases taken operation by operation in the order of the operation
indices, and the result is the one a single process would have produced (timings aside). A
worker that ended without finishing leaves cases without a result: each becomes an `error`
result naming the worker and why it ended, so a crash can never turn a run green. When it died
before saying what it planned, its operations are planned here (`replan`; planning is
deterministic), so even then every case is there, with its id, in its place.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

from conformance.checks.registry import Finding
from conformance.plan.case import Case
from conformance.plan.planner import Coverage, Plan
from conformance.runner.results import CaseResult, RunResult
from conformance.runner.workers import Worker

#: Plans the given operations (indices into `planner.operations`) in this process.
Replan = Callable[[tuple[int, ...]], Plan]


def lost(case: Case, worker: Worker) -> CaseResult:
    """The `error` result of a case whose worker ended before finishing it."""
    message = (
        f"no result: worker process {worker.number + 1} of the run ended before this case "
        f"finished ({worker.cause or 'unknown cause'})"
    )
    return CaseResult(
        case, None, tuple(Finding(name, "error", message, case.id) for name in case.checks)
    )


def _part(worker: Worker, replan: Replan) -> list[tuple[int, list[CaseResult], Coverage]]:
    """(operation index, its results in plan order, its coverage) for each of the worker's
    operations."""
    if worker.counts is not None and len(worker.results) == sum(worker.counts):
        counts, coverage = worker.counts, worker.coverage
        results = [worker.results[i] for i in range(len(worker.results))]
    else:  # it ended early: its cases come from planning its part here
        plan = replan(worker.operations) if worker.operations else Plan(())
        sizes: dict[tuple[str, str, str], int] = {}
        for case in plan.cases:
            key = (case.provider.id, case.model.id, case.operation.name)
            sizes[key] = sizes.get(key, 0) + 1
        coverage = plan.coverage
        counts = tuple(sizes.get((c.provider, c.model, c.operation), 0) for c in coverage)
        results = [worker.results.get(i) or lost(c, worker) for i, c in enumerate(plan.cases)]
    out: list[tuple[int, list[CaseResult], Coverage]] = []
    start = 0
    for index, count, cov in zip(worker.operations, counts, coverage, strict=True):
        out.append((index, results[start : start + count], cov))
        start += count
    return out


def gather(workers: Sequence[Worker], replan: Replan, target: str) -> RunResult:
    """One `RunResult` of the whole run from its workers' parts."""
    pieces = sorted(
        (piece for worker in workers for piece in _part(worker, replan)), key=lambda p: p[0]
    )
    results = tuple(r for _, part, _ in pieces for r in part)
    plan = Plan(tuple(r.case for r in results), tuple(cov for _, _, cov in pieces))
    wall = max((w.wall for w in workers), default=0.0)
    return RunResult(plan, results, target, wall)
