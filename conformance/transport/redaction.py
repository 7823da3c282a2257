"""Keep API keys out of everything recorded or printed, and render requests as curl commands.

Requests never hold the key (they name an auth slot); what can still leak is an answer that
echoes the key, or a URL that carries it (`?key=`). `Redactor` replaces every occurrence of a key
with `$ENV_VAR` (the variable the user keeps it in), and the curl rendering writes that variable
where the key goes, so a reproduction command is safe to paste into a bug report.
"""

from __future__ import annotations

import re
import shlex
from collections.abc import Callable, Mapping, Sequence
from typing import AnyStr

from conformance.plan.case import WRONG_KEY, Request
from conformance.spec.headers import StaticHeader

#: Keys at least this long are replaced wherever they occur; real API keys are 32+ characters.
MIN_ANYWHERE = 12
#: Characters a key is made of: a shorter key is replaced only where it stands alone, not
#: inside a longer run of them (`html` is redacted in `key=html`, never in `text/html`).
_KEY_CHARS = "A-Za-z0-9_\\-./+~"


class Redactor:
    """Replaces secret values with `$NAME` in text and bytes.

    A key of `MIN_ANYWHERE` characters or more is replaced wherever it occurs. A shorter one
    (a test key, a placeholder) could be part of ordinary words, so it is replaced only as a
    whole token: not preceded or followed by a letter, digit or `_-./+~`. That is everywhere
    a key is written as itself (a header value, `key=...`, a JSON string, `Bearer ...`).
    """

    def __init__(self, secrets: Mapping[str, str] | None = None) -> None:
        self._secrets: dict[str, str] = {}
        self._text: list[tuple[str, re.Pattern[str] | None, str]] = []
        self._bytes: list[tuple[bytes, int, re.Pattern[bytes] | None, bytes]] = []
        for name, value in (secrets or {}).items():
            self.add(name, value)

    def add(self, name: str, value: str) -> None:
        if value:
            self._secrets[value] = name
            self._compile()

    def _compile(self) -> None:
        ordered = sorted(self._secrets, key=len, reverse=True)
        self._text = [(v, self._pattern(v), f"${self._secrets[v]}") for v in ordered]
        self._bytes = [
            (
                v.encode(),
                _anchor(v.encode()),
                re.compile(p.pattern.encode()) if p else None,
                r.encode(),
            )
            for v, p, r in self._text
        ]

    @staticmethod
    def _pattern(value: str) -> re.Pattern[str] | None:
        if len(value) >= MIN_ANYWHERE:
            return None
        return re.compile(f"(?<![{_KEY_CHARS}]){re.escape(value)}(?![{_KEY_CHARS}])")

    def text(self, text: str) -> str:
        for value, pattern, replacement in self._text:
            if value not in text:
                continue
            if pattern is None:
                text = text.replace(value, replacement)
            else:
                text = pattern.sub(_literal(replacement), text)
        return text

    def bytes(self, data: bytes) -> bytes:
        for value, anchor, pattern, replacement in self._bytes:
            if not _occurs(value, anchor, data):
                continue
            if pattern is None:
                data = data.replace(value, replacement)
            else:
                data = pattern.sub(_literal(replacement), data)
        return data


#: Bytes of base64 text and JSON punctuation: what answer bodies are mostly made of.
_COMMON = frozenset(b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/=")


def _anchor(value: bytes) -> int:
    """The index of a byte of `value` that answer bodies rarely hold (0 if it has none)."""
    return next((i for i, byte in enumerate(value) if byte not in _COMMON), 0)


def _occurs(value: bytes, anchor: int, data: bytes) -> bool:
    """Whether `value` occurs in `data`, where `value[anchor]` is a rare byte.

    A search for one byte runs at memchr speed (~9 GB/s; a search for the whole key ~1.4 GB/s,
    measured on base64 text): most bodies (multi-MB base64 images) hold no `-` or `_` at all,
    so one pass proves the key absent. Otherwise the key can start no earlier than the first
    rare byte less its index, and the full search goes on from there.
    """
    first = data.find(value[anchor : anchor + 1])
    return first >= 0 and data.find(value, max(0, first - anchor)) >= 0


def _literal(replacement: AnyStr) -> Callable[[re.Match[AnyStr]], AnyStr]:
    """A `re.sub` replacement taken literally (no backslash or group expansion)."""
    return lambda _match: replacement


def environment_redactor(environ: Mapping[str, str]) -> Redactor:
    """Every value of a `*_KEY` / `*_TOKEN` / `*SECRET*` variable: the last line of defence for
    text printed where no transport's redactor is at hand (an internal error's message)."""
    names = [n for n in environ if n.upper().endswith(("_KEY", "_TOKEN")) or "SECRET" in n.upper()]
    return Redactor({n: environ[n] for n in names})


def auth_parts(request: Request, key: str) -> tuple[dict[str, str], dict[str, str]]:
    """(headers, query params) that put `key` (or the wrong key) where the slot says."""
    slot = request.auth
    if slot.mode == "missing" or slot.kind is None or slot.name is None:
        return {}, {}
    value = key if slot.mode == "valid" else WRONG_KEY
    if slot.kind == "bearer":
        return {slot.name: f"Bearer {value}"}, {}
    if slot.kind == "header":
        return {slot.name: value}, {}
    return {}, {slot.name: value}


def _dq(text: str) -> str:
    """Double-quote for a POSIX shell, leaving `$VAR` to expand."""
    escaped = text.replace("\\", "\\\\").replace('"', '\\"').replace("`", "\\`")
    return f'"{escaped}"'


def to_curl(
    request: Request, base_url: str, key_env: str, static: Sequence[StaticHeader] = ()
) -> str:
    """The request as a curl command; the key appears only as `$KEY_ENV`, static headers as
    their templates (`$VAR` left for the shell to expand)."""
    placeholder = f"${key_env}"
    headers, params = auth_parts(request, placeholder)
    url = request.url or base_url.rstrip("/") + request.path
    query = [*request.query, *params.items()]
    if query:
        url += ("&" if "?" in url else "?") + "&".join(f"{k}={v}" for k, v in query)
    parts = ["curl", "-sS", "-X", request.method, _dq(url)]
    shown = [(h.name, h.placeholder()) for h in static if request.url is None]
    for name, value in [*shown, *request.headers, *headers.items()]:
        parts += ["-H", _dq(f"{name}: {value}")]
    body = request.body_json()
    if body is not None:
        parts += ["--data-raw", shlex.quote(body)]
    return " ".join(parts)
