"""What one case produced on the wire: the request sent, the answer, retries, polls and fetches.

This is the boundary between I/O and judgement: transports build exchanges, checks read them,
cassettes store them. It sits low in the layering (next to the plan's `Request`) so that checks
can read exchanges without importing any transport. Nothing here ever holds a secret: requests
carry an auth slot, and transports redact the key from answers before building an exchange.
"""

from __future__ import annotations

import base64
import json
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any

from conformance.plan.case import AuthSlot, Request


@dataclass(frozen=True)
class Response:
    status: int
    headers: tuple[tuple[str, str], ...]
    body: bytes
    elapsed: float = 0.0

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
                "body_size": len(self.response.body),
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

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Exchange:
        """Inverse of `as_dict()` (with bodies): how a cassette turns records back into answers."""
        req = data["request"]
        auth = req.get("auth") or {}
        request = Request(
            req["method"],
            req["path"],
            req.get("body"),
            tuple(tuple(h) for h in req.get("headers", [])),
            tuple(tuple(q) for q in req.get("query", [])),
            AuthSlot(auth.get("mode", "valid"), auth.get("kind"), auth.get("name")),
            req.get("url"),
        )
        raw = data.get("response")
        response = None
        if raw is not None:
            response = Response(
                raw["status"],
                tuple(tuple(h) for h in raw["headers"]),
                base64.b64decode(raw.get("body_b64") or ""),
                raw.get("elapsed", 0),
            )
        return cls(
            request,
            data["url"],
            response,
            data.get("error"),
            tuple(
                Retry(r["status"], r["wait"], r.get("retry_after")) for r in data.get("retries", [])
            ),
            data.get("elapsed", 0.0),
            tuple(cls.from_dict(p) for p in data.get("polls", [])),
            tuple(cls.from_dict(f) for f in data.get("fetches", [])),
            data.get("job_terminal"),
            tuple(data.get("notes", [])),
        )
