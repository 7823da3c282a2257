"""Off a terminal (a CI log) progress is periodic lines; on a terminal, the bar."""

from __future__ import annotations

import io

from report_testkit import relay_run, small_plan
from rich.console import Console

from conformance.report.terminal import progress_bar, progress_lines
from conformance.runner.results import RunResult

RUN: RunResult = relay_run(small_plan("tokaify"), frozenset({"ignore-count"}), thumbnails=False)


def test_lines_every_interval_with_done_failed_rate() -> None:
    out = io.StringIO()
    console = Console(file=out, force_terminal=False, width=200)
    ticks = iter(float(t) for t in range(1000))
    advance = progress_lines(console, len(RUN.results), interval=5.0, clock=lambda: next(ticks))
    for result in RUN.results:
        advance(result)
    lines = out.getvalue().splitlines()
    total = len(RUN.results)
    # one tick per case after the start: a line every 5 cases, plus the closing one
    assert len(lines) == total // 5 + (total % 5 != 0)
    assert lines[0] == f"progress: 5/{total} cases, {_failed(5)} failed, 1.0 cases/s"
    assert lines[-1].startswith(f"progress: {total}/{total} cases, {_failed(total)} failed")


def test_quiet_when_the_run_is_shorter_than_the_interval() -> None:
    out = io.StringIO()
    advance = progress_lines(Console(file=out, force_terminal=False), 3, interval=3600)
    for result in RUN.results[:3]:
        advance(result)
    assert out.getvalue() == ""


def test_terminal_keeps_the_bar_and_a_log_gets_lines() -> None:
    tty = io.StringIO()
    with progress_bar(Console(file=tty, force_terminal=True), 2) as advance:
        assert advance.__name__ == "advance" and "progress_lines" not in advance.__qualname__
    log = io.StringIO()
    with progress_bar(Console(file=log, force_terminal=False), 2) as advance:
        assert "progress_lines" in advance.__qualname__


def _failed(first: int) -> int:
    return sum(r.outcome == "fail" for r in RUN.results[:first])
