"""The upstream journal: every API request the relay received, credentials redacted, bounded.

When the reference relay stands in for a relay's upstream (a "sandwich" run: client -> relay
under test -> `conformance serve`), the suite needs to see what the relay forwarded. Each
request to a provider route is recorded here with its method, path, query, headers and body,
the status and body the relay answered, and its auth verdict. Credential values (auth headers,
key query parameters, anything named like a key or token) are replaced by
`<redacted sha256:XXXXXXXXXXXXXXXX>`, a truncated digest, so that the suite can tell whether a
client's key was forwarded while the journal never holds a key.

Bounds: at most `max_entries` entries (oldest dropped first) and `max_body` bytes kept of each
request and answer body. Markers the suite puts in prompts (`[conformance-case:<hex>]`) are
found in the whole request body before it is cut, so correlation survives the cut.

Served at `/_relay/journal` (see `conformance.server.control`).
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import re
from collections import deque
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from conformance.exchange import JournalEntry

#: Prompt nonce a sandwich run adds to each case: `[conformance-case:` + 16 hex + `]`.
MARKER = re.compile(r"\[conformance-case:([0-9a-f]{16})\]")
DEFAULT_ENTRIES = 1000
DEFAULT_BODY = 256 * 1024

_CREDENTIAL_HEADERS = frozenset(
    {"authorization", "proxy-authorization", "x-goog-api-key", "x-api-key", "api-key", "cookie"}
)
_CREDENTIAL_WORDS = ("key", "token", "secret", "auth", "password")
_SCHEMES = ("bearer ", "basic ", "token ")


def key_digest(value: str) -> str:
    """The truncated SHA-256 the journal shows instead of a credential value."""
    return hashlib.sha256(value.strip().encode()).hexdigest()[:16]


@lru_cache(maxsize=1024)
def _is_credential(name: str) -> bool:
    lower = name.lower()
    return lower in _CREDENTIAL_HEADERS or any(w in lower for w in _CREDENTIAL_WORDS)


def redact(value: str) -> tuple[str, str]:
    """(redacted form, digest of the secret): an auth scheme prefix such as `Bearer ` is kept."""
    prefix = next((value[: len(s)] for s in _SCHEMES if value.lower().startswith(s)), "")
    secret = value[len(prefix) :].strip()
    digest = key_digest(secret)
    return f"{prefix}<redacted sha256:{digest}>", digest


def redact_pairs(pairs: Iterable[tuple[str, str]]) -> tuple[tuple[tuple[str, str], ...], list[str]]:
    out: list[tuple[str, str]] = []
    digests: list[str] = []
    for name, value in pairs:
        if _is_credential(name) and value:
            shown, digest = redact(value)
            out.append((name, shown))
            digests.append(digest)
        else:
            out.append((name, value))
    return tuple(out), digests


@dataclass(frozen=True)
class Recorded:
    entry: JournalEntry
    markers: frozenset[str]


class Journal:
    """A bounded, in-memory log of the requests one relay received."""

    def __init__(self, max_entries: int = DEFAULT_ENTRIES, max_body: int = DEFAULT_BODY) -> None:
        self.max_body = max_body
        self._entries: deque[Recorded] = deque(maxlen=max(1, max_entries))
        self.dropped = 0

    def record(
        self,
        *,
        method: str,
        path: str,
        query: Iterable[tuple[str, str]],
        headers: Iterable[tuple[str, str]],
        body: bytes,
        status: int,
        response_body: bytes,
        auth: str,
        script: str | None = None,
        body_size: int | None = None,
    ) -> JournalEntry:
        shown_headers, header_digests = redact_pairs(headers)
        shown_query, query_digests = redact_pairs(query)
        markers = frozenset(MARKER.findall(body.decode("utf-8", "replace")))
        entry = JournalEntry(
            method=method,
            path=path,
            query=shown_query,
            headers=shown_headers,
            body=body[: self.max_body],
            body_size=len(body) if body_size is None else body_size,
            status=status,
            response_body=response_body[: self.max_body],
            auth=auth,
            key_hashes=tuple(header_digests + query_digests),
            script=script,
        )
        if len(self._entries) == self._entries.maxlen:
            self.dropped += 1
        self._entries.append(Recorded(entry, markers))
        return entry

    def entries(self, marker: str | None = None) -> list[JournalEntry]:
        return [r.entry for r in self._entries if marker is None or marker in r.markers]

    def clear(self) -> None:
        self._entries.clear()
        self.dropped = 0

    def __len__(self) -> int:
        return len(self._entries)


def entry_to_json(entry: JournalEntry) -> dict[str, Any]:
    """The wire form of an entry (bodies as text when UTF-8, else base64)."""

    def body(data: bytes) -> Mapping[str, Any]:
        try:
            return {"text": data.decode("utf-8")}
        except UnicodeDecodeError:
            return {"base64": base64.b64encode(data).decode()}

    return {
        "method": entry.method,
        "path": entry.path,
        "query": [list(q) for q in entry.query],
        "headers": [list(h) for h in entry.headers],
        "body": body(entry.body),
        "body_size": entry.body_size,
        "status": entry.status,
        "response_body": body(entry.response_body),
        "auth": entry.auth,
        "key_hashes": list(entry.key_hashes),
        "script": entry.script,
    }


def entry_from_json(data: Any) -> JournalEntry | None:
    """The entry back from its wire form; None when `data` is not one."""

    def body(value: Any) -> bytes | None:
        if not isinstance(value, dict):
            return None
        if isinstance(value.get("text"), str):
            return str(value["text"]).encode("utf-8")
        if isinstance(value.get("base64"), str):
            try:
                return base64.b64decode(value["base64"], validate=True)
            except (binascii.Error, ValueError):
                return None
        return None

    if not isinstance(data, dict):
        return None
    try:
        request_body, response_body = body(data["body"]), body(data["response_body"])
        if request_body is None or response_body is None:
            return None
        return JournalEntry(
            method=str(data["method"]),
            path=str(data["path"]),
            query=tuple((str(k), str(v)) for k, v in data["query"]),
            headers=tuple((str(k), str(v)) for k, v in data["headers"]),
            body=request_body,
            body_size=int(data["body_size"]),
            status=int(data["status"]),
            response_body=response_body,
            auth=str(data["auth"]),
            key_hashes=tuple(str(h) for h in data.get("key_hashes", ())),
            script=str(data["script"]) if data.get("script") else None,
        )
    except (KeyError, TypeError, ValueError):
        return None
