"""Terminal report: a progress bar while running, then a summary per provider x model and each
failing case with its findings and a curl command that reproduces it (key as `$ENV_VAR`)."""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager

from rich.console import Console
from rich.table import Table
from rich.text import Text

from conformance.checks.registry import OUTCOMES
from conformance.plan.case import Case
from conformance.plan.planner import Plan
from conformance.report.causes import print_causes, print_headline, verdict_line
from conformance.report.skips import print_skips
from conformance.runner.engine import Progress as ProgressFn
from conformance.runner.results import CaseResult, RunResult
from conformance.transport.redaction import to_curl

STYLE = {
    "pass": "green",
    "fail": "bold red",
    "blocked": "yellow",
    "error": "magenta",
    "skipped": "dim",
}


#: Seconds between progress lines when the output is not a terminal (a CI log).
PROGRESS_INTERVAL = 10.0


def progress_lines(
    console: Console,
    total: int,
    interval: float = PROGRESS_INTERVAL,
    clock: Callable[[], float] = time.monotonic,
) -> ProgressFn:
    """A callback that prints a line every `interval` seconds: cases done, failures, rate.

    For logs (CI, a file): a bar would be invisible there, and silence until the end of a
    long live run looks like a hang. The last case prints a closing line if any was printed.
    """
    started = clock()
    last = started
    done = failed = 0
    printed = False

    def advance(result: CaseResult) -> None:
        nonlocal last, done, failed, printed
        done += 1
        failed += result.outcome == "fail"
        now = clock()
        if now - last < interval and not (printed and done == total):
            return
        last = now
        printed = True
        rate = done / (now - started) if now > started else 0.0
        console.print(
            f"progress: {done}/{total} cases, {failed} failed, {rate:.1f} cases/s",
            markup=False,
            highlight=False,
        )

    return advance


@contextmanager
def progress_bar(console: Console, total: int) -> Iterator[ProgressFn]:
    """A callback that advances a progress bar, or prints progress lines off a terminal."""
    if not console.is_terminal:
        yield progress_lines(console, total)
        return
    # Imported for a terminal only: rich.progress is ~14 ms of a run's start-up (measured with
    # -X importtime), which CI jobs and piped runs, printing lines instead, never use.
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

    with Progress(
        TextColumn("[bold]conformance"),
        BarColumn(),
        MofNCompleteColumn(),
        TextColumn("{task.fields[failed]} failed"),
        TimeElapsedColumn(),
        console=console,
        transient=True,
    ) as bar:
        task = bar.add_task("run", total=total, failed=0)
        failed = 0

        def advance(result: CaseResult) -> None:
            nonlocal failed
            failed += result.outcome == "fail"
            bar.update(task, advance=1, failed=failed)

        yield advance


def cells(*values: str) -> list[Text]:
    """Table cells shown as written: a string cell is read as console markup (an id with
    `[...]` in it would be taken for a style), and parsing it was ~30% of rendering a table
    (960 rows at 64x the providers: 0.54 -> 0.39 s, the same output)."""
    return [Text(value) for value in values]


def print_summary(
    console: Console,
    run: RunResult,
    base_urls: dict[str, str],
    *,
    max_failures: int = 20,
    tolerate_errors: bool = False,
) -> None:
    print_headline(console, run)
    table = Table(title=f"conformance against {run.target}", show_lines=False)
    table.add_column("provider")
    table.add_column("model")
    for outcome in OUTCOMES:
        table.add_column(outcome, justify="right", style=STYLE[outcome])
    for (provider, model), counts in run.by_model().items():
        table.add_row(*cells(provider, model, *(str(counts[o]) for o in OUTCOMES)))
    console.print(table)
    failing = [r for r in run.results if r.outcome == "fail"]
    for result in failing[:max_failures]:
        case = result.case
        console.print(f"\n[bold red]FAIL[/] {case.id}  [dim]({case.description})[/]")
        for finding in result.failures():
            console.print(f"  {finding.render()}", markup=False, highlight=False)
        base = base_urls.get(case.provider.id, "")
        console.print(
            "  reproduce: "
            + to_curl(case.request, base, case.provider.auth.key_env, case.provider.headers),
            markup=False,
            highlight=False,
            soft_wrap=True,
        )
    if len(failing) > max_failures:
        console.print(f"\n… {len(failing) - max_failures} more failing cases (see --json).")
    counts = run.counts()
    line = ", ".join(f"{counts.get(o, 0)} {o}" for o in OUTCOMES)
    retries = f", {run.retries} retries" if run.retries else ""
    console.print(
        f"\n{len(run.results)} cases ({line}); {run.requests_sent} requests"
        f"{retries} in {run.wall:.1f} s"
    )
    advisory = sum(1 for r in run.results for f in r.findings if f.advisory)
    if advisory:
        console.print(f"{advisory} advisory deviation(s) reported as pass (see --json).")
    print_causes(console, run)
    verdict = verdict_line(run, tolerate_errors=tolerate_errors)
    if verdict is not None:
        console.print(verdict, style="bold", markup=False, highlight=False)
    print_skips(console, run)  # part of every summary: a replay once printed the count alone


def print_plan(console: Console, plan: Plan, *, verbose: bool = False) -> None:
    """The dry-run view: per operation, requests against the lower bound, images and cost."""
    table = Table(title="plan (dry run: nothing is sent)")
    for column in (
        "provider",
        "model",
        "operation",
        "cases",
        "positive / bound",
        "negative",
        "images",
        "est. cost",
    ):
        table.add_column(
            column, justify="left" if column in ("provider", "model", "operation") else "right"
        )
    # Grouped once: filtering every case per operation grew with the square of the providers.
    by_operation: dict[tuple[str, str, str], list[Case]] = {}
    for case in plan.cases:
        key = (case.provider.id, case.model.id, case.operation.name)
        by_operation.setdefault(key, []).append(case)
    for cov in plan.coverage:
        cases = by_operation.get((cov.provider, cov.model, cov.operation), [])
        images = sum(c.expected_images for c in cases)
        model = cases[0].model if cases else None
        cost = "-"
        if model is not None and model.price is not None:
            generations = sum(1 for c in cases if c.expected_images)
            cost = f"{generations * model.price.value:g} {model.price.unit}"
        advisory = f" +{cov.advisory} adv." if cov.advisory else ""
        table.add_row(
            *cells(
                cov.provider,
                cov.model,
                cov.operation,
                str(len(cases)),
                f"{cov.positive} / {cov.lower_bound}{advisory}",
                str(sum(1 for c in cases if c.kind in ("negative", "wire"))),
                str(images),
                cost,
            )
        )
    console.print(table)
    console.print(f"{len(plan.cases)} requests planned, {plan.images} images expected")
    unplanned = [(c, u) for c in plan.coverage for u in c.unplanned]
    if unplanned:
        console.print(
            f"{len(unplanned)} constraint(s) not isolatable in one request "
            "(listed with --verbose / --json)"
        )
    if verbose:
        for cov, u in unplanned:
            console.print(
                f"  {cov.provider}/{cov.model}: {u.parameter} {u.rule}: {u.reason}", markup=False
            )
        for case in plan.cases:
            console.print(
                f"  {case.id}  {case.request.method} {case.request.path}  "
                f"{case.request.body_json() or ''}",
                markup=False,
                highlight=False,
                soft_wrap=True,
            )
