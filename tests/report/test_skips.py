"""A run that skips cases says why, once per reason, under the summary."""

from __future__ import annotations

import io

from rich.console import Console

from conformance.plan.planner import PlanOptions, plan
from conformance.report.skips import print_skips, skip_reasons
from conformance.runner import Budget, RunResult, select
from conformance.runner.engine import skipped
from conformance.spec.model import Spec


def test_retired_models_skipped_live_are_explained(spec: Spec) -> None:
    the_plan = plan(spec, PlanOptions(providers=("google",), max_examples=0))
    _, cut = select(the_plan.cases, Budget(), live=True)
    result = RunResult(the_plan, tuple(skipped(case, reason) for case, reason in cut), "live")
    reasons = skip_reasons(result)
    assert sum(count for _, count in reasons) == len(cut) > 0
    assert {r.split(" is retired")[0] for r, _ in reasons} == {
        f"lifecycle: {m.id}" for m in spec.provider("google").models if m.status == "retired"
    }
    out = io.StringIO()
    print_skips(Console(file=out, width=300), result)
    lines = out.getvalue().splitlines()
    assert len(lines) == len(reasons)
    assert all(line.startswith("skipped ") and "--include-retired" in line for line in lines)


def test_nothing_skipped_nothing_said(spec: Spec) -> None:
    the_plan = plan(spec, PlanOptions(providers=("tokaify",), max_examples=0))
    assert skip_reasons(RunResult(the_plan, (), "relay")) == []
