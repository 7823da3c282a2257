"""Runs for the report tests: the relay, optionally broken, with thumbnails kept."""

from __future__ import annotations

import asyncio
from pathlib import Path

from conformance.plan.planner import Plan, PlanOptions, plan
from conformance.runner import Budget, RunResult, TargetOptions, open_transports, run_plan
from conformance.spec.model import Spec
from conformance.spec.resolve import load_spec
from conformance.transport.flow import FlowOptions

ROOT = Path(__file__).resolve().parents[2]
SPEC: Spec = load_spec(ROOT / "specs")


def relay_run(
    the_plan: Plan,
    faults: frozenset[str] = frozenset(),
    *,
    budget: Budget | None = None,
    thumbnails: bool = True,
) -> RunResult:
    providers = sorted({c.provider.id for c in the_plan.cases})

    async def go() -> RunResult:
        async with open_transports(SPEC, providers, TargetOptions(faults=faults)) as transports:
            return await run_plan(
                the_plan,
                transports,
                flow=FlowOptions(),
                budget=budget,
                target="relay",
                thumbnails=thumbnails,
            )

    return asyncio.run(go())


def small_plan(*providers: str, max_examples: int = 0) -> Plan:
    return plan(SPEC, PlanOptions(providers=providers, max_examples=max_examples))
