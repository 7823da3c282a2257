"""What recording and replaying share: the vcrpy configuration and its hooks.

One `vcr.VCR` per session, configured so that:

- `filter_headers` / `filter_query_parameters` redact every key slot (`redact_slot`) and drop
  request headers that only add noise to a diff (`user-agent` names the httpx version);
- `before_record_request` tags the request with its case and role (`tagging`), redacts fields the
  spec marks secret, and replaces any known secret value left anywhere by `$ENV_VAR`;
- `before_record_response` (recording only) does the same for answers, then slims images;
- matching uses `matching.matchers` and `allow_playback_repeats=False`, so a job's identical
  polls replay in recorded order and each recorded answer is used once;
- the persister is `store.DirectoryPersister`.

vcrpy applies `before_record_request` to incoming requests too before matching, so a replayed
request is compared in exactly the form its recording was written in.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator, Mapping
from contextlib import contextmanager
from typing import Any

import vcr
from vcr.errors import CannotOverwriteExistingCassetteException

from conformance.cassettes.indexed import indexed_cassette_class
from conformance.cassettes.matching import CASE_HEADER, ROLE_HEADER, matchers
from conformance.cassettes.scrub import (
    MIN_SWEPT_SECRET,
    REDACTED,
    Secrets,
    Slots,
    redact_slot,
    scrub_body,
    secret_values,
)
from conformance.cassettes.slimming import slim_response
from conformance.cassettes.store import DirectoryPersister, Store
from conformance.cassettes.tagging import CASE, REQUEST, ROLE, CaseIndex, Tagged
from conformance.exchange import Exchange
from conformance.plan.case import Case, Request
from conformance.spec.model import Spec
from conformance.transport.base import Transport

#: Request headers that carry nothing a replay needs and change with library versions.
NOISE_HEADERS = ("user-agent", "accept", "accept-encoding", "connection")


def _slot(key: str, value: str, request: Any) -> str:
    return redact_slot(value)


def _plan_secrets(cases: Iterable[Case]) -> dict[str, Secrets]:
    """Per provider, the values the planned requests carry in fields the spec marks secret."""
    found: dict[str, Secrets] = {}
    for case in cases:
        for value in secret_values(case.operation, case.request.body, case.request.query):
            if len(value) >= MIN_SWEPT_SECRET:
                found.setdefault(case.provider.id, Secrets()).add("SECRET_FIELD", value)
    return found


class CassetteSession:
    """A run's cassette: the planned cases, where they are stored, and the vcrpy setup."""

    record_mode = "none"

    def __init__(
        self,
        store: Store,
        spec: Spec,
        cases: Iterable[Case],
        secrets: Mapping[str, Secrets] | None = None,
    ) -> None:
        self.store = store
        self.spec = spec
        self.index = CaseIndex(cases)
        self.raw_secrets = _plan_secrets(self.index.by_id.values())
        self.slots = Slots.of(spec)
        self.secrets: dict[str, Secrets] = dict(secrets or {})
        self.everything = Secrets()
        for each in self.secrets.values():
            for value, name in each.values.items():
                self.everything.add(name, value)

    # -- the case behind each request -------------------------------------------------------

    def case_for(self, request: Request) -> Case | None:
        return self.index.find(request)

    def locate(self, case_id: str) -> tuple[str, str] | None:
        """The provider x model a case id belongs to (also for cases no longer planned)."""
        case = self.index.by_id.get(case_id)
        if case is not None:
            return case.provider.id, case.model.id
        prefixes = [(p, m) for p, m in self.models() if case_id.startswith(f"{p}/{m}/")]
        return max(prefixes, key=lambda pm: len(pm[1]), default=None)

    def models(self) -> list[tuple[str, str]]:
        return sorted({(c.provider.id, c.model.id) for c in self.index.by_id.values()})

    def observe(
        self, case: Case | None, role: str, request: Request, exchange: Exchange
    ) -> Exchange:
        return exchange

    def unrecorded(
        self,
        case: Case | None,
        role: str,
        request: Request,
        url: str,
        error: CannotOverwriteExistingCassetteException,
    ) -> Exchange:
        """The exchange of a request the cassette cannot answer: an error, never an answer."""
        return Exchange(
            request, url, None, f"not recorded: {request.method} {url} ({error.reason})"
        )

    # -- vcrpy ----------------------------------------------------------------------------

    def _sweeper(self, case: Case | None) -> Secrets:
        if case is not None and case.provider.id in self.secrets:
            return self.secrets[case.provider.id]
        return self.everything

    def before_record_request(self, request: Any) -> Any:
        if hasattr(request, "_conformance_key"):
            del request._conformance_key
        if CASE_HEADER in request.headers:
            return request  # already recorded: tagged and scrubbed when it was
        case, role = CASE.get(), ROLE.get()
        request.headers[CASE_HEADER] = case.id if case is not None else ""
        request.headers[ROLE_HEADER] = role
        if case is not None and role == REQUEST and case.request.padding:
            # An oversized body is recorded as its JSON value: the padding is whitespace (its
            # length is in the manifest's fingerprint), and 20 MiB per recording helps no one.
            request.body = case.request.body_json()
        if case is not None and role == REQUEST and case.request.body is not None:
            scrubbed = scrub_body(case.operation, case.request.body)
            if scrubbed != case.request.body:
                request.body = json.dumps(
                    scrubbed, sort_keys=True, separators=(",", ":"), ensure_ascii=False
                )
        if case is not None and role == REQUEST and case.request.raw_body is not None:
            # A body that is not JSON (malformed on purpose) cannot have its secret fields
            # redacted by pointer; the values the plan puts in secret fields are replaced
            # instead, the same way when recording and when replaying, so the two compare.
            raw = self.raw_secrets.get(case.provider.id)
            if raw is not None and isinstance(request.body, bytes):
                request.body = raw.data(request.body)
            elif raw is not None and isinstance(request.body, str):
                request.body = raw.text(request.body)
        sweeper = self._sweeper(case)
        if sweeper.values:
            request.uri = sweeper.text(request.uri)
            for name in list(request.headers):
                request.headers[name] = sweeper.text(str(request.headers[name]))
            if isinstance(request.body, bytes):
                request.body = sweeper.data(request.body)
        return request

    def before_record_response(self, response: dict[str, Any]) -> dict[str, Any]:
        sweeper = self._sweeper(CASE.get())
        if sweeper.values:
            headers = response.get("headers") or {}
            response["headers"] = {
                name: [sweeper.text(str(v)) for v in values] for name, values in headers.items()
            }
            body = response.get("body") or {}
            if isinstance(body.get("string"), bytes):
                body["string"] = sweeper.data(body["string"])
        return slim_response(response)

    def persister(self) -> DirectoryPersister:
        return DirectoryPersister(self.store, self.models(), self.locate, self.everything)

    def vcr(self) -> vcr.VCR:
        slots = self.slots
        config = vcr.VCR(
            serializer="yaml",
            record_mode=self.record_mode,
            match_on=list(matchers(slots.key_headers | slots.secret_headers)),
            filter_headers=[
                *((name, _slot) for name in sorted(slots.key_headers)),
                *((name, REDACTED) for name in sorted(slots.secret_headers)),
                *((name, None) for name in NOISE_HEADERS),
            ],
            filter_query_parameters=[
                *((name, _slot) for name in sorted(slots.key_query)),
                *((name, REDACTED) for name in sorted(slots.secret_query)),
            ],
            before_record_request=self.before_record_request,
            before_record_response=self.before_record_response,
            decode_compressed_response=True,
        )
        for name, matcher in matchers(slots.key_headers | slots.secret_headers).items():
            config.register_matcher(name, matcher)
        config.register_persister(self.persister())
        return config

    @contextmanager
    def cassette(self) -> Iterator[Any]:
        """vcrpy patches httpx for the duration: every HTTP exchange goes through the cassette.

        A run that raises (an interrupted recording) saves nothing: half a re-recording would
        leave cassettes and manifest disagreeing.
        """
        config = self.vcr().get_merged_config(
            path=str(self.store.root), allow_playback_repeats=False, record_on_exception=False
        )
        cassette_class = indexed_cassette_class(self.slots.key_headers | self.slots.secret_headers)
        with cassette_class.use(**config) as cassette:
            yield cassette

    def wrap(self, transports: Mapping[str, Transport]) -> dict[str, Transport]:
        """The run's transports, telling the cassette which case each request belongs to."""
        return {pid: Tagged(t, self) for pid, t in transports.items()}
