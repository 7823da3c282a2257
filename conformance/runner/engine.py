"""Orchestration: send the selected cases concurrently, judge each answer, collect results.

Concurrency is an asyncio semaphore around each case (its request, job polls and image fetches),
so `--concurrency N` bounds cases in flight. Checks run as soon as a case's exchange is complete,
and a progress callback sees each result as it lands.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable, Mapping

from conformance.checks import run_checks
from conformance.checks.registry import Finding
from conformance.plan.case import Case
from conformance.plan.planner import Plan
from conformance.runner.budget import Budget, select
from conformance.runner.results import CaseResult, RunResult
from conformance.transport.base import Transport
from conformance.transport.flow import FlowOptions, perform

Progress = Callable[[CaseResult], None]


def skipped(case: Case, reason: str) -> CaseResult:
    return CaseResult(
        case, None, tuple(Finding(name, "skipped", reason, case.id) for name in case.checks)
    )


async def execute(
    cases: list[Case],
    transports: Mapping[str, Transport],
    flow: FlowOptions,
    concurrency: int = 8,
    progress: Progress | None = None,
) -> list[CaseResult]:
    """Results for `cases`, in the same order."""
    gate = asyncio.Semaphore(max(1, concurrency))

    async def one(case: Case) -> CaseResult:
        async with gate:
            exchange = await perform(transports[case.provider.id], case, flow)
        findings = await asyncio.to_thread(run_checks, case, exchange)
        result = CaseResult(case, exchange, tuple(findings))
        if progress is not None:
            progress(result)
        return result

    return list(await asyncio.gather(*(one(case) for case in cases)))


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
) -> RunResult:
    """Select (budget, lifecycle), execute, and return every case's result in plan order."""
    started = time.monotonic()
    kept, cut = select(plan.cases, budget or Budget(), live=live, include_retired=include_retired)
    cut_results = {case.id: skipped(case, reason) for case, reason in cut}
    for result in cut_results.values():
        if progress is not None:
            progress(result)
    sent = {r.case.id: r for r in await execute(kept, transports, flow, concurrency, progress)}
    ordered = tuple(sent.get(c.id) or cut_results[c.id] for c in plan.cases)
    return RunResult(plan, ordered, target, time.monotonic() - started)
