"""`conformance run --jobs N|auto`: the run's operations planned and run in N worker processes.

The selected operations are split before planning (`plan.partition`), each worker plans and
runs only its own (`runner.workers`), and the parent puts every case back in plan order
(`runner.gather`): the result, the exit code and every report are the single-process run's,
timings aside. `--concurrency` and `--rate` stay the whole run's bounds, shared out among the
workers, so a live target never sees more than it was promised.

What --jobs does with the other options:
- `--record`, `--replay`, `--upstream` (one cassette set / one upstream journal per run),
  `--shard` (a shard is picked from the whole plan, which no worker has) and `--max-requests` /
  `--max-images` (the budget is spent in priority order over the whole plan) need one process:
  an explicit `--jobs N` above 1 with any of them is a usage error (exit 2); `auto` runs them
  in one process.
- `--dry-run` only plans and prints: one process.

`auto` uses processes only when the selection is large enough that a worker's start-up (a fork,
its relay and transports, its first hypothesis draws) pays back: from `AUTO_MIN_CASES`
estimated cases (the default selection has ~1,300: it stays in one process), one worker per
`AUTO_CASES_PER_WORKER`, at most `os.cpu_count()`.
"""

from __future__ import annotations

import argparse
import contextlib
import dataclasses
import gc
import multiprocessing
import os
import tempfile
from collections.abc import Callable, Iterator, Mapping
from pathlib import Path
from typing import TYPE_CHECKING

from rich.console import Console

from conformance.cli.common import UsageError
from conformance.cli.run_reports import hand_off, wants_thumbnails
from conformance.plan import collector
from conformance.plan.partition import estimate, partition
from conformance.plan.planner import Plan, PlanOptions, operations, plan
from conformance.report.terminal import progress_bar
from conformance.runner import Budget, RunResult, TargetOptions, open_transports, run_plan
from conformance.runner.blocking import run_sync
from conformance.runner.engine import Attach, Progress
from conformance.runner.results import BriefResult, CaseResult
from conformance.spec.model import Spec
from conformance.transport.headers import MissingHeaderVariable
from conformance.transport.live import MissingKey
from conformance.transport.redaction import Redactor, environment_redactor

if TYPE_CHECKING:
    from conformance.runner.workers import Outbox

#: `auto`'s threshold and share, in estimated cases. Measured on 2 cores (medians of 5, the
#: machine shared): the default selection (1,270 estimated cases) took 2.14 s in one process and
#: 2.36 s in two, 14% more CPU; twice that selection 4.79 s in one and 3.30 s in two, the same
#: CPU. So the default run stays in one process and twice it uses two.
AUTO_MIN_CASES = 2000
AUTO_CASES_PER_WORKER = 1000

#: Options that need the whole plan in one process, as (flag, attribute).
_ONE_PROCESS = (
    ("--record", "record"),
    ("--replay", "replay"),
    ("--upstream", "upstream"),
    ("--shard", "shard"),
    ("--max-requests", "max_requests"),
    ("--max-images", "max_images"),
)


def usable_cpus() -> int:
    """The CPUs this process may run on (a container's or `taskset`'s share, not the host's)."""
    if hasattr(os, "sched_getaffinity"):
        return max(1, len(os.sched_getaffinity(0)))
    return os.cpu_count() or 1


def can_fork() -> bool:
    """Workers are forked (runner/workers.py); platforms without fork run in one process."""
    return "fork" in multiprocessing.get_all_start_methods()


def check_jobs(args: argparse.Namespace) -> None:
    """Usage errors of `--jobs N` (N > 1) with the options that need one process."""
    if args.jobs is None or args.jobs == 1:
        return
    if not can_fork():
        raise UsageError(f"--jobs {args.jobs} needs fork(), which this platform lacks (use 1)")
    given = [flag for flag, name in _ONE_PROCESS if getattr(args, name) is not None]
    if given:
        raise UsageError(
            f"--jobs {args.jobs} cannot be used with {', '.join(given)}: "
            f"{'they need' if len(given) > 1 else 'it needs'} the whole plan in one process "
            "(use --jobs 1, or auto)"
        )


