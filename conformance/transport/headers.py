"""Which static headers a provider's transport sends, and to which requests.

A provider's spec headers and the run's `--header`s are expanded once, when the transports open
(`$VAR` from the environment; a missing variable is a `MissingHeaderVariable`, reported as a
usage error before anything is sent). Against the built-in relay the spec's variables stand for
secrets the relay does not have, so they expand to a fixed stand-in (`test-<var>`), as the relay's
key is the fixed `test-key`: relay runs and their recordings never depend on the environment.

Static headers go with every request to the provider's origin — the case's request and its job
polls — and never to another origin: an image URL on a CDN gets no gateway header, let alone a
secret one.
"""

from __future__ import annotations

import os
import urllib.parse
from collections.abc import Iterable, Mapping, Sequence

from conformance.spec.headers import HeaderError, SentHeader, StaticHeader, resolve


class MissingHeaderVariable(Exception):
    """A static header names an environment variable that is unset or empty."""


def stand_in_env(headers: Iterable[StaticHeader]) -> dict[str, str]:
    """The relay's stand-in value for every variable the headers reference."""
    return {name: f"test-{name.lower()}" for h in headers for name in h.variables()}


def sent_headers(
    spec_headers: Sequence[StaticHeader],
    run_headers: Sequence[StaticHeader],
    *,
    live: bool,
    env: Mapping[str, str] | None = None,
) -> tuple[SentHeader, ...]:
    """The expanded headers of one provider; a run header replaces a spec header of its name."""
    environ = os.environ if env is None else env
    spec_env = environ if live else stand_in_env(spec_headers)
    chosen: dict[str, tuple[StaticHeader, Mapping[str, str]]] = {}
    for header in spec_headers:
        chosen[header.name.lower()] = (header, spec_env)
    for header in run_headers:
        chosen[header.name.lower()] = (header, environ)
    out: list[SentHeader] = []
    for header, values in chosen.values():
        sent = resolve(header, values)
        if isinstance(sent, HeaderError):
            raise MissingHeaderVariable(str(sent))
        out.append(sent)
    return tuple(out)


def origin(url: str) -> tuple[str, str, int]:
    """(scheme, host, port) of a URL, the default port filled in."""
    parts = urllib.parse.urlsplit(url)
    port = parts.port or (443 if parts.scheme == "https" else 80)
    return parts.scheme.lower(), (parts.hostname or "").lower(), port


def headers_for(url: str, base_url: str, headers: Sequence[SentHeader]) -> dict[str, str]:
    """The static headers a request to `url` carries: all of them on the base URL's origin, none
    elsewhere."""
    if not headers or origin(url) != origin(base_url):
        return {}
    return {h.name: h.value for h in headers}
