"""How a replayed request finds its recording, and how a missing one is explained.

vcrpy compares requests with named matchers. Its stock `body` matcher computes a unified diff on
every comparison, which made replaying the default run take minutes (see docs/cassettes.md); the
matchers here compare a key computed once per request: method, target (scheme, host, port,
path), query (after scrubbing, so `?key=` never matters), canonical JSON body, the key slots
(which header carries a key, and whether it is the wrong one), and the planned case the request
belongs to — so two cases that send the same request each get their own answer. Image fetches
match on their URL alone: the transport caches them across cases.

`closest` and `diff` explain a request that has no recording: the nearest recorded one and what
differs, as JSON pointers into a small document (method, target, query, auth, body).
"""

from __future__ import annotations

import json
import urllib.parse
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from typing import Any

CASE_HEADER = "X-Conformance-Case"
ROLE_HEADER = "X-Conformance-Role"
FETCH = "image-fetch"


@dataclass(frozen=True)
class RequestKey:
    method: str
    target: str
    query: tuple[tuple[str, str], ...]
    body: Any
    auth: tuple[tuple[str, str], ...]
    case: str
    role: str

    def document(self) -> dict[str, Any]:
        """What `diff` compares: the parts a reader recognises."""
        return {
            "method": self.method,
            "target": self.target,
            "query": [list(q) for q in self.query],
            "auth": [list(a) for a in self.auth],
            "body": self.body,
        }


def canonical_body(raw: bytes | str | None) -> Any:
    """Parsed JSON (compared as a value), else the text, else None."""
    if raw is None or raw == b"" or raw == "":
        return None
    text = raw.decode("utf-8", "replace") if isinstance(raw, bytes) else raw
    try:
        return json.loads(text)
    except ValueError:
        return text


def _header(request: Any, name: str) -> str:
    value = request.headers.get(name)
    if isinstance(value, list):
        value = value[0] if value else ""
    return str(value or "")


def key_of(request: Any, auth_headers: frozenset[str]) -> RequestKey:
    """The comparison key of a (scrubbed) vcrpy request, computed once and kept on it."""
    cached = getattr(request, "_conformance_key", None)
    if isinstance(cached, tuple) and cached[0] == auth_headers:
        return cached[1]  # type: ignore[no-any-return]
    parts = urllib.parse.urlsplit(request.uri)
    port = parts.port or (443 if parts.scheme == "https" else 80)
    key = RequestKey(
        method=request.method.upper(),
        target=f"{parts.scheme}://{parts.hostname}:{port}{parts.path}",
        query=tuple(sorted(urllib.parse.parse_qsl(parts.query, keep_blank_values=True))),
        body=canonical_body(request.body),
        auth=tuple(
            sorted(
                (name.lower(), _header(request, name))
                for name in request.headers
                if name.lower() in auth_headers
            )
        ),
        case=_header(request, CASE_HEADER),
        role=_header(request, ROLE_HEADER),
    )
    request._conformance_key = (auth_headers, key)
    return key


Matcher = Callable[[Any, Any], bool]


def matchers(auth_headers: frozenset[str]) -> dict[str, Matcher]:
    """Named vcrpy matchers over `key_of` (register them with `VCR.register_matcher`)."""

    def keys(r1: Any, r2: Any) -> tuple[RequestKey, RequestKey]:
        return key_of(r1, auth_headers), key_of(r2, auth_headers)

    def method(r1: Any, r2: Any) -> bool:
        a, b = keys(r1, r2)
        return a.method == b.method

    def target(r1: Any, r2: Any) -> bool:
        a, b = keys(r1, r2)
        return a.target == b.target

    def query(r1: Any, r2: Any) -> bool:
        a, b = keys(r1, r2)
        return a.query == b.query

    def json_body(r1: Any, r2: Any) -> bool:
        a, b = keys(r1, r2)
        return bool(a.body == b.body)

    def auth(r1: Any, r2: Any) -> bool:
        a, b = keys(r1, r2)
        return a.auth == b.auth

    def case(r1: Any, r2: Any) -> bool:
        a, b = keys(r1, r2)
        return FETCH in (a.role, b.role) or a.case == b.case

    return {
        "conformance_method": method,
        "conformance_target": target,
        "conformance_query": query,
        "conformance_body": json_body,
        "conformance_auth": auth,
        "conformance_case": case,
    }


def diff(old: Any, new: Any, pointer: str = "") -> list[str]:
    """What changed from `old` to `new`, one line per JSON pointer."""
    if isinstance(old, dict) and isinstance(new, dict):
        out: list[str] = []
        for name in sorted(set(old) | set(new), key=str):
            token = str(name).replace("~", "~0").replace("/", "~1")
            where = f"{pointer}/{token}"
            if name not in new:
                out.append(f"{where}: removed (was {_show(old[name])})")
            elif name not in old:
                out.append(f"{where}: added {_show(new[name])}")
            else:
                out.extend(diff(old[name], new[name], where))
        return out
    if isinstance(old, list) and isinstance(new, list):
        common = min(len(old), len(new))
        lines = [line for i in range(common) for line in diff(old[i], new[i], f"{pointer}/{i}")]
        lines += [f"{pointer}/{i}: removed (was {_show(old[i])})" for i in range(common, len(old))]
        lines += [f"{pointer}/{i}: added {_show(new[i])}" for i in range(common, len(new))]
        return lines
    if old == new and type(old) is type(new):
        return []
    return [f"{pointer or '/'}: {_show(old)} -> {_show(new)}"]


def _show(value: Any, limit: int = 60) -> str:
    text = json.dumps(value, ensure_ascii=False, sort_keys=True)
    return text if len(text) <= limit else text[: limit - 3] + "..."


def closest(
    wanted: Mapping[str, Any], recorded: Iterable[tuple[str, Mapping[str, Any]]]
) -> tuple[str, list[str]] | None:
    """(label, differences) of the recorded document nearest `wanted`, or None if none.

    Nearest: same method and target first, then the fewest differing pointers.
    """
    best: tuple[tuple[int, int], str, list[str]] | None = None
    for label, doc in recorded:
        lines = diff(doc, wanted)
        same_route = doc.get("method") == wanted.get("method") and doc.get("target") == wanted.get(
            "target"
        )
        rank = (0 if same_route else 1, len(lines))
        if best is None or rank < best[0]:
            best = (rank, label, lines)
    return None if best is None else (best[1], best[2])
