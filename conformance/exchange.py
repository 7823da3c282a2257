"""What one case produced on the wire: the request sent, the answer, retries, polls and fetches.

This is the boundary between I/O and judgement: transports build exchanges (from the network,
the in-process relay, or cassettes replaying the HTTP underneath), checks read them. It sits low
in the layering (next to the plan's `Request`) so that checks can read exchanges without
importing any transport. Nothing here ever holds a secret: requests carry an auth slot, and
transports redact the key from answers before building an exchange.
"""

from __future__ import annotations

import base64
import json
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any, Literal

from conformance.plan.case import Request
from conformance.spec.model import Model, Operation, Provider


@dataclass(frozen=True)
class Response:
    status: int
    headers: tuple[tuple[str, str], ...]
    body: bytes
    elapsed: float = 0.0
    #: Set once a finished case's body was slimmed or cut (`runner.retain`): the original's
    #: length and SHA-256, and how `body` stands in for it ("slimmed" or "truncated").
    original_size: int | None = None
    original_sha256: str | None = None
    retained: str = ""

    @property
    def size(self) -> int:
        """The length of the body as it was received."""
        return len(self.body) if self.original_size is None else self.original_size

    def header(self, name: str) -> str | None:
        lower = name.lower()
        return next((v for k, v in self.headers if k.lower() == lower), None)

    @property
    def media_type(self) -> str:
        """The Content-Type without parameters, lower case ("" when absent)."""
        return (self.header("content-type") or "").split(";", 1)[0].strip().lower()

    @cached_property
    def parsed(self) -> tuple[bool, Any]:
        """(is JSON, value): parsed once, however many checks look."""
        try:
            return True, json.loads(self.body)
        except (ValueError, UnicodeDecodeError):
            return False, None

    def json(self) -> Any:
        ok, value = self.parsed
        if not ok:
            raise ValueError("response body is not JSON")
        return value

    def text(self, limit: int = 300) -> str:
        text = self.body[:limit].decode("utf-8", "replace")
        return text + ("..." if len(self.body) > limit else "")


@dataclass(frozen=True)
class Retry:
    """One retried attempt: its status, the wait before the next one, the Retry-After it sent."""

    status: int
    wait: float
    retry_after: str | None = None


@dataclass(frozen=True)
class JournalEntry:
    """One request the upstream emulator received (credentials redacted) and what it answered.

    Written by `conformance serve`'s journal and read back by a sandwich run: it lives here, low,
    so that checks can judge it without importing the relay. `auth` is the emulator's verdict on
    the key the relay sent ("accepted", "missing", "wrong"); `key_hashes` are truncated SHA-256
    digests of every credential value it redacted, so a run can tell whether the client's key was
    forwarded without the journal ever holding a key.
    """

    method: str
    path: str
    query: tuple[tuple[str, str], ...]
    headers: tuple[tuple[str, str], ...]
    body: bytes
    body_size: int
    status: int
    response_body: bytes
    auth: str
    key_hashes: tuple[str, ...] = ()
    script: str | None = None

    @cached_property
    def parsed(self) -> tuple[bool, Any]:
        try:
            return True, json.loads(self.body)
        except (ValueError, UnicodeDecodeError):
            return False, None

    @cached_property
    def parsed_response(self) -> tuple[bool, Any]:
        try:
            return True, json.loads(self.response_body)
        except (ValueError, UnicodeDecodeError):
            return False, None

    def as_dict(self) -> dict[str, Any]:
        return {
            "method": self.method,
            "path": self.path,
            # Reports show which headers carried a credential, not even its digest.
            "headers": [[k, _undigested(v)] for k, v in self.headers],
            "query": [[k, _undigested(v)] for k, v in self.query],
            "body_size": self.body_size,
            "status": self.status,
            "auth": self.auth,
            "script": self.script,
        }


def _undigested(value: str) -> str:
    at = value.find("<redacted sha256:")
    return value if at < 0 else value[:at] + "<redacted>"


#: Whose key a sandwiched relay sends upstream: its own, or the client's passed through.
KeyMode = Literal["relay", "client"]
KEY_MODES: tuple[KeyMode, ...] = ("relay", "client")


@dataclass(frozen=True)
class Upstream:
    """What arrived upstream for one case of a sandwich run (`--upstream URL`).

    `marker` is the nonce the case's prompt carried (None: the case has no prompt to carry one);
    `provider`/`model`/`operation` are what the upstream documents for the case's model (None
    when the specs do not know it); `client_key_seen` names where the client's own key showed up
    upstream; `key_mode` says whether the relay is expected to send its own key ("relay") or
    the client's ("client": a bring-your-own-key pass-through); `error` says why the journal
    could not be read.
    """

    marker: str | None
    entries: tuple[JournalEntry, ...] = ()
    script: str | None = None
    client_key_seen: tuple[str, ...] = ()
    error: str | None = None
    key_mode: KeyMode = "relay"
    provider: Provider | None = field(default=None, compare=False, repr=False)
    model: Model | None = field(default=None, compare=False, repr=False)
    operation: Operation | None = field(default=None, compare=False, repr=False)

    def as_dict(self) -> dict[str, Any]:
        return {
            "marker": self.marker,
            "script": self.script,
            "entries": [e.as_dict() for e in self.entries],
            "client_key_seen": list(self.client_key_seen),
            "key_mode": self.key_mode,
            "error": self.error,
        }


@dataclass(frozen=True)
class Exchange:
    """One request and its outcome; job polls and image fetches nest as exchanges too."""

    request: Request
    url: str
    response: Response | None
    error: str | None = None
    retries: tuple[Retry, ...] = ()
    elapsed: float = 0.0
    polls: tuple[Exchange, ...] = ()
    fetches: tuple[Exchange, ...] = ()
    job_terminal: bool | None = None
    notes: tuple[str, ...] = field(default=())
    upstream: Upstream | None = None

    @cached_property
    def derived(self) -> dict[str, Any]:
        """What readers work out from this exchange once and share (the images every image check
        reads, decoded once): it goes with the exchange, `dataclasses.replace` does not copy it."""
        return {}

    @property
    def requests_sent(self) -> int:
        """HTTP requests this exchange took, retries, polls and fetches included."""
        own = 1 + len(self.retries)
        return (
            own
            + sum(p.requests_sent for p in self.polls)
            + sum(f.requests_sent for f in self.fetches)
        )

    def as_dict(self, *, bodies: bool = True) -> dict[str, Any]:
        """A JSON-ready record (response bodies base64 unless `bodies=False`)."""
        response = None
        if self.response is not None:
            response = {
                "status": self.response.status,
                "headers": [list(h) for h in self.response.headers],
                "elapsed": round(self.response.elapsed, 4),
                "body_b64": base64.b64encode(self.response.body).decode() if bodies else None,
                "body_size": self.response.size,
                "body_sha256": self.response.original_sha256,
                "body_retained": self.response.retained or "whole",
            }
        return {
            "request": self.request.as_dict(),
            "url": self.url,
            "response": response,
            "error": self.error,
            "retries": [
                {"status": r.status, "wait": r.wait, "retry_after": r.retry_after}
                for r in self.retries
            ],
            "elapsed": round(self.elapsed, 4),
            "polls": [p.as_dict(bodies=bodies) for p in self.polls],
            "fetches": [f.as_dict(bodies=bodies) for f in self.fetches],
            "job_terminal": self.job_terminal,
            "notes": list(self.notes),
            **({"upstream": self.upstream.as_dict()} if self.upstream is not None else {}),
        }
