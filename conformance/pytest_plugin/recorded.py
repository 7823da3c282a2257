"""The pytest plugin with cassettes: pytest-recording's `--record-mode` and `--block-network`.

Recordings must match request for request, so in cassette mode items do not draw fresh
hypothesis examples: the provider's planned cases (the same plan `conformance run` records, with
its seeded exploration) run once per session, recorded or replayed, and each item judges the
findings of its own check family. The modes are pytest-recording's:

- `none`: replay from the cassettes, no network (`--block-network` makes sure of it);
- `once`: replay a provider that has a recording, record one that has none;
- `new_episodes`: replay what is recorded, record what is new;
- `all` / `rewrite`: record afresh (`rewrite` first removes the provider's recording).

Recording writes files, so it runs in one process: not under `-n` (pytest-xdist).
"""

from __future__ import annotations

import shutil
from dataclasses import dataclass
from pathlib import Path

import pytest

from conformance.cassettes import (
    CassetteError,
    PlanSettings,
    Replaying,
    Selection,
    Stale,
    Store,
    load_manifests,
    replay_plan,
)
from conformance.cli.run_cassettes import RecordOptions, record_run, replay_run
from conformance.plan.planner import PlanOptions, plan
from conformance.runner import Budget, TargetOptions
from conformance.runner.blocking import run_sync
from conformance.runner.results import CaseResult
from conformance.spec.model import Spec
from conformance.transport.flow import FlowOptions

WRITING = ("once", "new_episodes", "all", "rewrite")


def cassette_dir(config: pytest.Config) -> Path:
    given = config.getoption("conformance_cassettes")
    return Path(given) if given else Path(str(config.rootpath)) / "cassettes"


@dataclass(frozen=True)
class Recorded:
    """One provider's run from cassettes: each case's result, and what was not recorded."""

    results: dict[str, CaseResult]
    stale: dict[str, Stale]
    where: str


def _replay(config: pytest.Config, spec: Spec, store: Store, provider: str) -> Recorded:
    manifests = load_manifests(store, (provider,))
    models = tuple(config.getoption("conformance_model"))
    the_plan = replay_plan(spec, manifests, models)
    replaying = Replaying(store, spec, the_plan, manifests)
    block = bool(config.getoption("block_network", default=False))
    if block:
        from pytest_recording.network import blocking_context

        with blocking_context(allowed_hosts=None):
            result = run_sync(replay_run(replaying, block_network=True))
    else:
        result = run_sync(replay_run(replaying))
    stale = {s.case.id: s for s in replaying.stale}
    return Recorded({r.case.id: r for r in result.results}, stale, replaying.describe())


def _record(
    config: pytest.Config, spec: Spec, store: Store, provider: str, mode: str, specs_root: Path
) -> Recorded:
    if hasattr(config, "workerinput"):
        raise pytest.UsageError(
            f"--record-mode={mode} writes cassettes: run it without -n (pytest-xdist)"
        )
    if mode == "rewrite":
        shutil.rmtree(store.root / provider, ignore_errors=True)
    base_url = config.getoption("conformance_base_url")
    target = TargetOptions(
        base_url=base_url,
        api_key_env=config.getoption("conformance_api_key_env"),
        faults=frozenset(config.getoption("conformance_fault")),
    )
    models = tuple(config.getoption("conformance_model"))
    settings = PlanSettings(triggers=base_url is None)
    the_plan = plan(
        spec,
        PlanOptions(
            providers=(provider,),
            models=models,
            max_examples=settings.max_examples,
            seed=settings.seed,
            triggers=settings.triggers,
        ),
    )
    flow = FlowOptions(
        poll_interval=2.0 if base_url else 0.02, job_timeout=600.0 if base_url else 5.0
    )
    result = run_sync(
        record_run(
            spec,
            specs_root,
            the_plan,
            settings,
            store,
            target,
            RecordOptions(flow, Budget()),
            selection=Selection(models or None, None),
            new_episodes=mode == "new_episodes",
        )
    )
    return Recorded({r.case.id: r for r in result.results}, {}, f"recorded into {store.root}")


def provider_run(
    config: pytest.Config, spec: Spec, provider: str, mode: str, specs_root: Path
) -> Recorded | CassetteError:
    """The provider's cases from cassettes, run once per session (per xdist worker); or why
    the cassettes cannot be used (each of the provider's items reports it)."""
    cache: dict[str, Recorded | CassetteError] = config.__dict__.setdefault(
        "_conformance_recorded", {}
    )
    if provider not in cache:
        store = Store(cassette_dir(config))
        try:
            if mode == "none" or (mode == "once" and store.manifest(provider) is not None):
                cache[provider] = _replay(config, spec, store, provider)
            else:
                cache[provider] = _record(config, spec, store, provider, mode, specs_root)
        except CassetteError as exc:
            cache[provider] = exc
    return cache[provider]
