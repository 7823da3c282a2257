"""Orchestration: send the selected cases concurrently, judge each answer, collect results.

Concurrency is N runner coroutines that each take the next case and carry it through (its
request, job polls, image fetches and checks), so `--concurrency N` bounds cases in flight and
the whole answers held in memory. Cases start in `schedule.start_order` (job cases spread out)
and come back in their order. (A task per case, all waiting on a semaphore, cost ~17 us a case
in tasks and wake-ups, ~0.6 s of each worker's CPU at 64x the providers, and held every case's
coroutine for the whole run.)
Checks run as soon as a case's exchange is complete, and a progress callback sees each result
as it lands. Checks of large answers (multi-MB images:
base64 and image decoding) run in a worker thread so that the event loop keeps serving the other
cases; small answers are judged inline, where a thread hand-off would cost more than the checks.
Each case is isolated: anything its sending or checking raises becomes that case's `error`
findings with the cause. Once judged, a case keeps only what reports need (`retain`, in the
same worker thread as the checks: hashing a large body releases the GIL).
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Awaitable, Callable, Mapping

from conformance.checks import run_checks
from conformance.checks.registry import Finding
from conformance.exchange import Exchange
from conformance.images.thumbnail import ImageSummary
from conformance.plan.case import Case
from conformance.plan.collector import Collector
from conformance.plan.planner import Plan
from conformance.runner.budget import Budget, select
from conformance.runner.images import summarize_images
from conformance.runner.results import CaseResult, RunResult
from conformance.runner.retain import retain
from conformance.runner.schedule import start_order
from conformance.transport.base import Transport
from conformance.transport.flow import FlowOptions, perform
from conformance.transport.redaction import Redactor

Progress = Callable[[CaseResult], None]
#: Adds to a finished exchange what only another party saw (a sandwich run's upstream journal),
#: before the case's checks run.
Attach = Callable[[Case, Exchange], Awaitable[Exchange]]

#: Cases whose answer bodies (response, job polls, image fetches) total at most this many bytes
#: are checked on the event loop; larger ones in a worker thread.
INLINE_CHECK_BYTES = 256 * 1024


def _answer_bytes(exchange: Exchange) -> int:
    own = len(exchange.response.body) if exchange.response is not None else 0
    nested = (*exchange.polls, *exchange.fetches)
    return own + sum(_answer_bytes(e) for e in nested)


def judge(
    case: Case, exchange: Exchange, thumbnails: bool
) -> tuple[list[Finding], tuple[ImageSummary, ...]]:
    """The checks' findings and the image summaries, taken while the answer bodies are whole."""
    return run_checks(case, exchange), summarize_images(case, exchange, thumbnails=thumbnails)


def settle(
    case: Case, exchange: Exchange, thumbnails: bool
) -> tuple[tuple[Finding, ...], tuple[ImageSummary, ...], Exchange]:
    """`judge`, then what the case keeps (`retain`): one unit of work for a worker thread."""
    found, pictures = judge(case, exchange, thumbnails)
    return tuple(found), pictures, retain(exchange)


def skipped(case: Case, reason: str) -> CaseResult:
    return CaseResult(
        case, None, tuple(Finding(name, "skipped", reason, case.id) for name in case.checks)
    )


def isolated(
    case: Case, stage: str, exc: BaseException, transport: Transport
) -> tuple[Finding, ...]:
    """The `error` findings of a case whose sending or checking raised: the cause, redacted."""
    redactor = getattr(transport, "redactor", None)
    cause = f"{type(exc).__name__}: {exc}"[:500]
    if isinstance(redactor, Redactor):
        cause = redactor.text(cause)
    message = f"unexpected {cause} while {stage} this case"
    return tuple(Finding(name, "error", message, case.id) for name in case.checks)


async def execute(
    cases: list[Case],
    transports: Mapping[str, Transport],
    flow: FlowOptions,
    concurrency: int = 8,
    progress: Progress | None = None,
    thumbnails: bool = False,
    attach: Attach | None = None,
    keep: bool = True,
) -> list[CaseResult]:
    """Results for `cases`, in the same order (`thumbnails`: keep one per returned image).

    `keep=False`: only `progress` sees each result, and none is returned: a `--jobs` worker
    hands each result on as it lands and has no use for it after."""
    collector = Collector()

    async def one(case: Case) -> CaseResult:
        transport = transports[case.provider.id]
        exchange: Exchange | None = None
        pictures: tuple[ImageSummary, ...] = ()
        stage = "sending"
        try:
            exchange = await perform(transport, case, flow)
            if attach is not None:
                exchange = await attach(case, exchange)
            stage = "checking"
            if _answer_bytes(exchange) <= INLINE_CHECK_BYTES:
                findings, pictures, exchange = settle(case, exchange, thumbnails)
            else:
                findings, pictures, exchange = await asyncio.to_thread(
                    settle, case, exchange, thumbnails
                )
        except Exception as exc:  # one bad answer never takes the run down: isolate the case
            findings = isolated(case, stage, exc, transport)
            exchange = retain(exchange) if exchange is not None else None
        result = CaseResult(case, exchange, findings, pictures)
        if progress is not None:
            progress(result)
        collector.advance()
        return result

    order = start_order(cases, lambda case: case.operation.job is not None)
    pending = iter(order)  # shared: each runner takes the next case to start
    results: list[CaseResult | None] = [None] * len(cases)

    async def runner() -> None:
        for index in pending:  # a case holds its runner through its checks
            result = await one(cases[index])
            if keep:
                results[index] = result

    await asyncio.gather(*(runner() for _ in range(min(max(1, concurrency), len(cases)))))
    return [result for result in results if result is not None]


async def run_plan(
    plan: Plan,
    transports: Mapping[str, Transport],
    *,
    flow: FlowOptions,
    budget: Budget | None = None,
    concurrency: int = 8,
    live: bool = False,
    include_retired: bool = False,
    target: str = "",
    progress: Progress | None = None,
    thumbnails: bool = False,
    attach: Attach | None = None,
    keep: bool = True,
) -> RunResult:
    """Select (budget, lifecycle), execute, and return every case's result in plan order
    (`keep=False`: `progress` sees every result and the returned run holds none of them)."""
    started = time.monotonic()
    kept, cut = select(plan.cases, budget or Budget(), live=live, include_retired=include_retired)
    cut_results = {case.id: skipped(case, reason) for case, reason in cut}
    for result in cut_results.values():
        if progress is not None:
            progress(result)
    results = await execute(
        kept, transports, flow, concurrency, progress, thumbnails, attach=attach, keep=keep
    )
    if not keep:
        return RunResult(plan, (), target, time.monotonic() - started)
    sent = {r.case.id: r for r in results}
    ordered = tuple(sent.get(c.id) or cut_results[c.id] for c in plan.cases)
    return RunResult(plan, ordered, target, time.monotonic() - started)
