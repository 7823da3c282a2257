"""`conformance run`: plan cases from the specs, send them, judge every answer, report.

The default target is the built-in reference relay, in-process and offline; `--base-url URL
--provider P` targets a live service with the key read from an environment variable.
`--record DIR` writes every HTTP exchange of the run into cassettes (keys scrubbed, images
slimmed); `--replay DIR` runs the recorded plan again from them, with no network. Exit 0 when
every case got an answer and no check failed; 1 when any check failed, any case got no usable
answer (`error`: connection refused, timeout, reset, redirect loop, rate limited; see
--tolerate-errors), no case was answered at all, or a replay found cases that need
re-recording; 2 for usage, spec or cassette errors.
"""

from __future__ import annotations

import argparse
import gc
import sys
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import TYPE_CHECKING, Any

from rich.console import Console

# The cassette modules (and vcrpy, which imports the stubs of every HTTP library it can patch)
# are imported only by the runs that record, replay or block the network: ~0.3 s on each other
# run's start-up.
from conformance.cli import run_options as opts
from conformance.cli.common import (
    EXIT_FINDINGS,
    EXIT_OK,
    EXIT_USAGE,
    UsageError,
    load_or_report,
    top_specs_dir,
)
from conformance.cli.run_args import add_arguments
from conformance.cli.run_jobs import check_jobs, job_count, run_jobs, send
from conformance.cli.run_reports import (
    shard_option,
    sharded,
    wants_thumbnails,
    write_reports,
)
from conformance.cli.run_sandwich import attach_hook, plan_checks, prepare
from conformance.plan import collector
from conformance.plan.planner import Plan, PlanOptions, plan
from conformance.plan.shard import ShardPlan
from conformance.report.terminal import print_plan, print_summary, progress_bar
from conformance.runner import Budget, RunResult, TargetOptions
from conformance.runner.blocking import run_sync
from conformance.runner.engine import Progress
from conformance.spec.model import Spec
from conformance.transport.flow import FlowOptions
from conformance.transport.headers import MissingHeaderVariable
from conformance.transport.live import MissingKey

if TYPE_CHECKING:
    from conformance.runner.sandwich import Marked


