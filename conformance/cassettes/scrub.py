"""Keep secrets out of cassettes: every recorded request and response is scrubbed before it is
kept in memory, let alone written.

Three kinds of secret are handled. Key *slots* — the `Authorization`, `X-API-Key` and
`x-goog-api-key` headers, the `?key=` query parameter, and whatever header or query name a
provider's auth scheme declares — have their value replaced by `<redacted>` (the planned wrong key
`conformance-wrong-key` is not a secret and stays, so the auth cases remain distinguishable).
Spec parameters marked `secret: true` have their value replaced wherever the request carries them
(JSON body, query or header). Known secret *values* (the API key of a recording, the values of
secret fields) are replaced by `$ENV_VAR` anywhere else they turn up — an error message echoing
the key, a URL — exactly as the live transport redacts answers, so a replayed answer is the one
the live run judged. `assert_clean` is the last line of defence before bytes reach a disk.
"""

from __future__ import annotations

import json
import urllib.parse
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from conformance.checks.common import find
from conformance.plan.case import WRONG_KEY
from conformance.spec.model import Operation, Spec

REDACTED = "<redacted>"
#: Shortest value of a `secret` field swept from answers (short ones are ordinary words).
MIN_SWEPT_SECRET = 8
#: Key slots scrubbed for every provider (lower case), on top of what the specs declare.
AUTH_HEADERS = frozenset({"authorization", "x-api-key", "x-goog-api-key"})
AUTH_QUERY = frozenset({"key"})


class SecretLeak(Exception):
    """A secret value was about to be written; nothing was written."""


def redact_slot(value: str) -> str:
    """The recorded form of a key slot's value: the wrong key stays, anything else goes."""
    if WRONG_KEY in value:
        return value
    scheme, _, rest = value.partition(" ")
    if rest and scheme.lower() == "bearer":
        return f"{scheme} {REDACTED}"
    return REDACTED


@dataclass(frozen=True)
class Slots:
    """Where secrets travel in headers and query strings, for every provider of a spec.

    `key_*`: key slots (value kept when it is the planned wrong key); `secret_*`: parameters
    the spec marks `secret` (value always replaced). Names are matched case-insensitively for
    headers, exactly for query parameters (as servers read them).
    """

    key_headers: frozenset[str] = AUTH_HEADERS
    key_query: frozenset[str] = AUTH_QUERY
    secret_headers: frozenset[str] = frozenset()
    secret_query: frozenset[str] = frozenset()

    @classmethod
    def of(cls, spec: Spec) -> Slots:
        headers, query = set(AUTH_HEADERS), set(AUTH_QUERY)
        secret_headers: set[str] = set()
        secret_query: set[str] = set()
        for provider in spec.providers:
            for scheme in provider.auth.schemes:
                if scheme.kind == "query":
                    query.add(scheme.name)
                else:
                    headers.add(scheme.name.lower())
            for model in provider.models:
                for operation in model.operations:
                    for param in operation.parameters:
                        if param.secret and param.location == "header":
                            secret_headers.add(param.name.lower())
                        elif param.secret and param.location == "query":
                            secret_query.add(param.name)
        return cls(
            frozenset(headers),
            frozenset(query),
            frozenset(secret_headers - headers),
            frozenset(secret_query - query),
        )


def secret_values(operation: Operation, body: Any, query: Iterable[tuple[str, str]]) -> list[str]:
    """The values a request carries in parameters the spec marks `secret`."""
    out: list[str] = []
    pairs = list(query)
    for param in operation.parameters:
        if not param.secret:
            continue
        if param.location == "body":
            out.extend(_text(v) for _, v in find(body, param.pointer))
        elif param.location == "query":
            out.extend(v for k, v in pairs if k == param.name)
    return [v for v in out if v]


def scrub_body(operation: Operation, body: Any) -> Any:
    """A copy of a JSON body with every `secret` parameter's value replaced."""
    secret = [p for p in operation.parameters if p.secret and p.location == "body"]
    if not secret or body is None:
        return body
    copy = json.loads(json.dumps(body))
    for param in secret:
        for pointer, _ in find(copy, param.pointer):
            _assign(copy, pointer, REDACTED)
    return copy


def _text(value: Any) -> str:
    return value if isinstance(value, str) else json.dumps(value)


def _assign(doc: Any, pointer: str, value: Any) -> None:
    tokens = [t.replace("~1", "/").replace("~0", "~") for t in pointer.split("/")[1:]]
    node = doc
    for token in tokens[:-1]:
        node = node[int(token)] if isinstance(node, list) else node[token]
    last = tokens[-1]
    if isinstance(node, list):
        node[int(last)] = value
    else:
        node[last] = value


@dataclass
class Secrets:
    """Secret values to replace by `$NAME` wherever they appear, and to refuse to write."""

    values: dict[str, str] = field(default_factory=dict)

    def add(self, name: str, value: str) -> None:
        if value and value != WRONG_KEY and len(value) >= 4:
            self.values[value] = name

    def _forms(self) -> list[tuple[str, str]]:
        """(form, placeholder): each value as written and URL-encoded, longest first."""
        forms: dict[str, str] = {}
        for value, name in self.values.items():
            for form in (value, urllib.parse.quote(value, safe=""), urllib.parse.quote_plus(value)):
                forms.setdefault(form, f"${name}")
        return sorted(forms.items(), key=lambda item: len(item[0]), reverse=True)

    def text(self, text: str) -> str:
        for form, placeholder in self._forms():
            text = text.replace(form, placeholder)
        return text

    def data(self, data: bytes) -> bytes:
        for form, placeholder in self._forms():
            data = data.replace(form.encode(), placeholder.encode())
        return data

    def assert_clean(self, data: bytes, where: str) -> None:
        """Raise SecretLeak naming the variable when any secret value is in `data`."""
        for form, placeholder in self._forms():
            if form.encode() in data:
                raise SecretLeak(f"{where} would contain the value of {placeholder}: not written")
