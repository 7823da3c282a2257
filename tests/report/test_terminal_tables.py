"""The terminal's tables show ids as written: a `[...]` in a provider or model id (the spec
format allows any string) is text, not a console style."""

from __future__ import annotations

import dataclasses
import io
import sys
from pathlib import Path

from rich.console import Console

sys.path.insert(0, str(Path(__file__).resolve().parent))
from report_testkit import relay_run, small_plan

from conformance.report.terminal import print_plan, print_summary
from conformance.runner.results import RunResult

ODD = "imagen[bold]-[/]x"


def _console() -> tuple[Console, io.StringIO]:
    out = io.StringIO()
    return Console(file=out, width=200, force_terminal=True), out


def test_the_dry_run_table_shows_a_bracketed_model_id_as_written() -> None:
    plan = small_plan("tokaify")
    odd = dataclasses.replace(plan, coverage=(dataclasses.replace(plan.coverage[0], model=ODD),))
    console, out = _console()
    print_plan(console, odd)
    assert ODD in out.getvalue()


def test_the_summary_table_shows_a_bracketed_model_id_as_written() -> None:
    run = relay_run(small_plan("tokaify"), thumbnails=False)
    first = run.results[0]
    model = dataclasses.replace(first.case.model, id=ODD)
    case = dataclasses.replace(first.case, model=model)
    odd = RunResult(run.plan, (dataclasses.replace(first, case=case),), run.target, run.wall)
    console, out = _console()
    print_summary(console, odd, {})
    assert ODD in out.getvalue()