def register(sub: Any) -> None:
    p = sub.add_parser(
        "run",
        help="run the conformance suite (default: against the built-in reference relay)",
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    add_arguments(p)
    p.set_defaults(func=run)


async def _execute(
    spec: Spec,
    the_plan: Plan,
    args: argparse.Namespace,
    target: TargetOptions,
    console: Console,
    marks: dict[str, Marked],
) -> RunResult:
    with progress_bar(console, len(the_plan.cases)) as advance:
        if args.record is not None:
            flow = opts.flow_options(args, target.live)
            budget = Budget(args.max_requests, args.max_images)
            try:
                return await _record(spec, the_plan, args, target, flow, budget, advance)
            except (MissingKey, MissingHeaderVariable) as exc:
                raise UsageError(str(exc)) from None
        async with attach_hook(spec, args, target, marks) as attach:
            return await send(spec, the_plan, args, target, advance, attach)


async def _record(
    spec: Spec,
    the_plan: Plan,
    args: argparse.Namespace,
    target: TargetOptions,
    flow: FlowOptions,
    budget: Budget,
    advance: Progress,
) -> RunResult:
    from conformance.cassettes import CassetteError, PlanSettings, SecretLeak, Selection, Store
    from conformance.cli.run_cassettes import RecordOptions, record_run

    try:
        return await record_run(
            spec,
            top_specs_dir(args),
            the_plan,
            PlanSettings(opts.seed(args), opts.max_examples(args), not target.live),
            Store(args.record),
            target,
            RecordOptions(
                flow, budget, args.concurrency, args.include_retired, wants_thumbnails(args)
            ),
            advance,
            selection=Selection(tuple(args.model) or None, tuple(sorted(args.check)) or None),
        )
    except (CassetteError, SecretLeak, OSError) as exc:
        raise UsageError(f"cannot record into {args.record}: {exc}") from None


def _replay(spec: Spec, args: argparse.Namespace, console: Console) -> int:
    from conformance.cassettes import (
        CassetteError,
        Replaying,
        Store,
        load_manifests,
        replay_plan,
    )
    from conformance.cli.run_cassettes import print_stale, replay_run

    store = Store(args.replay)
    try:
        manifests = load_manifests(store, tuple(args.provider))
        for manifest in manifests.values():
            for flag, given, recorded in (
                ("--seed", args.seed, manifest.plan.seed),
                ("--max-examples", args.max_examples, manifest.plan.max_examples),
            ):
                if given is not None and given != recorded:
                    raise UsageError(
                        f"{store.root}/{manifest.provider} was recorded with {flag} {recorded}"
                    )
        the_plan = replay_plan(spec, manifests, tuple(args.model), tuple(args.check))
        gc.freeze()  # as in `run`: the plan outlives the run
        if not the_plan.cases:
            raise UsageError("the selection plans no cases")
        replaying = Replaying(store, spec, the_plan, manifests, checks_filtered=bool(args.check))
    except CassetteError as exc:
        raise UsageError(str(exc)) from None
    if args.dry_run:
        print_plan(console, the_plan, verbose=args.verbose)
        print_stale(console, replaying, store.root)
        return EXIT_FINDINGS if replaying.stale or replaying.orphaned else EXIT_OK
    try:
        with progress_bar(console, len(the_plan.cases)) as advance:
            result = run_sync(
                replay_run(
                    replaying,
                    concurrency=args.concurrency,
                    block_network=args.block_network,
                    progress=advance,
                    thumbnails=wants_thumbnails(args),
                )
            )
    except CassetteError as exc:  # a damaged cassette file, met when vcrpy loads it
        raise UsageError(str(exc)) from None
    with collector.paused():  # from here on only report data is built
        print_summary(console, result, replaying.base_urls(), tolerate_errors=args.tolerate_errors)
        print_stale(console, replaying, store.root)
        write_reports(args, result, replaying.base_urls())
    green = result.gate(tolerate_errors=args.tolerate_errors)
    return EXIT_OK if green and not replaying.stale and not replaying.orphaned else EXIT_FINDINGS


def _console() -> Console:
    """The run's console. Where it writes no colour (a pipe, a file, NO_COLOR), rich's automatic
    highlighting only adds styles that are never written: it is off there (compiling and running
    its regexes over the summary and the plan listing cost a run ~3 ms); the text is the same."""
    width = None if sys.stdout.isatty() else 160
    console = Console(file=sys.stdout, soft_wrap=False, width=width)
    if console.color_system is None:
        console = Console(file=sys.stdout, soft_wrap=False, width=width, highlight=False)
    return console


def run(args: argparse.Namespace) -> int:
    spec = load_or_report(args)
    if spec is None:
        return EXIT_USAGE
    spec = opts.apply_path_params(spec, args)
    target = opts.target_options(spec, args)
    console = _console()
    shard_option(args)  # usage errors before anything runs
    check_jobs(args)
    if args.replay is not None:
        return _replay(spec, args, console)
    options = PlanOptions(
        providers=tuple(args.provider),
        models=tuple(args.model),
        checks=plan_checks(args),
        max_examples=opts.max_examples(args),
        seed=opts.seed(args),
        triggers=not target.live or args.upstream is not None,
    )
    jobs = job_count(spec, options, args)
    if jobs > 1:
        with (
            run_jobs(spec, options, args, target, console, jobs) as (result, spools),
            collector.paused(),
        ):
            _finish(spec, args, target, console, result, None, spools=spools)
        return EXIT_OK if result.gate(tolerate_errors=args.tolerate_errors) else EXIT_FINDINGS
    the_plan = plan(spec, options)
    shard = sharded(args, the_plan)
    if shard is not None:
        the_plan = shard.plan
    the_plan, marks = prepare(spec, the_plan, args)
    # The spec and the plan live until exit: out of the collector's sight, full collections stop
    # walking them again and again as results pile up (6.3 s of GC at 64x the providers).
    gc.freeze()
    if args.dry_run:
        print_plan(console, the_plan, verbose=args.verbose)
        return EXIT_OK
    if not the_plan.cases:
        raise UsageError("the selection plans no cases")
    if args.block_network:
        from conformance.cassettes import blocked

        with blocked():
            result = run_sync(_execute(spec, the_plan, args, target, console, marks))
    else:
        result = run_sync(_execute(spec, the_plan, args, target, console, marks))
    with collector.paused():  # from here on only report data is built
        _finish(spec, args, target, console, result, shard)
    return EXIT_OK if result.gate(tolerate_errors=args.tolerate_errors) else EXIT_FINDINGS


def _finish(
    spec: Spec,
    args: argparse.Namespace,
    target: TargetOptions,
    console: Console,
    result: RunResult,
    shard: ShardPlan | None,
    spools: Sequence[Path] = (),
) -> None:
    """The summary, the hints and the report files of a finished run (`spools`: where a
    `--jobs` run's workers encoded the JSON report's entries).

    The files are written in a thread while the summary prints: a streamed JSON report is
    mostly copying (at 64x the providers 620 MB, ~1 s of reads and writes that release the
    GIL) and the summary mostly rendering (~1 s), one after the other in the run's tail before.
    A file that cannot be written still ends the run with its usage error, after the summary,
    as it did; both only read the finished result."""
    with ThreadPoolExecutor(1, thread_name_prefix="conformance-reports") as writer:
        written = writer.submit(
            write_reports, args, result, opts.base_urls(spec, target), shard, spools=spools
        )
        print_summary(
            console, result, opts.base_urls(spec, target), tolerate_errors=args.tolerate_errors
        )
        if not target.live and result.failed:
            console.print(
                "(reproduce against `conformance serve` with the same --fault, the key "
                "variable set to test-key and the URL's host replaced by the server's)"
            )
        if args.record is not None:
            console.print(
                f"recorded into {args.record} (replay: conformance run --replay {args.record})"
            )
        written.result()
