"""Replaying a recording: the same plan, answered from cassettes, with no network.

The plan is rebuilt from each provider's manifest (seed, examples, triggers), so the same spec
gives the same cases. Before anything runs, every planned case is compared with the manifest:
recorded and unchanged (replayed), recorded as skipped (skipped again, same reason), or stale —
a new case, or one whose request changed since the recording. A stale case still runs: vcrpy has
no answer for it, so it ends as an `error` whose message names the closest recorded request and
what differs; `Replaying.stale` lists them all for the re-recording hint.

The transports are the live ones' code (`HttpxTransport`: retries, redaction, job polling) over
an httpx `MockTransport` that refuses to send anything: vcrpy answers from the cassette first,
and whatever it cannot answer is an error, never a request.
"""

from __future__ import annotations

import math
import urllib.parse
from collections import defaultdict, deque
from collections.abc import AsyncIterator, Iterable, Sequence
from contextlib import AsyncExitStack, asynccontextmanager
from dataclasses import dataclass
from typing import Any

import httpx
from vcr.errors import CannotOverwriteExistingCassetteException
from vcr.serializers import yamlserializer

from conformance.cassettes.manifest import (
    CassetteError,
    Manifest,
    RecordedError,
    case_fingerprint,
)
from conformance.cassettes.matching import ROLE_HEADER, RequestKey, closest, diff, key_of
from conformance.cassettes.network import blocked
from conformance.cassettes.scrub import redact_slot, scrub_body
from conformance.cassettes.session import CassetteSession
from conformance.cassettes.store import Store, case_of
from conformance.cassettes.tagging import REQUEST, request_fingerprint
from conformance.exchange import Exchange, Retry
from conformance.plan.case import Case, Request
from conformance.plan.planner import Coverage, Plan, PlanOptions, plan
from conformance.spec.model import Spec
from conformance.transport.base import HttpxTransport, Transport
from conformance.transport.flow import FlowOptions
from conformance.transport.redaction import auth_parts

#: What the replay transports put in key slots (redacted before matching, like the real key).
REPLAY_KEY = "replayed-key"
SHOWN_DIFFERENCES = 6


class OfflineSend(httpx.ConnectError):
    """A replay tried to send a request for real (vcrpy had no answer and did not stop it)."""


def _offline(request: httpx.Request) -> httpx.Response:
    raise OfflineSend(f"a replay sends nothing: {request.method} {request.url}", request=request)


async def _no_sleep(seconds: float) -> None:
    return None


@dataclass(frozen=True)
class Stale:
    """A planned case the recording cannot answer, and why."""

    case: Case
    reason: str
    closest: str | None = None
    differences: tuple[str, ...] = ()

    def message(self) -> str:
        text = f"not recorded ({self.reason})"
        if self.closest is not None:
            text += f"; closest recorded request: {self.closest}"
            if self.differences:
                shown = "; ".join(self.differences[:SHOWN_DIFFERENCES])
                more = len(self.differences) - SHOWN_DIFFERENCES
                text += f"; differs: {shown}" + (f" (+{more} more)" if more > 0 else "")
            else:
                text += " (same request, recorded under that case id)"
        return text


def load_manifests(store: Store, providers: Sequence[str] = ()) -> dict[str, Manifest]:
    """The manifests to replay (`providers`: a selection; all recorded ones when empty)."""
    store.require()
    recorded = store.providers()
    missing = [p for p in providers if p not in recorded]
    if missing:
        raise CassetteError(
            f"no recording of {', '.join(missing)} in {store.root} "
            f"(recorded: {', '.join(recorded)})"
        )
    out: dict[str, Manifest] = {}
    for provider in providers or recorded:
        manifest = store.manifest(provider)
        if manifest is not None:
            out[provider] = manifest
    return out


def replay_plan(
    spec: Spec,
    manifests: dict[str, Manifest],
    models: Sequence[str] = (),
    checks: Sequence[str] = (),
) -> Plan:
    """Each provider's plan, rebuilt with the settings it was recorded with.

    Without `models` / `checks`, the recording's own selection applies: a recording of one
    model replays that model, and only new cases *within* it count as unrecorded.
    """
    cases: list[Case] = []
    coverage: list[Coverage] = []
    for provider, manifest in manifests.items():
        settings = manifest.plan
        recorded = manifest.selection
        part = plan(
            spec,
            PlanOptions(
                providers=(provider,),
                models=tuple(models) or recorded.models or (),
                checks=tuple(checks) or recorded.checks or (),
                max_examples=settings.max_examples,
                seed=settings.seed,
                triggers=settings.triggers,
            ),
        )
        cases.extend(part.cases)
        coverage.extend(part.coverage)
    return Plan(tuple(cases), tuple(coverage))


