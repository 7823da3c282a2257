"""The terminal lines that say why cases got no answer, and the headline of a vacuous run.

Kept apart from the summary table: the counts say how many, these lines say why — grouped by
cause (`186 cases got no answer: ConnectError: ... — is the target up?`), so that a red CI job
explains itself without opening the JSON report.
"""

from __future__ import annotations

from rich.console import Console

from conformance.runner.results import RunResult

#: Distinct causes printed per outcome; the JSON report has every case.
MAX_CAUSES = 8


def headline(run: RunResult) -> str | None:
    """The one line a run with no answered case leads with (None when some case was answered)."""
    if run.answered or not run.results:
        return None
    errors = run.causes("error")
    if errors:
        top = errors[0]
        hint = f" — {top.hint}" if top.hint else ""
        return f"No case got an answer from {run.target}: {top.reason}{hint}"
    return f"No case was sent to {run.target}: every case was skipped"


def print_headline(console: Console, run: RunResult) -> None:
    line = headline(run)
    if line is not None:
        console.print(f"[bold red]{line}[/]", highlight=False)


def print_causes(console: Console, run: RunResult) -> None:
    """One line per distinct cause of `error` cases (skip reasons: `report/skips.py`)."""
    causes = run.causes("error")
    for cause in causes[:MAX_CAUSES]:
        line = cause.render("got no answer")
        console.print(line, style="magenta", markup=False, highlight=False, soft_wrap=True)
    if len(causes) > MAX_CAUSES:
        rest = sum(c.count for c in causes[MAX_CAUSES:])
        console.print(
            f"… {rest} more error cases with {len(causes) - MAX_CAUSES} other causes (see --json).",
            style="magenta",
            highlight=False,
        )


def verdict_line(run: RunResult, *, tolerate_errors: bool = False) -> str | None:
    """Why a run without failures is still red, or that errors were tolerated."""
    if run.failed:
        return None
    if run.answered == 0:
        return "verdict: red — no case got an answer, nothing was judged"
    if run.errored:
        n = sum(1 for r in run.results if r.outcome == "error")
        if tolerate_errors:
            return f"verdict: green with {n} error case(s) tolerated (--tolerate-errors)"
        return f"verdict: red — {n} case(s) got no usable answer (--tolerate-errors accepts them)"
    return None
