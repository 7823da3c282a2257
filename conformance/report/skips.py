"""Why cases were skipped, said once per reason under the summary.

A run that skips cases (a retired model against a live target, a spending cap reached) must say so
where the user looks: a `skipped` count alone once hid that every Imagen case of a relay was
skipped as retired by inheritance from upstream.
"""

from __future__ import annotations

from collections import Counter

from rich.console import Console

from conformance.runner.results import RunResult


def skip_reasons(run: RunResult) -> list[tuple[str, int]]:
    """(reason, number of cases) for every skipped case, most frequent first."""
    reasons: Counter[str] = Counter()
    for result in run.results:
        if result.outcome != "skipped":
            continue
        reason = next((f.message for f in result.findings if f.outcome == "skipped"), "")
        reasons[reason or "no reason given"] += 1
    return sorted(reasons.items(), key=lambda item: (-item[1], item[0]))


def print_skips(console: Console, run: RunResult) -> None:
    for reason, count in skip_reasons(run):
        line = f"skipped {count} case(s): {reason}"
        console.print(line, markup=False, highlight=False, soft_wrap=True)
