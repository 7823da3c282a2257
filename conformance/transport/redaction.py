"""Keep API keys out of everything recorded or printed, and render requests as curl commands.

Requests never hold the key (they name an auth slot); what can still leak is an answer that
echoes the key, or a URL that carries it (`?key=`). `Redactor` replaces every occurrence of a key
with `$ENV_VAR` (the variable the user keeps it in), and the curl rendering writes that variable
where the key goes, so a reproduction command is safe to paste into a bug report.
"""

from __future__ import annotations

import shlex
from collections.abc import Mapping, Sequence

from conformance.plan.case import WRONG_KEY, Request
from conformance.spec.headers import StaticHeader


class Redactor:
    """Replaces secret values with `$NAME` in text and bytes."""

    def __init__(self, secrets: Mapping[str, str] | None = None) -> None:
        self._secrets = {value: name for name, value in (secrets or {}).items() if value}

    def add(self, name: str, value: str) -> None:
        if value:
            self._secrets[value] = name

    def text(self, text: str) -> str:
        for value in sorted(self._secrets, key=len, reverse=True):
            text = text.replace(value, f"${self._secrets[value]}")
        return text

    def bytes(self, data: bytes) -> bytes:
        for value in sorted(self._secrets, key=len, reverse=True):
            data = data.replace(value.encode(), f"${self._secrets[value]}".encode())
        return data


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
