"""The unit of a conformance run: a planned `Case` (request + what the spec says must happen).

Cases are frozen values so that a plan can be printed, filtered, budgeted, recorded and replayed
without surprises. The request never holds a secret: it names an auth *slot* (valid key in some
scheme, wrong key, no key) and the transport injects the key at send time. The spec objects the
case came from ride along (excluded from equality and repr) so checks stay pure functions of
(case, exchange).
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any, Literal

from conformance.spec.model import Model, Operation, Provider

CaseKind = Literal["positive", "default", "negative", "wire", "auth", "explore", "blocked"]
AuthMode = Literal["valid", "missing", "wrong"]
AuthKind = Literal["bearer", "header", "query"]
StatusClass = Literal["2xx", "4xx"]

KINDS: tuple[CaseKind, ...] = (
    "positive",
    "default",
    "auth",
    "negative",
    "wire",
    "blocked",
    "explore",
)
WRONG_KEY = "conformance-wrong-key"


@dataclass(frozen=True)
class AuthSlot:
    """Where (and whether) the transport puts the API key: the secret itself is never here."""

    mode: AuthMode = "valid"
    kind: AuthKind | None = None
    name: str | None = None

    def label(self) -> str:
        where = f" in {self.kind} {self.name}" if self.kind else ""
        return f"{self.mode} key{where}" if self.mode != "missing" else "no key"


@dataclass(frozen=True)
class Request:
    """One HTTP request relative to the provider's base URL (or absolute `url`)."""

    method: str
    path: str
    body: Any = None
    headers: tuple[tuple[str, str], ...] = ()
    query: tuple[tuple[str, str], ...] = ()
    auth: AuthSlot = field(default_factory=AuthSlot)
    url: str | None = None
    #: Sent exactly as written instead of `body`: a body that is not JSON on purpose (malformed
    #: JSON). Text, not bytes, so plans, reports and recordings stay readable.
    raw_body: str | None = None
    #: Bytes of JSON whitespace sent after the body's first byte: an oversized body that is
    #: still the same valid JSON value. Generated while sending (`transport/padding.py`), never
    #: held: plans, reports and recordings keep the unpadded body and this count.
    padding: int = 0

    def body_json(self) -> str | None:
        """The body text as sent, recorded and compared: `raw_body` as written, else the
        canonical JSON of `body` (sorted keys)."""
        if self.raw_body is not None:
            return self.raw_body
        if self.body is None:
            return None
        return json.dumps(self.body, sort_keys=True, separators=(",", ":"), ensure_ascii=False)

    def fingerprint(self) -> str:
        """A stable key for replay: method, target, auth slot and canonical body."""
        target = self.url or self.path
        query = "&".join(f"{k}={v}" for k, v in self.query)
        padded = f" +{self.padding} bytes" if self.padding else ""
        body = self.body_json() or ""
        return f"{self.method} {target}?{query} {self.auth.label()} {body}{padded}"

    def as_dict(self) -> dict[str, Any]:
        padding = {"padding": self.padding} if self.padding else {}
        return {
            **padding,
            "method": self.method,
            "path": self.path,
            "url": self.url,
            "query": [list(q) for q in self.query],
            "headers": [list(h) for h in self.headers],
            "auth": {"mode": self.auth.mode, "kind": self.auth.kind, "name": self.auth.name},
            "body": self.body,
            "raw_body": self.raw_body,
        }


@dataclass(frozen=True)
class Target:
    """A negative case's single violated constraint: the parameter, rule and pointer."""

    parameter: str
    rule: str
    pointer: str


@dataclass(frozen=True)
class ErrorExpect:
    """The error a refused case must get, beyond its status: which class of mistake it is, the
    envelope's status/type/code word, the field `param` must name, the `details[].reason`."""

    mistake: str
    label: str | None = None
    param: str | None = None
    reason: str | None = None
    basis: str = "documented"

    def as_dict(self) -> dict[str, Any]:
        return {
            "mistake": self.mistake,
            "label": self.label,
            "param": self.param,
            "reason": self.reason,
            "basis": self.basis,
        }


@dataclass(frozen=True)
class Expect:
    """What the spec says the answer must be; None means "not checked for this case"."""

    status_class: StatusClass
    statuses: tuple[int, ...] | None = None
    images: int | None = None
    ratio: str | None = None
    tier: str | None = None
    mime: str | None = None
    encoding: Literal["b64", "url"] | None = None
    defaults: tuple[str, ...] = ()
    advisory: tuple[str, ...] = ()
    violation: Target | None = None
    error: ErrorExpect | None = None
    size: str | None = None  # an exact "WxH" asked for (OpenAI's `size`)

    def is_advisory(self, what: str) -> bool:
        """True when the effect named `what` (ratio, tier, mime, images...) is only advisory."""
        return what in self.advisory

    def as_dict(self) -> dict[str, Any]:
        return {
            "status_class": self.status_class,
            "statuses": list(self.statuses) if self.statuses else None,
            "images": self.images,
            "ratio": self.ratio,
            "tier": self.tier,
            "mime": self.mime,
            "encoding": self.encoding,
            **({"size": self.size} if self.size else {}),
            "defaults": list(self.defaults),
            "advisory": list(self.advisory),
            "violation": (
                {
                    "parameter": self.violation.parameter,
                    "rule": self.violation.rule,
                    "pointer": self.violation.pointer,
                }
                if self.violation
                else None
            ),
            "error": self.error.as_dict() if self.error else None,
        }


@dataclass(frozen=True)
class Case:
    """A planned request against one provider x model x operation, with its expectations."""

    id: str
    kind: CaseKind
    request: Request
    expect: Expect
    description: str
    provider: Provider = field(compare=False, repr=False)
    model: Model = field(compare=False, repr=False)
    operation: Operation = field(compare=False, repr=False)
    checks: tuple[str, ...] = ()

    @property
    def expected_images(self) -> int:
        return (self.expect.images or 0) if self.expect.status_class == "2xx" else 0

    @property
    def poll_operation(self) -> Operation | None:
        job = self.operation.job
        return self.model.operation(job.poll_operation) if job else None

    def as_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "kind": self.kind,
            "provider": self.provider.id,
            "model": self.model.id,
            "operation": self.operation.name,
            "description": self.description,
            "request": self.request.as_dict(),
            "expect": self.expect.as_dict(),
            "checks": list(self.checks),
        }
