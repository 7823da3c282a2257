"""The documented error for each mistake, and an envelope that agrees with itself.

`error-class`: a refused case gets the status/type/code word its provider records for its class
of mistake (`INVALID_ARGUMENT` for a bad argument, `NOT_FOUND` only for an unknown model, the
auth rejection's own word), `param` naming the offending field where the envelope has one, and
the recorded `details[].reason` (`API_KEY_INVALID`). `envelope_consistency` (run by the
`error-envelope` check on every 4xx/5xx) holds the numeric `code` to the HTTP status and, for
google.rpc, the status word to the canonical one for that code.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from conformance.checks.common import find
from conformance.checks.registry import Finding, check, failed, passed
from conformance.exchange import Exchange
from conformance.plan.case import Case
from conformance.spec.diagnostics import Location
from conformance.spec.model import Envelope

#: google.rpc.Code name -> the HTTP status it maps to (googleapis google/rpc/code.proto).
GOOGLE_RPC_HTTP: dict[str, int] = {
    "CANCELLED": 499,
    "UNKNOWN": 500,
    "INVALID_ARGUMENT": 400,
    "DEADLINE_EXCEEDED": 504,
    "NOT_FOUND": 404,
    "ALREADY_EXISTS": 409,
    "PERMISSION_DENIED": 403,
    "UNAUTHENTICATED": 401,
    "RESOURCE_EXHAUSTED": 429,
    "FAILED_PRECONDITION": 400,
    "ABORTED": 409,
    "OUT_OF_RANGE": 400,
    "UNIMPLEMENTED": 501,
    "INTERNAL": 500,
    "UNAVAILABLE": 503,
    "DATA_LOSS": 500,
}

_BASIS = {
    "documented": "",
    "upstream": " (the upstream behaviour it relays: its pages are silent)",
    "assumed": " (assumed: no available page says)",
}


def _one(body: Any, pointer: str | None) -> Any:
    if pointer is None:
        return None
    found = find(body, pointer)
    return found[0][1] if found else None


def envelope_consistency(envelope: Envelope, status: int, body: Any) -> Iterator[Finding]:
    """Findings on the envelope's own numbers and words against the HTTP status."""
    fields = envelope.fields
    where = envelope.declared_at
    code = _one(body, fields.code)
    if fields.code is not None and code is not None:
        if code != status:
            yield failed(
                f"error code {code!r} at {fields.code} differs from the HTTP status {status}",
                pointer=fields.code,
                rule="code-matches-status",
                spec_location=where,
            )
        else:
            yield passed(
                f"error code {code} is the HTTP status",
                rule="code-matches-status",
                spec_location=where,
            )
    word = _one(body, fields.label)
    if fields.canonical == "google-rpc" and isinstance(word, str):
        mapped = GOOGLE_RPC_HTTP.get(word)
        if mapped is None:
            yield failed(
                f"{word!r} is not a google.rpc.Code name",
                pointer=fields.label or "",
                rule="canonical-status",
                spec_location=where,
            )
        elif mapped != status and status in set(GOOGLE_RPC_HTTP.values()):
            canonical = sorted(n for n, s in GOOGLE_RPC_HTTP.items() if s == status)
            yield failed(
                f"HTTP {status} says {word!r}, which google.rpc maps to {mapped}; "
                f"canonical for {status}: {'/'.join(canonical)}",
                pointer=fields.label or "",
                rule="canonical-status",
                spec_location=where,
            )
        else:
            yield passed(
                f"{word} is canonical for {status}", rule="canonical-status", spec_location=where
            )


def _location(case: Case) -> Location:
    error = case.expect.error
    documented = case.provider.envelope.mistakes.get(error.mistake) if error else None
    return documented.declared_at if documented else case.provider.declared_at


@check("error-class")
def error_class(case: Case, exchange: Exchange) -> Iterator[Finding]:
    response = exchange.response
    assert response is not None
    expected = case.expect.error
    if expected is None or response.status < 400 or response.status >= 500:
        return  # the status check judges 2xx and 5xx answers to refused cases
    ok, body = response.parsed
    if not ok:
        return  # the error-envelope check reports a body that is not JSON
    envelope = case.provider.envelope
    fields = envelope.fields
    where = _location(case)
    basis = _BASIS.get(expected.basis, "")
    if expected.label is not None and fields.label is not None:
        word = _one(body, fields.label)
        if word != expected.label:
            yield failed(
                f"{expected.mistake} answered {word!r} at {fields.label}, "
                f"expected {expected.label!r}{basis}",
                pointer=fields.label,
                rule="error-word",
                spec_location=where,
            )
        else:
            yield passed(f"{expected.mistake}: {word}", rule="error-word", spec_location=where)
    if expected.param is not None and fields.param is not None:
        param = _one(body, fields.param)
        named = isinstance(param, str) and (
            param == expected.param
            or expected.param.startswith(f"{param}.")
            or param.startswith(f"{expected.param}.")
        )
        if not named:
            yield failed(
                f"{fields.param} is {param!r}, expected it to name {expected.param!r}{basis}",
                pointer=fields.param,
                rule="error-param",
                spec_location=where,
            )
        else:
            yield passed(f"param names {param}", rule="error-param", spec_location=where)
    if expected.reason is not None and fields.reasons is not None:
        reasons = [value for _, value in find(body, fields.reasons)]
        if expected.reason not in reasons:
            yield failed(
                f"no {expected.reason} among the reasons at {fields.reasons} "
                f"({', '.join(map(str, reasons)) or 'none'}){basis}",
                pointer=fields.reasons.split("/*")[0],
                rule="error-reason",
                spec_location=where,
            )
        else:
            yield passed(f"reason {expected.reason}", rule="error-reason", spec_location=where)