class Replaying(CassetteSession):
    """Replay `plan` from `store`; `manifests` from `load_manifests`."""

    record_mode = "none"

    def __init__(
        self,
        store: Store,
        spec: Spec,
        plan: Plan,
        manifests: dict[str, Manifest],
        *,
        checks_filtered: bool = False,
    ) -> None:
        """`checks_filtered`: the plan was narrowed by --check, so recorded cases missing from
        it are not evidence that the spec dropped them."""
        super().__init__(store, spec, plan.cases)
        self.plan = plan
        self.manifests = manifests
        self.skipped: dict[str, str] = {}
        self._errors: dict[str, deque[RecordedError]] = defaultdict(deque)
        self._recorded_docs: dict[str, list[tuple[str, dict[str, Any]]]] = {}
        self._cassettes: dict[tuple[str, str], bool] = {}
        stale = []
        for case in plan.cases:
            manifest = manifests.get(case.provider.id)
            recorded = manifest.cases.get(case.id) if manifest is not None else None
            if manifest is None:
                stale.append(Stale(case, f"no recording of {case.provider.id}"))
            elif recorded is None:
                stale.append(self._explain(case, manifest, "new case"))
            elif recorded.fingerprint != case_fingerprint(case):
                stale.append(self._explain(case, manifest, "request changed"))
            elif recorded.skipped is None and not self._has_cassette(case):
                path = store.cassette_path(case.provider.id, case.model.id)
                stale.append(Stale(case, f"its cassette {path} is missing"))
            elif recorded.skipped is not None:
                self.skipped[case.id] = recorded.skipped
            else:
                self._errors[case.id].extend(recorded.errors)
        self.stale = stale
        self._stale_by_id = {s.case.id: s for s in stale}
        #: Providers the spec has and the recording has not (only noted: a recording of one
        #: provider is a whole recording).
        self.missing_providers = sorted({p.id for p in spec.providers} - set(store.providers()))
        #: Providers whose cassettes are there but whose manifest is not: a failure of the
        #: replay (their cases cannot be planned), never silently dropped.
        self.orphaned = [p for p in store.orphans() if p not in manifests]
        planned = {c.id for c in plan.cases}
        self.obsolete = sorted(
            cid
            for provider, manifest in manifests.items()
            for cid, recorded in manifest.cases.items()
            if not checks_filtered
            and cid not in planned
            and self._in_selection(plan, provider, recorded.model)
        )

    def _has_cassette(self, case: Case) -> bool:
        key = (case.provider.id, case.model.id)
        if key not in self._cassettes:
            self._cassettes[key] = self.store.cassette_path(*key).is_file()
        return self._cassettes[key]

    @staticmethod
    def _in_selection(plan: Plan, provider: str, model: str) -> bool:
        return any(c.provider.id == provider and c.model.id == model for c in plan.cases)

    def before_record_response(self, response: dict[str, Any]) -> dict[str, Any]:
        return response  # vcrpy runs it on every loaded answer; a replay records nothing

    # -- what differs -----------------------------------------------------------------------

    def _planned_document(self, case: Case, base_url: str) -> dict[str, Any]:
        request = case.request
        headers, params = auth_parts(request, REPLAY_KEY)
        url = request.url or base_url.rstrip("/") + request.path
        parts = urllib.parse.urlsplit(url)
        port = parts.port or (443 if parts.scheme == "https" else 80)
        query = [
            (k, redact_slot(str(v)) if k in self.slots.key_query else str(v))
            for k, v in [*request.query, *params.items()]
        ]
        auth = [
            (name.lower(), redact_slot(value))
            for name, value in headers.items()
            if name.lower() in self.slots.key_headers
        ]
        key = RequestKey(
            request.method.upper(),
            f"{parts.scheme}://{parts.hostname}:{port}{parts.path}",
            tuple(sorted(query)),
            scrub_body(case.operation, request.body),
            tuple(sorted(auth)),
            case.id,
            REQUEST,
        )
        return key.document()

    def _recorded(self, manifest: Manifest) -> list[tuple[str, dict[str, Any]]]:
        """(case id, document) of every recorded case request of a provider."""
        cached = self._recorded_docs.get(manifest.provider)
        if cached is not None:
            return cached
        docs: list[tuple[str, dict[str, Any]]] = []
        auth = self.slots.key_headers | self.slots.secret_headers
        for model in sorted(manifest.models):
            requests, _ = self.store.read(manifest.provider, model, yamlserializer)
            for request in requests:
                if request.headers.get(ROLE_HEADER) == REQUEST:
                    docs.append((case_of(request), key_of(request, auth).document()))
        self._recorded_docs[manifest.provider] = docs
        return docs

    def _explain(self, case: Case, manifest: Manifest, reason: str) -> Stale:
        wanted = self._planned_document(case, manifest.base_url)
        recorded = self._recorded(manifest)
        if reason == "request changed":
            same = [doc for cid, doc in recorded if cid == case.id]
            if same:
                return Stale(case, reason, case.id, tuple(diff(same[0], wanted)))
        found = closest(wanted, recorded)
        if found is None:
            return Stale(case, reason)
        return Stale(case, reason, found[0], tuple(found[1]))

    # -- the run ----------------------------------------------------------------------------

    def to_send(self) -> list[Case]:
        """The planned cases to replay (cases recorded as skipped are skipped again)."""
        return [c for c in self.plan.cases if c.id not in self.skipped]

    def poll_limit(self, case: Case) -> int | None:
        manifest = self.manifests.get(case.provider.id)
        recorded = manifest.cases.get(case.id) if manifest is not None else None
        return recorded.polls if recorded is not None and recorded.polls else None

    def flow(self) -> FlowOptions:
        """Polls stop where the recording stopped; no waiting between them."""
        return FlowOptions(poll_interval=0.0, job_timeout=math.inf, poll_limit=self.poll_limit)

    def base_urls(self) -> dict[str, str]:
        return {p: m.base_url for p, m in self.manifests.items()}

    def describe(self) -> str:
        labels = sorted({m.label for m in self.manifests.values()})
        return f"replay of {self.store.root} ({'; '.join(labels)})"

    def unrecorded(
        self,
        case: Case | None,
        role: str,
        request: Request,
        url: str,
        error: CannotOverwriteExistingCassetteException,
    ) -> Exchange:
        stale = self._stale_by_id.get(case.id) if case is not None else None
        if stale is not None and role == REQUEST:
            return Exchange(request, url, None, stale.message())
        return super().unrecorded(case, role, request, url, error)

    def observe(
        self, case: Case | None, role: str, request: Request, exchange: Exchange
    ) -> Exchange:
        """A transport error the live run met is met again, with the same message."""
        if exchange.response is not None or case is None or not self._errors.get(case.id):
            return exchange
        pending = self._errors[case.id]
        wanted = request_fingerprint(case, role, request)
        for recorded in list(pending):
            if recorded.role == role and recorded.fingerprint == wanted:
                pending.remove(recorded)
                retries = tuple(Retry(s, w, r) for s, w, r in recorded.retries)
                return Exchange(request, exchange.url, None, recorded.error, retries)
        return exchange

    def _transports(self, client: httpx.AsyncClient) -> dict[str, Transport]:
        out: dict[str, Transport] = {}
        for provider, manifest in self.manifests.items():
            out[provider] = HttpxTransport(
                client,
                manifest.base_url,
                key=REPLAY_KEY,
                key_env=manifest.key_env,
                timeout=manifest.run.timeout,
                retries=manifest.run.retries,
                owns_client=False,
                sleep=_no_sleep,
            )
        return self.wrap(out)

    @asynccontextmanager
    async def transports(
        self, *, block_network: bool = False
    ) -> AsyncIterator[dict[str, Transport]]:
        """Transports answered by the cassettes, for the duration (vcrpy patches httpx)."""
        async with AsyncExitStack() as stack:
            if block_network:
                stack.enter_context(blocked())
            stack.enter_context(self.cassette())
            client = httpx.AsyncClient(transport=httpx.MockTransport(_offline))
            stack.push_async_callback(client.aclose)
            yield self._transports(client)


def needs_rerecording(stale: Iterable[Stale]) -> dict[tuple[str, str], list[Stale]]:
    """Stale cases by provider x model, for the re-recording command lines."""
    out: dict[tuple[str, str], list[Stale]] = defaultdict(list)
    for item in stale:
        out[(item.case.provider.id, item.case.model.id)].append(item)
    return dict(out)
