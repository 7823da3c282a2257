"""Recording a run: every HTTP exchange into the cassettes, and a manifest per provider.

`--record DIR` records the selected cases afresh: their old interactions go, and so do those of
cases the spec no longer plans; cases outside the selection (another `--model`, another
`--check`) keep what they had, so re-recording after a spec change can be as narrow as the
change. A directory's recordings of one provider must all come from one plan and one target:
recording part of a provider with another seed, target or fault set is refused (record the
whole provider, or use another directory).
"""

from __future__ import annotations

import datetime
from collections import Counter, defaultdict
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from conformance import __version__
from conformance.cassettes.manifest import (
    CassetteError,
    Manifest,
    PlanSettings,
    RecordedCase,
    RecordedError,
    RunSettings,
    Selection,
    case_fingerprint,
    cassette_name,
)
from conformance.cassettes.scrub import MIN_SWEPT_SECRET, Secrets, secret_values
from conformance.cassettes.session import CassetteSession
from conformance.cassettes.store import DirectoryPersister, Store, write_atomic
from conformance.cassettes.tagging import POLL, request_fingerprint
from conformance.exchange import Exchange
from conformance.plan.case import Case, Request
from conformance.plan.planner import Plan
from conformance.spec.model import Spec


@dataclass(frozen=True)
class RecordTarget:
    """What is being recorded, as the manifests will say."""

    label: str
    description: str
    base_urls: Mapping[str, str]
    key_envs: Mapping[str, str]
    faults: tuple[str, ...] = ()


