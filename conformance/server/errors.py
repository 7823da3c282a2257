"""Errors in each provider's own envelope, chosen by the spec's `provider.envelope.id`.

A relay that answers a native Google route with an OpenAI error (or plain text) breaks clients
that parse errors, so the relay renders every error it produces — auth, validation, routing,
limits, content policy — through the envelope its provider documents. Envelopes:

- ``google`` (google.rpc.Status): ``{"error": {"code", "message", "status", "details"}}``;
  validation failures carry a ``google.rpc.BadRequest`` with one fieldViolation per pointer,
  auth failures with a reason a ``google.rpc.ErrorInfo``.
- ``openai``: ``{"error": {"message", "type", "param", "code"}}``; ``param`` names the first
  offending field.
- ``apiframe`` (assumed, the seed page defers errors to a page that is not available):
  ``{"error": {"code": "INVALID_REQUEST", "message": "...", "details": [{"field", "message"}]}}``.

An envelope id the relay does not know gets ``{"error": {"code", "message", "status"}}``.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any
from urllib.parse import urlsplit

from starlette.responses import Response

from conformance.schema.validate import Violation
from conformance.spec.model import Provider


class ErrorKind(StrEnum):
    """Why the relay refuses a request; each envelope spells it its own way."""

    AUTH_MISSING = "auth-missing"
    AUTH_WRONG = "auth-wrong"
    MALFORMED = "malformed"
    INVALID = "invalid"
    BLOCKED = "blocked"
    NOT_FOUND = "not-found"
    METHOD = "method-not-allowed"
    TOO_LARGE = "too-large"
    INTERNAL = "internal"


@dataclass(frozen=True)
class RelayError:
    """An error answer before it is put in an envelope.

    `label` overrides the envelope's status/type/code word (auth rejections take theirs from the
    spec); `reason` is an ErrorInfo reason (google) or error code (openai).
    """

    status: int
    kind: ErrorKind
    message: str
    label: str | None = None
    reason: str | None = None
    violations: tuple[Violation, ...] = ()
    headers: Mapping[str, str] = field(default_factory=dict)


_GOOGLE_STATUS = {
    ErrorKind.AUTH_MISSING: "UNAUTHENTICATED",
    ErrorKind.AUTH_WRONG: "UNAUTHENTICATED",
    ErrorKind.MALFORMED: "INVALID_ARGUMENT",
    ErrorKind.INVALID: "INVALID_ARGUMENT",
    ErrorKind.BLOCKED: "INVALID_ARGUMENT",
    ErrorKind.NOT_FOUND: "NOT_FOUND",
    # google.rpc has no code for a wrong HTTP method; UNIMPLEMENTED is the nearest.
    ErrorKind.METHOD: "UNIMPLEMENTED",
    ErrorKind.TOO_LARGE: "INVALID_ARGUMENT",
    ErrorKind.INTERNAL: "INTERNAL",
}

_OPENAI_TYPE_CODE = {
    ErrorKind.AUTH_MISSING: ("authentication_error", "missing_api_key"),
    ErrorKind.AUTH_WRONG: ("authentication_error", "invalid_api_key"),
    ErrorKind.MALFORMED: ("invalid_request_error", "invalid_json"),
    ErrorKind.INVALID: ("invalid_request_error", "invalid_value"),
    ErrorKind.BLOCKED: ("invalid_request_error", "content_policy_violation"),
    ErrorKind.NOT_FOUND: ("invalid_request_error", "not_found"),
    ErrorKind.METHOD: ("invalid_request_error", "method_not_allowed"),
    ErrorKind.TOO_LARGE: ("invalid_request_error", "request_too_large"),
    ErrorKind.INTERNAL: ("server_error", "internal_error"),
}

_APIFRAME_CODE = {
    ErrorKind.AUTH_MISSING: "UNAUTHORIZED",
    ErrorKind.AUTH_WRONG: "UNAUTHORIZED",
    ErrorKind.MALFORMED: "INVALID_JSON",
    ErrorKind.INVALID: "INVALID_REQUEST",
    ErrorKind.BLOCKED: "CONTENT_POLICY_VIOLATION",
    ErrorKind.NOT_FOUND: "NOT_FOUND",
    ErrorKind.METHOD: "METHOD_NOT_ALLOWED",
    ErrorKind.TOO_LARGE: "PAYLOAD_TOO_LARGE",
    ErrorKind.INTERNAL: "INTERNAL_ERROR",
}


def _field_name(pointer: str) -> str | None:
    """Dotted field name of a pointer: /imagenParams/aspect_ratio -> imagenParams.aspect_ratio.

    None for the whole body.
    """
    tokens = [t.replace("~1", "/").replace("~0", "~") for t in pointer.split("/")[1:]]
    return ".".join(tokens) or None


def _google(provider: Provider, error: RelayError) -> dict[str, Any]:
    body: dict[str, Any] = {
        "code": error.status,
        "message": error.message,
        "status": error.label or _GOOGLE_STATUS[error.kind],
    }
    details: list[dict[str, Any]] = []
    if error.reason:
        host = urlsplit(provider.base_url).hostname or provider.id
        details.append(
            {
                "@type": "type.googleapis.com/google.rpc.ErrorInfo",
                "reason": error.reason,
                "domain": "googleapis.com",
                "metadata": {"service": host},
            }
        )
    if error.violations:
        details.append(
            {
                "@type": "type.googleapis.com/google.rpc.BadRequest",
                "fieldViolations": [
                    {"field": _field_name(v.pointer) or "", "description": v.message}
                    for v in error.violations
                ],
            }
        )
    if details:
        body["details"] = details
    return {"error": body}


def _openai(provider: Provider, error: RelayError) -> dict[str, Any]:
    kind, code = _OPENAI_TYPE_CODE[error.kind]
    param = _field_name(error.violations[0].pointer) if error.violations else None
    return {
        "error": {
            "message": error.message,
            "type": error.label or kind,
            "param": param,
            "code": error.reason or code,
        }
    }


def _apiframe(provider: Provider, error: RelayError) -> dict[str, Any]:
    body: dict[str, Any] = {
        "code": error.label or _APIFRAME_CODE[error.kind],
        "message": error.message,
    }
    if error.violations:
        body["details"] = [
            {"field": v.pointer or "/", "message": v.message} for v in error.violations
        ]
    return {"error": body}


def _generic(provider: Provider | None, error: RelayError) -> dict[str, Any]:
    return {
        "error": {
            "code": error.status,
            "message": error.message,
            "status": error.label or _GOOGLE_STATUS[error.kind],
        }
    }


ENVELOPES: Mapping[str, Callable[[Provider, RelayError], dict[str, Any]]] = {
    "google": _google,
    "openai": _openai,
    "apiframe": _apiframe,
}


def error_body(provider: Provider | None, error: RelayError) -> dict[str, Any]:
    """The JSON error body `provider` documents for `error`."""
    if provider is None:
        return _generic(None, error)
    render = ENVELOPES.get(provider.envelope.id)
    return render(provider, error) if render else _generic(provider, error)


def error_response(provider: Provider | None, error: RelayError, *, plain_text: bool) -> Response:
    """The HTTP answer for `error`; `plain_text` is the error-envelope fault."""
    headers = dict(error.headers)
    if plain_text:
        text = f"{error.status} {error.message}\n".encode("utf-8", "backslashreplace")
        return Response(text, status_code=error.status, media_type="text/plain", headers=headers)
    content_type = provider.envelope.content_type if provider else "application/json"
    body = json.dumps(error_body(provider, error)).encode("ascii")
    return Response(body, status_code=error.status, media_type=content_type, headers=headers)


def validation_message(violations: Sequence[Violation], limit: int = 5) -> str:
    """One line naming the first few violations, e.g. for the envelope's message."""
    shown = [f"{v.pointer or '/'}: {v.message}" for v in violations[:limit]]
    more = len(violations) - limit
    if more > 0:
        shown.append(f"... and {more} more")
    return "Invalid request: " + "; ".join(shown)
