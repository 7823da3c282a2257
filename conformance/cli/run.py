"""`conformance run`: plan cases from the specs, send them, judge every answer, report.

The default target is the built-in reference relay, in-process and offline; `--base-url URL
--provider P` targets a live service with the key read from an environment variable.
`--record DIR` writes every HTTP exchange of the run into cassettes (keys scrubbed, images
slimmed); `--replay DIR` runs the recorded plan again from them, with no network. Exit 0 when
no check failed, 1 when any did (or a replay found cases that need re-recording), 2 for usage,
spec or cassette errors.
"""

from __future__ import annotations

import argparse
import asyncio
import sys
from pathlib import Path
from typing import Any

from rich.console import Console

from conformance.cassettes import (
    CassetteError,
    PlanSettings,
    Replaying,
    SecretLeak,
    Selection,
    Store,
    blocked,
    load_manifests,
    replay_plan,
)
from conformance.checks import REGISTRY
from conformance.cli.common import (
    EXIT_FINDINGS,
    EXIT_OK,
    EXIT_USAGE,
    UsageError,
    default_specs_dir,
    load_or_report,
)
from conformance.cli.run_cassettes import RecordOptions, print_stale, record_run, replay_run
from conformance.plan.planner import Plan, PlanOptions, plan
from conformance.report import write_json, write_junit, write_markdown
from conformance.report.terminal import print_plan, print_summary, progress_bar
from conformance.runner import Budget, RunResult, TargetOptions, open_transports, run_plan
from conformance.runner.engine import Progress
from conformance.spec.model import Spec
from conformance.transport.asgi import RELAY_ORIGIN
from conformance.transport.flow import FlowOptions
from conformance.transport.live import MissingKey

RELAY_POLL_INTERVAL = 0.02
RELAY_JOB_TIMEOUT = 5.0