class Recording(CassetteSession):
    """Record `plan` (a selection of `full`, the provider's whole plan) into `store`."""

    record_mode = "all"

    def __init__(
        self,
        store: Store,
        spec: Spec,
        plan: Plan,
        full: Plan,
        *,
        target: RecordTarget,
        plan_settings: PlanSettings,
        run_settings: RunSettings,
        secrets: Mapping[str, Secrets],
        spec_sha256: str,
        selection: Selection | None = None,
        new_episodes: bool = False,
    ) -> None:
        super().__init__(store, spec, plan.cases, secrets)
        self.target = target
        self.plan_settings = plan_settings
        self.run_settings = run_settings
        self.spec_sha256 = spec_sha256
        self.new_episodes = new_episodes
        self.selection = selection or Selection()
        if new_episodes:
            self.record_mode = "new_episodes"
        self._full: dict[str, set[str]] = defaultdict(set)
        for case in full.cases:
            self._full[case.provider.id].add(case.id)
        self._planned = {case.id for case in full.cases}
        self._providers = sorted({c.provider.id for c in plan.cases})
        self.polls: Counter[str] = Counter()
        self.errors: dict[str, list[RecordedError]] = defaultdict(list)

    # -- before: is this directory compatible with what we record? -------------------------

    def _header(self, provider: str) -> dict[str, Any]:
        return {
            "label": self.target.label,
            "base_url": self.target.base_urls[provider],
            "faults": tuple(self.target.faults),
            "plan": self.plan_settings,
            "live": self.run_settings.live,
        }

    def _covers(self, provider: str) -> bool:
        return self._full[provider] <= set(self.index.by_id)

    def check(self) -> None:
        """Raise CassetteError when a partial recording would mix plans or targets."""
        for provider in self._providers:
            old = self.store.manifest(provider)
            if old is None or self._covers(provider):
                continue
            before = {
                "label": old.label,
                "base_url": old.base_url,
                "faults": old.faults,
                "plan": old.plan,
                "live": old.run.live,
            }
            now = self._header(provider)
            changed = [name for name in now if before[name] != now[name]]
            if changed:
                raise CassetteError(
                    f"{self.store.manifest_path(provider)} was recorded with another "
                    f"{', '.join(changed)}; record all of {provider} (no --model/--check) to "
                    "replace it, or record into another directory"
                )

    # -- during: what vcrpy cannot see ------------------------------------------------------

    def case_for(self, request: Request) -> Case | None:
        case = super().case_for(request)
        if case is not None and case.provider.id in self.secrets:
            for value in secret_values(case.operation, request.body, request.query):
                if len(value) >= MIN_SWEPT_SECRET:
                    self.secrets[case.provider.id].add("SECRET_FIELD", value)
                    self.everything.add("SECRET_FIELD", value)
        return case

    def observe(
        self, case: Case | None, role: str, request: Request, exchange: Exchange
    ) -> Exchange:
        if case is None:
            return exchange
        if role == POLL:
            self.polls[case.id] += 1
        if exchange.response is None:
            retries = tuple((r.status, r.wait, r.retry_after) for r in exchange.retries)
            self.errors[case.id].append(
                RecordedError(
                    role,
                    request_fingerprint(case, role, request),
                    exchange.error or "",
                    retries,
                )
            )
        return exchange

    def _keep(self, case_id: str) -> bool:
        """Whether a case's recording already on disk survives: not re-recorded now, and
        still planned (case ids start with their provider's id, so one set holds them all)."""
        return case_id not in self.index and case_id in self._planned

    def persister(self) -> DirectoryPersister:
        if self.new_episodes:
            return DirectoryPersister(self.store, self.models(), self.locate, self.everything)
        return DirectoryPersister(
            self.store,
            self.models(),
            self.locate,
            self.everything,
            load=False,
            merge=True,
            keep=self._keep,
        )

    # -- after: the manifests ---------------------------------------------------------------

    def write_manifests(self, skipped: Mapping[str, str]) -> list[Path]:
        """One manifest per recorded provider; `skipped`: case id -> why it was not sent."""
        written = []
        today = datetime.date.today().isoformat()
        for provider in self._providers:
            old = self.store.manifest(provider)
            kept: dict[str, RecordedCase] = {}
            if old is not None and not self._covers(provider):
                kept = {cid: rc for cid, rc in old.cases.items() if self._keep(cid)}
            if self.new_episodes and old is not None:
                kept = {cid: rc for cid, rc in old.cases.items() if cid not in self.index}
            selection = self._selection_of(provider)
            if old is not None and (kept or self.new_episodes):
                selection = selection.union(old.selection)
            cases = dict(kept)
            for case in self.index.by_id.values():
                if case.provider.id == provider:
                    cases[case.id] = self._recorded(case, skipped.get(case.id))
            models = {
                rc.model: cassette_name(rc.model)
                for rc in cases.values()
                if self.store.cassette_path(provider, rc.model).is_file()
            }
            manifest = Manifest(
                provider=provider,
                label=self.target.label,
                target=self.target.description,
                base_url=self.target.base_urls[provider],
                key_env=self.target.key_envs[provider],
                recorded_at=today,
                spec_sha256=self.spec_sha256,
                conformance_version=__version__,
                plan=self.plan_settings,
                run=self.run_settings,
                selection=selection,
                faults=self.target.faults,
                models=models,
                cases=cases,
            )
            data = manifest.encode()
            path = self.store.manifest_path(provider)
            self.everything.assert_clean(data, str(path))
            write_atomic(path, data)
            written.append(path)
            self._prune(provider, set(models.values()))
        return written

    def _selection_of(self, provider: str) -> Selection:
        """This run's selection as it concerns one provider."""
        models = self.selection.models
        if models is not None:
            own = {c.model.id for c in self.index.by_id.values() if c.provider.id == provider}
            models = tuple(sorted(own))
        return Selection(models, self.selection.checks)

    def _recorded(self, case: Case, skipped: str | None) -> RecordedCase:
        request = case.request
        return RecordedCase(
            fingerprint=case_fingerprint(case),
            model=case.model.id,
            operation=case.operation.name,
            request=f"{request.method} {request.url or request.path}",
            skipped=skipped,
            polls=self.polls[case.id],
            errors=tuple(self.errors.get(case.id, ())),
        )

    def _prune(self, provider: str, files: set[str]) -> None:
        """Remove cassettes of models the provider's plan no longer has (whole-provider runs)."""
        if not self._covers(provider):
            return
        for path in (self.store.root / provider).glob("*.yaml"):
            if path.name not in files:
                path.unlink()
