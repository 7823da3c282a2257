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
from typing import Any

from conformance.plan.case import Request


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
        }
