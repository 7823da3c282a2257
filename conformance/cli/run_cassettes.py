"""`conformance run --record DIR` and `--replay DIR`: the runner, with cassettes around it.

The cassette layer knows HTTP and recordings; the runner knows how a plan is sent and judged.
This module puts them together for the command line and the pytest plugin: a recording is a
normal run whose HTTP exchanges vcrpy writes down, a replay is a normal run of the recorded plan
whose transports answer from the cassettes. Cases recorded as skipped (budget, lifecycle) are
skipped again with the same reason, so the replay reports what the recorded run reported.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from pathlib import Path

from rich.console import Console

from conformance.cassettes import (
    REFERENCE_LABEL,
    Manifest,
    PlanSettings,
    Recording,
    RecordTarget,
    Replaying,
    RunSettings,
    Secrets,
    Selection,
    Stale,
    Store,
    needs_rerecording,
    spec_digest,
)
from conformance.plan.planner import Plan, PlanOptions, plan
from conformance.runner import Budget, RunResult, TargetOptions, open_transports, run_plan
from conformance.runner.engine import Progress, skipped
from conformance.runner.targets import RELAY_KEY, static_headers
from conformance.spec.model import Spec
from conformance.transport.asgi import RELAY_ORIGIN
from conformance.transport.flow import FlowOptions
from conformance.transport.live import read_key


@dataclass(frozen=True)
class RecordOptions:
    """How the recorded run is sent (the plan options are in `PlanSettings`)."""

    flow: FlowOptions
    budget: Budget
    concurrency: int = 8
    include_retired: bool = False
    thumbnails: bool = False


def record_target(spec: Spec, providers: list[str], target: TargetOptions) -> RecordTarget:
    """What the manifests will say the recording was made against."""
    key_envs = {
        pid: target.api_key_env or (p.auth.key_env if (p := spec.provider(pid)) else "API_KEY")
        for pid in providers
    }
    if target.base_url is not None:
        base = target.base_url.rstrip("/")
        return RecordTarget(
            f"recording against {base}", target.describe(), dict.fromkeys(providers, base), key_envs
        )
    faults = tuple(sorted(target.faults))
    label = (
        REFERENCE_LABEL
        if not faults
        else f"recording against the built-in relay ({', '.join(faults)})"
    )
    return RecordTarget(
        label,
        target.describe(),
        {pid: f"{RELAY_ORIGIN}/{pid}" for pid in providers},
        key_envs,
        faults,
    )


def secrets_for(spec: Spec, target: TargetOptions, recorded: RecordTarget) -> dict[str, Secrets]:
    """The key each provider's recording uses, and the values of its secret static headers, to
    be scrubbed wherever they show up."""
    out: dict[str, Secrets] = {}
    for pid, env in recorded.key_envs.items():
        secrets = Secrets()
        secrets.add(env, read_key(env) if target.live else RELAY_KEY)
        for header in static_headers(spec, pid, target):
            for name, value in header.secrets:
                secrets.add(name, value)
        out[pid] = secrets
    return out


def skipped_reasons(result: RunResult) -> dict[str, str]:
    return {
        r.case.id: r.findings[0].message
        for r in result.results
        if r.exchange is None and r.findings and r.findings[0].outcome == "skipped"
    }


async def record_run(
    spec: Spec,
    specs_root: Path,
    the_plan: Plan,
    settings: PlanSettings,
    store: Store,
    target: TargetOptions,
    options: RecordOptions,
    progress: Progress | None = None,
    *,
    selection: Selection | None = None,
    new_episodes: bool = False,
) -> RunResult:
    """Run `the_plan` against `target`, recording every HTTP exchange into `store`.

    `selection`: the --model / --check filters the plan was made with (None: all).
    """
    providers = sorted({c.provider.id for c in the_plan.cases})
    full = plan(
        spec,
        PlanOptions(
            providers=tuple(providers),
            max_examples=settings.max_examples,
            seed=settings.seed,
            triggers=settings.triggers,
        ),
    )
    recorded = record_target(spec, providers, target)
    recording = Recording(
        store,
        spec,
        the_plan,
        full,
        target=recorded,
        plan_settings=settings,
        run_settings=RunSettings(
            live=target.live,
            include_retired=options.include_retired,
            timeout=target.timeout,
            retries=target.retries,
            job_timeout=options.flow.job_timeout,
            poll_interval=options.flow.poll_interval,
        ),
        secrets=secrets_for(spec, target, recorded),
        spec_sha256=spec_digest(specs_root),
        selection=selection,
        new_episodes=new_episodes,
    )
    recording.check()
    async with open_transports(spec, providers, target) as transports:
        with recording.cassette():
            result = await run_plan(
                the_plan,
                recording.wrap(transports),
                flow=options.flow,
                budget=options.budget,
                concurrency=options.concurrency,
                live=target.live,
                include_retired=options.include_retired,
                target=f"{target.describe()}, recorded into {store.root}",
                progress=progress,
                thumbnails=options.thumbnails,
            )
    recording.write_manifests(skipped_reasons(result))
    return result


async def replay_run(
    replaying: Replaying,
    *,
    concurrency: int = 8,
    block_network: bool = False,
    progress: Progress | None = None,
    thumbnails: bool = False,
) -> RunResult:
    """The recorded plan, answered from the cassettes; skipped cases skipped again."""
    started = time.monotonic()
    the_plan = replaying.plan
    cut = {
        c.id: skipped(c, replaying.skipped[c.id])
        for c in the_plan.cases
        if c.id in replaying.skipped
    }
    for result in cut.values():
        if progress is not None:
            progress(result)
    to_send = Plan(tuple(replaying.to_send()), the_plan.coverage)
    async with replaying.transports(block_network=block_network) as transports:
        sent = await run_plan(
            to_send,
            transports,
            flow=replaying.flow(),
            concurrency=concurrency,
            target=replaying.describe(),
            progress=progress,
            thumbnails=thumbnails,
        )
    by_id = {r.case.id: r for r in sent.results}
    ordered = tuple(by_id.get(c.id) or cut[c.id] for c in the_plan.cases)
    return RunResult(the_plan, ordered, replaying.describe(), time.monotonic() - started)


def print_stale(console: Console, replaying: Replaying, root: Path) -> None:
    """Which cases need re-recording, why, and the commands that do it."""
    stale: list[Stale] = replaying.stale
    if replaying.missing_providers:
        console.print(
            f"\ncassettes: no recording of {', '.join(replaying.missing_providers)} in {root}",
            markup=False,
            highlight=False,
            soft_wrap=True,
        )
    for provider in replaying.orphaned:
        console.print(
            f"\ncassettes: {root}/{provider} has cassettes but no manifest: nothing of "
            f"{provider} can replay; re-record with:\n  conformance run --record {root} "
            f"--provider {provider}",
            markup=False,
            highlight=False,
            soft_wrap=True,
        )
    if replaying.obsolete:
        console.print(
            f"\ncassettes: {len(replaying.obsolete)} recorded case(s) are no longer planned "
            "(the next --record of their model drops them)"
        )
    if not stale:
        return
    digests = sorted({m.spec_sha256[:12] for m in replaying.manifests.values()})
    console.print(
        f"\n[bold]cassettes:[/] {len(stale)} case(s) need re-recording "
        f"(recorded against specs {', '.join(digests)}):"
    )
    for item in stale:
        console.print(
            f"  {item.case.id}: {item.reason}", markup=False, highlight=False, soft_wrap=True
        )
        if item.closest is not None:
            console.print(
                f"    closest recorded: {item.closest}",
                markup=False,
                highlight=False,
                soft_wrap=True,
            )
        for line in item.differences[:6]:
            console.print(f"    {line}", markup=False, highlight=False, soft_wrap=True)
    console.print("re-record with:")
    for provider, model in sorted(needs_rerecording(stale)):
        manifest = replaying.manifests.get(provider)
        console.print(
            "  " + rerecord_command(root, provider, model, manifest),
            markup=False,
            highlight=False,
            soft_wrap=True,
        )


def rerecord_command(root: Path, provider: str, model: str, manifest: Manifest | None) -> str:
    """The `conformance run --record` line that re-records one model as it was recorded."""
    parts = ["conformance run --record", str(root), "--provider", provider, "--model", model]
    if manifest is not None:
        if manifest.run.live:
            parts += ["--base-url", manifest.base_url]
        parts += [arg for fault in manifest.faults for arg in ("--fault", fault)]
        if manifest.plan.seed != PlanSettings.seed:
            parts += ["--seed", str(manifest.plan.seed)]
        if manifest.plan.max_examples != PlanSettings.max_examples:
            parts += ["--max-examples", str(manifest.plan.max_examples)]
    return " ".join(parts)