def register(sub: Any) -> None:
    p = sub.add_parser(
        "run",
        help="run the conformance suite (default: against the built-in reference relay)",
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    sel = p.add_argument_group("selection")
    sel.add_argument(
        "--provider",
        action="append",
        default=[],
        metavar="P",
        help="only this provider (repeatable)",
    )
    sel.add_argument(
        "--model", action="append", default=[], metavar="M", help="only this model id (repeatable)"
    )
    sel.add_argument(
        "--check",
        action="append",
        default=[],
        metavar="NAME",
        help=f"only this check (repeatable): {', '.join(sorted(REGISTRY))}",
    )
    sel.add_argument(
        "--include-retired",
        action="store_true",
        help="send cases for models the provider has retired (live targets skip "
        "them by default; the relay still serves them)",
    )
    plan_group = p.add_argument_group("plan")
    plan_group.add_argument(
        "--dry-run",
        action="store_true",
        help="print the plan (requests, images, cost) and send nothing",
    )
    plan_group.add_argument(
        "--max-examples",
        type=int,
        metavar="N",
        help="hypothesis examples per operation (default 3; a replay uses the recording's)",
    )
    plan_group.add_argument(
        "--seed", type=int, help="exploration seed (default 0; a replay uses the recording's)"
    )
    plan_group.add_argument(
        "--max-requests",
        type=int,
        metavar="N",
        help="send at most N planned requests; the rest are skipped",
    )
    plan_group.add_argument(
        "--max-images",
        type=int,
        metavar="N",
        help="ask for at most N images in all; the rest are skipped",
    )
    send = p.add_argument_group("sending")
    send.add_argument("--base-url", metavar="URL", help="a live service (needs one --provider)")
    send.add_argument(
        "--api-key-env",
        metavar="VAR",
        help="environment variable holding the key (default: the provider's, "
        "e.g. ROUTESCOPE_API_KEY)",
    )
    send.add_argument(
        "--concurrency", type=int, default=8, metavar="N", help="cases in flight (default 8)"
    )
    send.add_argument(
        "--timeout",
        type=float,
        default=180.0,
        metavar="S",
        help="per-request timeout in seconds (default 180: 4K images are slow)",
    )
    send.add_argument(
        "--job-timeout",
        type=float,
        metavar="S",
        help="how long to poll an async job (default 600 live, 5 relay)",
    )
    send.add_argument(
        "--poll-interval",
        type=float,
        metavar="S",
        help="seconds between job polls (default 2 live, 0.02 relay)",
    )
    send.add_argument(
        "--retries",
        type=int,
        default=3,
        metavar="N",
        help="retries on 429/503, honouring Retry-After (default 3)",
    )
    send.add_argument("--rate", type=float, metavar="R", help="at most R requests per second")
    send.add_argument(
        "--fault",
        action="append",
        default=[],
        metavar="F",
        help="relay only: inject a named fault (repeatable)",
    )
    send.add_argument("--latency", metavar="S[-S]", help="relay only: answer latency")
    tape = p.add_argument_group("cassettes")
    tape.add_argument(
        "--record",
        type=Path,
        metavar="DIR",
        help="record every HTTP exchange into DIR (keys scrubbed, images slimmed)",
    )
    tape.add_argument(
        "--replay",
        type=Path,
        metavar="DIR",
        help="replay the recording in DIR: same plan, same checks, no network",
    )
    tape.add_argument(
        "--block-network",
        action="store_true",
        help="fail any attempt to open a network connection (CI replays)",
    )
    out = p.add_argument_group("reports")
    out.add_argument("--json", type=Path, metavar="FILE", help="every case and finding")
    out.add_argument("--junit", type=Path, metavar="FILE", help="JUnit XML")
    out.add_argument(
        "--markdown",
        type=Path,
        metavar="FILE",
        help="provider x model x check matrix (CI job summary)",
    )
    out.add_argument("--verbose", "-v", action="store_true", help="list every planned case")
    p.set_defaults(func=run)


def _positive(name: str, value: float | None) -> None:
    if value is not None and value <= 0:
        raise UsageError(f"{name} must be positive, not {value:g}")


def _validate(spec: Spec, args: argparse.Namespace) -> TargetOptions:
    known = {p.id: p for p in spec.providers}
    for pid in args.provider:
        if pid not in known:
            raise UsageError(f"unknown provider {pid!r}; known providers: {', '.join(known)}")
    models = {
        m.id for p in spec.providers for m in p.models if not args.provider or p.id in args.provider
    }
    for mid in args.model:
        if mid not in models:
            raise UsageError(f"unknown model {mid!r}; known models: {', '.join(sorted(models))}")
    for name in args.check:
        if name not in REGISTRY:
            raise UsageError(f"unknown check {name!r}; checks: {', '.join(sorted(REGISTRY))}")
    for name, value in (
        ("--concurrency", args.concurrency),
        ("--timeout", args.timeout),
        ("--rate", args.rate),
        ("--job-timeout", args.job_timeout),
        ("--poll-interval", args.poll_interval),
    ):
        _positive(name, value)
    for name, value in (
        ("--max-requests", args.max_requests),
        ("--max-images", args.max_images),
        ("--max-examples", args.max_examples),
        ("--retries", args.retries),
    ):
        if value is not None and value < 0:
            raise UsageError(f"{name} must be >= 0, not {value}")
    latency = None
    _validate_cassettes(args)
    if args.base_url is not None:
        if len(args.provider) != 1:
            raise UsageError("--base-url needs exactly one --provider (whose API it serves)")
        if args.fault or args.latency:
            raise UsageError(
                "--fault and --latency configure the built-in relay; they cannot "
                "be used with --base-url"
            )
        if not args.base_url.startswith(("http://", "https://")):
            raise UsageError(f"--base-url must be an http(s) URL, not {args.base_url!r}")
    else:
        if args.api_key_env:
            raise UsageError("--api-key-env applies to --base-url targets only")
        from conformance.server.faults import FAULTS, parse_latency

        unknown = sorted(set(args.fault) - set(FAULTS))
        if unknown:
            raise UsageError(f"unknown fault(s) {', '.join(unknown)}; faults: {', '.join(FAULTS)}")
        if args.latency:
            try:
                latency = parse_latency(args.latency)
            except ValueError as exc:
                raise UsageError(str(exc)) from None
    return TargetOptions(
        base_url=args.base_url,
        api_key_env=args.api_key_env,
        faults=frozenset(args.fault),
        latency=latency,
        timeout=args.timeout,
        retries=args.retries,
        rate=args.rate,
        concurrency=args.concurrency,
    )


#: Options a replay takes from the recording: giving them is a mistake worth saying so.
_RECORDED = (
    ("--base-url", "base_url"),
    ("--api-key-env", "api_key_env"),
    ("--fault", "fault"),
    ("--latency", "latency"),
    ("--max-requests", "max_requests"),
    ("--max-images", "max_images"),
    ("--include-retired", "include_retired"),
)


def _validate_cassettes(args: argparse.Namespace) -> None:
    if args.record is not None and args.replay is not None:
        raise UsageError("--record and --replay exclude each other")
    if args.block_network and args.base_url is not None:
        raise UsageError("--block-network cannot reach a --base-url target")
    if args.replay is None:
        return
    given = [flag for flag, name in _RECORDED if getattr(args, name)]
    if given:
        raise UsageError(
            f"{', '.join(given)} cannot be used with --replay: the recording decides "
            "(target, faults, budget and lifecycle are replayed as recorded)"
        )


def _base_urls(spec: Spec, target: TargetOptions) -> dict[str, str]:
    if target.base_url:
        return {p.id: target.base_url.rstrip("/") for p in spec.providers}
    return {p.id: f"{RELAY_ORIGIN}/{p.id}" for p in spec.providers}


def _flow(args: argparse.Namespace, live: bool) -> FlowOptions:
    return FlowOptions(
        poll_interval=args.poll_interval or (2.0 if live else RELAY_POLL_INTERVAL),
        job_timeout=args.job_timeout or (600.0 if live else RELAY_JOB_TIMEOUT),
    )


async def _execute(
    spec: Spec, the_plan: Plan, args: argparse.Namespace, target: TargetOptions, console: Console
) -> RunResult:
    live = target.live
    flow = _flow(args, live)
    budget = Budget(args.max_requests, args.max_images)
    providers = sorted({c.provider.id for c in the_plan.cases})
    try:
        with progress_bar(console, len(the_plan.cases)) as advance:
            if args.record is not None:
                return await _record(spec, the_plan, args, target, flow, budget, advance)
            async with open_transports(spec, providers, target) as transports:
                return await run_plan(
                    the_plan,
                    transports,
                    flow=flow,
                    budget=budget,
                    concurrency=args.concurrency,
                    live=live,
                    include_retired=args.include_retired,
                    target=target.describe(),
                    progress=advance,
                )
    except MissingKey as exc:
        raise UsageError(str(exc)) from None


async def _record(
    spec: Spec,
    the_plan: Plan,
    args: argparse.Namespace,
    target: TargetOptions,
    flow: FlowOptions,
    budget: Budget,
    advance: Progress,
) -> RunResult:
    try:
        return await record_run(
            spec,
            Path(args.specs) if args.specs else default_specs_dir(),
            the_plan,
            PlanSettings(_seed(args), _examples(args), not target.live),
            Store(args.record),
            target,
            RecordOptions(flow, budget, args.concurrency, args.include_retired),
            advance,
            selection=Selection(tuple(args.model) or None, tuple(sorted(args.check)) or None),
        )
    except (CassetteError, SecretLeak, OSError) as exc:
        raise UsageError(f"cannot record into {args.record}: {exc}") from None


def _seed(args: argparse.Namespace) -> int:
    return 0 if args.seed is None else int(args.seed)


def _examples(args: argparse.Namespace) -> int:
    return 3 if args.max_examples is None else int(args.max_examples)


def _replay(spec: Spec, args: argparse.Namespace, console: Console) -> int:
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
        if not the_plan.cases:
            raise UsageError("the selection plans no cases")
        replaying = Replaying(store, spec, the_plan, manifests, checks_filtered=bool(args.check))
    except CassetteError as exc:
        raise UsageError(str(exc)) from None
    if args.dry_run:
        print_plan(console, the_plan, verbose=args.verbose)
        print_stale(console, replaying, store.root)
        return EXIT_FINDINGS if replaying.stale else EXIT_OK
    with progress_bar(console, len(the_plan.cases)) as advance:
        result = asyncio.run(
            replay_run(
                replaying,
                concurrency=args.concurrency,
                block_network=args.block_network,
                progress=advance,
            )
        )
    print_summary(console, result, replaying.base_urls())
    print_stale(console, replaying, store.root)
    _write_reports(args, result)
    return EXIT_FINDINGS if result.failed or replaying.stale else EXIT_OK


def _write_reports(args: argparse.Namespace, result: RunResult) -> None:
    for path, writer in (
        (args.json, write_json),
        (args.junit, write_junit),
        (args.markdown, write_markdown),
    ):
        if path is not None:
            try:
                writer(result, path)
            except OSError as exc:
                raise UsageError(f"cannot write {path}: {exc.strerror}") from None


def run(args: argparse.Namespace) -> int:
    spec = load_or_report(args)
    if spec is None:
        return EXIT_USAGE
    target = _validate(spec, args)
    console = Console(file=sys.stdout, soft_wrap=False, width=None if sys.stdout.isatty() else 160)
    if args.replay is not None:
        return _replay(spec, args, console)
    options = PlanOptions(
        providers=tuple(args.provider),
        models=tuple(args.model),
        checks=tuple(args.check),
        max_examples=_examples(args),
        seed=_seed(args),
        triggers=not target.live,
    )
    the_plan = plan(spec, options)
    if args.dry_run:
        print_plan(console, the_plan, verbose=args.verbose)
        return EXIT_OK
    if not the_plan.cases:
        raise UsageError("the selection plans no cases")
    if args.block_network:
        with blocked():
            result = asyncio.run(_execute(spec, the_plan, args, target, console))
    else:
        result = asyncio.run(_execute(spec, the_plan, args, target, console))
    print_summary(console, result, _base_urls(spec, target))
    if not target.live and result.failed:
        console.print(
            "(reproduce against `conformance serve` with the same --fault, the key "
            "variable set to test-key and the URL's host replaced by the server's)"
        )
    if args.record is not None:
        console.print(
            f"recorded into {args.record} (replay: conformance run --replay {args.record})"
        )
    _write_reports(args, result)
    return EXIT_FINDINGS if result.failed else EXIT_OK
