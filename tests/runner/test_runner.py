"""Runner: budget and lifecycle cuts are skipped results (never dropped); the relay passes."""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Any

import pytest

from conformance.plan.planner import Plan, PlanOptions, plan
from conformance.runner import Budget, TargetOptions, open_transports, run_plan, select
from conformance.runner.results import CaseResult, RunResult
from conformance.spec.model import Spec
from conformance.spec.resolve import load_spec
from conformance.transport.flow import FlowOptions


@pytest.fixture(scope="module")
def spec() -> Spec:
    return load_spec(Path(__file__).resolve().parents[2] / "specs")


def test_budget_cuts_become_skipped(spec: Spec) -> None:
    the_plan = plan(spec, PlanOptions(providers=("tokaify",), max_examples=0))
    kept, cut = select(the_plan.cases, Budget(max_requests=5))
    assert len(kept) == 5 and len(kept) + len(cut) == len(the_plan.cases)
    assert all("--max-requests 5" in reason for _, reason in cut)
    assert all(c.kind == "positive" for c in kept)


def test_image_budget(spec: Spec) -> None:
    the_plan = plan(spec, PlanOptions(providers=("tokaify",), max_examples=0))
    kept, cut = select(the_plan.cases, Budget(max_images=6))
    assert sum(c.expected_images for c in kept) <= 6
    assert cut and all("--max-images 6" in reason for _, reason in cut)


def test_retired_models_are_skipped_live_only(spec: Spec) -> None:
    the_plan = plan(spec, PlanOptions(providers=("google",), max_examples=0))
    _, cut = select(the_plan.cases, Budget(), live=True)
    assert cut and all(c.model.id.startswith("imagen") for c, _ in cut)
    assert all("retired" in reason for _, reason in cut)
    assert select(the_plan.cases, Budget(), live=True, include_retired=True)[1] == []
    assert select(the_plan.cases, Budget(), live=False)[1] == []


def _run_tokaify(spec: Spec, the_plan: Plan, **options: Any) -> RunResult:
    """`the_plan` against the built-in relay's tokaify, 10 requests at most, 4 at a time."""

    async def go() -> RunResult:
        async with open_transports(spec, ["tokaify"], TargetOptions()) as transports:
            return await run_plan(
                the_plan,
                transports,
                flow=FlowOptions(),
                budget=Budget(max_requests=10),
                concurrency=4,
                **options,
            )

    return asyncio.run(go())


def test_run_reports_every_case_in_order(spec: Spec) -> None:
    the_plan = plan(spec, PlanOptions(providers=("tokaify",), max_examples=1))
    result = _run_tokaify(spec, the_plan)
    assert [r.case.id for r in result.results] == [c.id for c in the_plan.cases]
    counts = result.counts()
    assert counts["skipped"] == len(the_plan.cases) - 10 and counts["fail"] == 0
    assert not result.failed


def test_a_run_that_keeps_nothing_hands_every_result_to_progress(spec: Spec) -> None:
    """`keep=False` (a `--jobs` worker): progress sees each case once, sent or cut, with the
    same outcome a kept run has; the returned run holds none of them."""
    the_plan = plan(spec, PlanOptions(providers=("tokaify",), max_examples=1))
    handed: list[CaseResult] = []
    dropped = _run_tokaify(spec, the_plan, progress=handed.append, keep=False)
    kept = _run_tokaify(spec, the_plan)
    assert dropped.results == ()
    by_id = {r.case.id: r.outcome for r in handed}
    assert len(handed) == len(by_id) == len(the_plan.cases)
    assert by_id == {r.case.id: r.outcome for r in kept.results}
