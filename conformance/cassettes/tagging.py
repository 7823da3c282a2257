"""Which planned case an HTTP request belongs to, and what part of it (request, poll, fetch).

vcrpy sees bare HTTP requests; a cassette needs to know the case behind each one, to file it under
the right provider x model, to give two cases that send identical requests their own answers, and
to count a case's job polls. `Tagged` wraps a run's transports: when a case's own request goes
out it notes the case in a context variable (each case runs in its own asyncio task, so its job
polls and image fetches inherit it), and marks each send's role for the duration of the send.
The vcrpy hooks read both and write them into the recorded request as `X-Conformance-Case` and
`X-Conformance-Role` — never onto the wire.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from contextvars import ContextVar
from typing import Protocol

from vcr.errors import CannotOverwriteExistingCassetteException

from conformance.cassettes.manifest import case_fingerprint, digest
from conformance.cassettes.matching import FETCH
from conformance.exchange import Exchange
from conformance.plan.case import Case, Request
from conformance.transport.base import Transport

CASE: ContextVar[Case | None] = ContextVar("conformance_cassette_case", default=None)
ROLE: ContextVar[str] = ContextVar("conformance_cassette_role", default="request")
REQUEST, POLL = "request", "poll"


def request_fingerprint(case: Case | None, role: str, request: Request) -> str:
    """Fingerprint of any send: the case's (scrubbed) request, or a poll's / fetch's target."""
    if role == REQUEST and case is not None:
        return case_fingerprint(case)
    target = request.url or request.path
    return digest(json.dumps([request.method, target], separators=(",", ":")))


class Observer(Protocol):
    """What a cassette session does around each send (record: note; replay: explain)."""

    def case_for(self, request: Request) -> Case | None: ...

    def observe(
        self, case: Case | None, role: str, request: Request, exchange: Exchange
    ) -> Exchange: ...

    def unrecorded(
        self,
        case: Case | None,
        role: str,
        request: Request,
        url: str,
        error: CannotOverwriteExistingCassetteException,
    ) -> Exchange: ...


class CaseIndex:
    """Planned cases by request identity (what the engine sends), else by equal request."""

    def __init__(self, cases: Iterable[Case]) -> None:
        self.by_id: dict[str, Case] = {case.id: case for case in cases}
        self._by_request: dict[int, Case] = {id(c.request): c for c in self.by_id.values()}

    def find(self, request: Request) -> Case | None:
        found = self._by_request.get(id(request))
        if found is not None and found.request is request:
            return found
        if CASE.get() is not None or request.url is not None:
            return None  # a poll or an image fetch of the case in progress
        return next((c for c in self.by_id.values() if c.request == request), None)

    def __contains__(self, case_id: object) -> bool:
        return case_id in self.by_id


class Tagged:
    """A transport that tells the cassette which case and role each request has."""

    def __init__(self, inner: Transport, observer: Observer) -> None:
        self.inner = inner
        self.base_url = inner.base_url
        self.key_env = inner.key_env
        self.redactor = getattr(inner, "redactor", None)  # the engine redacts exception texts
        self._observer = observer

    async def send(self, request: Request) -> Exchange:
        case = self._observer.case_for(request)
        if case is not None:
            CASE.set(case)  # persists in this case's task: its polls and fetches inherit it
        role = REQUEST if case is not None else (FETCH if request.url else POLL)
        current = CASE.get()
        token = ROLE.set(role)
        try:
            exchange = await self.inner.send(request)
        except CannotOverwriteExistingCassetteException as exc:
            url = request.url or self.base_url + request.path
            exchange = self._observer.unrecorded(current, role, request, url, exc)
        finally:
            ROLE.reset(token)
        return self._observer.observe(current, role, request, exchange)

    async def aclose(self) -> None:
        await self.inner.aclose()
