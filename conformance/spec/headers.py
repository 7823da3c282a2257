"""Static request headers: what a gateway needs on every request to pick its upstream.

Gateways route by header (`x-portkey-provider`, a virtual key, a custom host ...), so a provider
spec may list headers to send with every request of every case, and `conformance run --header`
adds more for one run. A value is a template: `$VAR` and `${VAR}` are read from the environment
when the run starts (`$$` is a literal dollar), so a secret never has to be written into a spec
or a shell history. A header marked `secret` is treated like an API key: the values of the
variables it references (or, with none, its whole value) are redacted from everything printed,
logged or recorded.

This module is pure: the environment comes in as a mapping, and a missing variable or a
malformed header is an error value, never an exception.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass

from conformance.spec.diagnostics import Location
from conformance.spec.model import Source

#: RFC 9110 token characters: what a header name may be made of.
_NAME = re.compile(r"^[!#$%&'*+.^_`|~0-9A-Za-z-]+$")
_VAR = re.compile(
    r"\$(?:\{(?P<braced>[A-Za-z_][A-Za-z0-9_]*)\}|(?P<bare>[A-Za-z_][A-Za-z0-9_]*)|\$)"
)
#: Headers the transport owns: a static header may not replace them.
RESERVED = frozenset({"host", "content-length", "transfer-encoding", "connection"})


@dataclass(frozen=True)
class HeaderError:
    """Why a static header cannot be used, with a hint."""

    message: str
    hint: str = ""

    def __str__(self) -> str:
        return f"{self.message} ({self.hint})" if self.hint else self.message


@dataclass(frozen=True)
class StaticHeader:
    """A header sent with every request of a provider's cases; `value` is a template."""

    name: str
    value: str
    secret: bool = False
    source: Source | None = None
    description: str | None = None
    declared_at: Location | None = None

    def variables(self) -> tuple[str, ...]:
        """The environment variables the value references, in order, without repeats."""
        names = [m.group("braced") or m.group("bare") for m in _VAR.finditer(self.value)]
        return tuple(dict.fromkeys(n for n in names if n))

    def expand(self, env: Mapping[str, str]) -> str | HeaderError:
        """The value with every variable replaced from `env`; an unset or empty one is an error."""
        missing = [n for n in self.variables() if not env.get(n)]
        if missing:
            return HeaderError(
                f"header {self.name} needs ${missing[0]}, which is unset or empty",
                f"export {missing[0]}=... before the run",
            )
        return _VAR.sub(
            lambda m: env[m.group("braced") or m.group("bare")] if m.group(0) != "$$" else "$",
            self.value,
        )

    def placeholder(self) -> str:
        """How the value is shown where a secret may not appear: the template itself, or (for a
        literal secret) a name standing for it."""
        if not self.secret or self.variables():
            return self.value
        return f"${self.redaction_name()}"

    def redaction_name(self) -> str:
        """The `$NAME` a literal secret value is replaced with."""
        return "HEADER_" + re.sub(r"[^A-Z0-9]", "_", self.name.upper())


def check_name(name: str) -> HeaderError | None:
    """Whether `name` can be sent as a static header."""
    if not _NAME.match(name):
        return HeaderError(f"{name!r} is not a header name", "letters, digits and -_. only")
    if name.lower() in RESERVED:
        return HeaderError(f"{name} is set by the transport", "it cannot be a static header")
    return None


def parse_header(text: str, *, secret: bool = False) -> StaticHeader | HeaderError:
    """`Name: value` (as curl's -H takes it) into a static header."""
    name, sep, value = text.partition(":")
    name, value = name.strip(), value.strip()
    if not sep or not name:
        return HeaderError(f"{text!r} is not a header", "write it as 'Name: value'")
    bad = check_name(name)
    if bad is not None:
        return bad
    return StaticHeader(name, value, secret)


@dataclass(frozen=True)
class SentHeader:
    """A static header with its value expanded: what goes on the wire, and what to redact."""

    name: str
    value: str
    #: (placeholder name, secret value) pairs the redactor replaces wherever they show up.
    secrets: tuple[tuple[str, str], ...] = ()


def resolve(header: StaticHeader, env: Mapping[str, str]) -> SentHeader | HeaderError:
    """The header as sent, with the secret values it carries (none unless it is `secret`)."""
    value = header.expand(env)
    if isinstance(value, HeaderError):
        return value
    if not header.secret:
        return SentHeader(header.name, value)
    names = header.variables()
    secrets = tuple((n, env[n]) for n in names) if names else ((header.redaction_name(), value),)
    return SentHeader(header.name, value, secrets)
