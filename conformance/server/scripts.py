"""Scripted upstream answers: what the relay says for one case when it stands in for an upstream.

A sandwich run checks what the relay under test does with what upstream says, including answers
the reference relay never gives on its own. Before sending a case, the suite registers
`{marker, script}` at `POST /_relay/scripts`; a request whose body carries that marker is
answered by the script instead of (or on top of) the ordinary answer. Content-policy outcomes
(blocked prompt, a filtered Imagen item, NO_IMAGE) need no script: the prompt triggers of
`conformance.triggers` already produce them.

Scripts (Google's shapes, as the Gemini API sends them):

- ``thought-signature``: the ordinary answer with a `thoughtSignature` on every part
  (generateContent), as Gemini 3 models send; a relay must pass it on byte for byte.
- ``rate-limit``: 429 RESOURCE_EXHAUSTED with a `google.rpc.RetryInfo` detail.
- ``server-error``: 500 INTERNAL.
- ``bad-request``: 400 INVALID_ARGUMENT with a `google.rpc.BadRequest` field violation.
"""

from __future__ import annotations

import base64
import hashlib
import json
from collections import OrderedDict
from collections.abc import Awaitable, Callable
from typing import Any

from starlette.responses import Response

from conformance.server.responses import PiecesResponse

SCRIPTS: dict[str, str] = {
    "thought-signature": "a thoughtSignature on every part of the ordinary answer",
    "rate-limit": "429 RESOURCE_EXHAUSTED with RetryInfo (retryDelay 1s)",
    "server-error": "500 INTERNAL",
    "bad-request": "400 INVALID_ARGUMENT with a BadRequest field violation",
}
MAX_SCRIPTS = 10_000
RETRY_DELAY = "1s"


def signature_for(text: str) -> str:
    """A deterministic, opaque-looking signature (base64 of 48 bytes) for a part."""
    digest = hashlib.sha512(text.encode()).digest()[:48]
    return base64.b64encode(digest).decode()


class Scripts:
    """Registered `marker -> script` pairs, bounded (oldest forgotten first)."""

    def __init__(self, limit: int = MAX_SCRIPTS) -> None:
        self._by_marker: OrderedDict[str, str] = OrderedDict()
        self._limit = limit

    def register(self, marker: str, script: str) -> None:
        if script not in SCRIPTS:
            raise ValueError(f"unknown script {script!r}; known: {', '.join(SCRIPTS)}")
        self._by_marker[marker] = script
        self._by_marker.move_to_end(marker)
        while len(self._by_marker) > self._limit:
            self._by_marker.popitem(last=False)

    def for_markers(self, markers: frozenset[str]) -> str | None:
        return next((self._by_marker[m] for m in markers if m in self._by_marker), None)

    def clear(self) -> None:
        self._by_marker.clear()


def _google_error(status: int, label: str, message: str, details: list[Any]) -> Response:
    body = {"error": {"code": status, "message": message, "status": label, "details": details}}
    return Response(json.dumps(body), status, media_type="application/json")


def response_bytes(response: Response, limit: int | None = None) -> bytes:
    """The body of an answer the relay built, or its first `limit` bytes (multi-MB image answers
    are sent in slices; the journal keeps only a bounded head, so only that is copied)."""
    if isinstance(response, PiecesResponse):
        out: list[bytes] = []
        left = limit
        for piece in response.pieces:
            if left is not None and left <= 0:
                break
            out.append(bytes(piece[:left]) if left is not None else bytes(piece))
            left = None if left is None else left - len(out[-1])
        return b"".join(out)
    body = getattr(response, "body", b"")
    data = bytes(body) if isinstance(body, (bytes, bytearray, memoryview)) else b""
    return data if limit is None else data[:limit]


def _with_signatures(document: Any) -> Any:
    for candidate in document.get("candidates", []) if isinstance(document, dict) else []:
        parts = (candidate.get("content") or {}).get("parts") if isinstance(candidate, dict) else []
        for index, part in enumerate(parts or []):
            if isinstance(part, dict):
                part["thoughtSignature"] = signature_for(f"{index}:{sorted(part)}")
    return document


async def scripted(script: str, ordinary: Callable[[], Awaitable[Response]]) -> Response:
    """The answer `script` gives; `ordinary` builds the answer the relay would give otherwise."""
    if script == "rate-limit":
        return _google_error(
            429,
            "RESOURCE_EXHAUSTED",
            "Resource has been exhausted (e.g. check quota).",
            [{"@type": "type.googleapis.com/google.rpc.RetryInfo", "retryDelay": RETRY_DELAY}],
        )
    if script == "server-error":
        return _google_error(500, "INTERNAL", "Internal error encountered.", [])
    if script == "bad-request":
        return _google_error(
            400,
            "INVALID_ARGUMENT",
            "Request contains an invalid argument.",
            [
                {
                    "@type": "type.googleapis.com/google.rpc.BadRequest",
                    "fieldViolations": [
                        {"field": "contents[0].parts[0]", "description": "scripted violation"}
                    ],
                }
            ],
        )
    answer = await ordinary()
    if script == "thought-signature" and 200 <= answer.status_code < 300:
        try:
            document = json.loads(response_bytes(answer))
        except ValueError:
            return answer
        headers = {k: v for k, v in answer.headers.items() if k.lower() not in ("content-length",)}
        return Response(
            json.dumps(_with_signatures(document)),
            answer.status_code,
            headers=headers,
            media_type="application/json",
        )
    return answer