def job_count(spec: Spec, options: PlanOptions, args: argparse.Namespace) -> int:
    """How many worker processes this run uses (1: none, the run stays in this process)."""
    if args.dry_run or any(getattr(args, name) is not None for _, name in _ONE_PROCESS):
        return 1
    selected = [estimate(op, options.max_examples) for _, _, op in operations(spec, options)]
    # At most one worker per operation, and per case in flight (each needs one of them).
    cap = min(len(selected), max(1, int(args.concurrency)))
    if args.jobs is not None:
        return max(1, min(int(args.jobs), cap))
    cases = sum(selected)
    if cases < AUTO_MIN_CASES or not can_fork():
        return 1
    return max(1, min(usable_cpus(), cases // AUTO_CASES_PER_WORKER, cap))


def _share(total: int, count: int, number: int) -> int:
    return max(1, total // count + (number < total % count))


async def send(
    spec: Spec,
    the_plan: Plan,
    args: argparse.Namespace,
    target: TargetOptions,
    progress: Progress | None,
    attach: Attach | None = None,
    keep: bool = True,
) -> RunResult:
    """Send a plan to the target and judge it (one process's share of the run; `keep=False`:
    only `progress` sees the results, the returned run holds none)."""
    from conformance.cli import run_options as opts

    providers = sorted({c.provider.id for c in the_plan.cases})
    try:
        async with open_transports(spec, providers, target) as transports:
            return await run_plan(
                the_plan,
                transports,
                flow=opts.flow_options(args, target.live),
                budget=Budget(args.max_requests, args.max_images),
                concurrency=target.concurrency,
                live=target.live,
                include_retired=args.include_retired,
                target=target.describe(),
                progress=progress,
                thumbnails=wants_thumbnails(args),
                attach=attach,
                keep=keep,
            )
    except (MissingKey, MissingHeaderVariable) as exc:
        raise UsageError(str(exc)) from None


def _redactor(target: TargetOptions, environ: Mapping[str, str]) -> Redactor:
    redactor = environment_redactor(environ)
    for header in target.headers:
        if header.secret:
            expanded = header.expand(environ)
            if isinstance(expanded, str):
                redactor.add(header.name, expanded)
    return redactor


@contextlib.contextmanager
def run_jobs(
    spec: Spec,
    options: PlanOptions,
    args: argparse.Namespace,
    target: TargetOptions,
    console: Console,
    count: int,
) -> Iterator[tuple[RunResult, list[Path]]]:
    """The run in `count` worker processes, put back together in plan order, and the files
    its workers encoded JSON report entries into (`report/json_spool.py`; removed on exit)."""
    with tempfile.TemporaryDirectory(prefix="conformance-jobs-") as spool_dir:
        spools = [Path(spool_dir) / f"worker-{n + 1}.entries" for n in range(count)]
        result = _run_jobs(spec, options, args, target, console, count, spools)
        yield result, spools


def _hand_off(
    args: argparse.Namespace,
    number: int,
    spool: Path,
    base_urls: Mapping[str, str],
    outbox: Outbox,
) -> tuple[Callable[[CaseResult], CaseResult], Callable[[], None]]:
    """What a worker sends of each finished case (`run_reports.hand_off`), and how it ends."""
    mode = hand_off(args)
    if mode == "whole":
        return (lambda result: result), (lambda: None)
    if mode == "brief":
        return BriefResult.of, (lambda: None)
    from conformance.report.json_spool import SpoolWriter

    writer = SpoolWriter(spool, number, base_urls)
    outbox.before_results = writer.flush  # a brief goes out only once its entry is on disk
    return (lambda result: BriefResult.of(result, writer.add(result))), writer.close


def _run_jobs(
    spec: Spec,
    options: PlanOptions,
    args: argparse.Namespace,
    target: TargetOptions,
    console: Console,
    count: int,
    spools: list[Path],
) -> RunResult:
    # Imported here: multiprocessing and the pool are for the runs that use processes.
    from conformance.cli.run_options import base_urls
    from conformance.runner.gather import gather
    from conformance.runner.portable import Codec
    from conformance.runner.workers import Pool, WorkerUsageError

    parts = partition(spec, options, count)
    codec = Codec(spec)
    urls = base_urls(spec, target)

    def work(number: int, ops: tuple[int, ...], outbox: Outbox) -> None:
        mine = dataclasses.replace(
            target,
            concurrency=_share(target.concurrency, count, number),
            rate=target.rate / count if target.rate is not None else None,
        )
        try:
            part = plan(spec, options, only=frozenset(ops))
            sizes: dict[tuple[str, str, str], int] = {}
            for case in part.cases:
                key = (case.provider.id, case.model.id, case.operation.name)
                sizes[key] = sizes.get(key, 0) + 1
            outbox.planned(
                [sizes.get((c.provider, c.model, c.operation), 0) for c in part.coverage],
                part.coverage,
            )
            gc.freeze()  # as in a single-process run: the plan outlives the run
            position = {c.id: i for i, c in enumerate(part.cases)}
            handed, close = _hand_off(args, number, spools[number], urls, outbox)
            try:
                result = _send_part(
                    spec, part, args, mine, lambda r: outbox.result(position[r.case.id], handed(r))
                )
            finally:
                close()
            outbox.done(result.wall)
        except UsageError as exc:
            outbox.usage(str(exc))
        except Exception as exc:
            outbox.failed(_redactor(target, os.environ).text(f"{type(exc).__name__}: {exc}"))

    pool = Pool(parts, work, codec)
    gc.freeze()  # the spec, shared with the workers: out of every process's collections
    try:
        with collector.paused():  # unpickled results are acyclic: nothing for the collector
            pool.start()
            pool.wait_planned()
            total = sum(sum(w.counts) if w.counts is not None else 0 for w in pool.workers)
            with progress_bar(console, total) as advance:
                pool.wait_done(advance)
            result = gather(
                pool.workers,
                lambda ops: plan(spec, options, only=frozenset(ops)),
                target.describe(),
            )
            # The results live until exit: frozen before the collector is back on, whose first
            # automatic collection would otherwise walk them all (at 64x ~1 s of the tail).
            gc.freeze()
        if not result.results:
            raise UsageError("the selection plans no cases")
        return result
    except WorkerUsageError as exc:
        raise UsageError(str(exc)) from None
    finally:
        pool.stop()


def _send_part(
    spec: Spec, part: Plan, args: argparse.Namespace, target: TargetOptions, progress: Progress
) -> RunResult:
    """A worker's part, sent: each result goes to `progress` (the outbox) and is not kept."""
    if args.block_network:
        from conformance.cassettes import blocked

        with blocked():
            return run_sync(send(spec, part, args, target, progress, keep=False))
    return run_sync(send(spec, part, args, target, progress, keep=False))
