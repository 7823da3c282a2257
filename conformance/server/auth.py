"""Authenticate a request exactly as its provider documents: schemes and rejections from the spec.

Each provider's `auth.schemes` lists where a key may travel (Bearer header, a named header, a
query parameter); `auth.missing` and `auth.wrong` say how the provider refuses. Google refuses a
wrong key with 400 INVALID_ARGUMENT and ErrorInfo reason API_KEY_INVALID, which the spec records
(specs/providers/google.yaml); the relay answers with the first status each rejection lists.
"""

from __future__ import annotations

import hmac
from collections.abc import Mapping

from conformance.server.errors import ErrorKind, RelayError
from conformance.spec.model import AuthScheme, Provider

_BEARER = "bearer "


def presented_key(
    scheme: AuthScheme, headers: Mapping[str, str], query: Mapping[str, str]
) -> str | None:
    """The key a request sends through `scheme`, or None when it does not use that scheme.

    A header that is present but not in the scheme's form (e.g. `Authorization: Basic ...`)
    counts as a wrong key, not a missing one.
    """
    if scheme.kind == "bearer":
        value = headers.get(scheme.name.lower())
        if value is None:
            return None
        return value[len(_BEARER) :].strip() if value.lower().startswith(_BEARER) else value
    if scheme.kind == "header":
        return headers.get(scheme.name.lower())
    return query.get(scheme.name)


def authenticate(
    provider: Provider, headers: Mapping[str, str], query: Mapping[str, str], keys: tuple[str, ...]
) -> RelayError | None:
    """None when some scheme carries an accepted key, else the provider's rejection."""
    sent = [k for s in provider.auth.schemes if (k := presented_key(s, headers, query)) is not None]
    for key in sent:
        if any(hmac.compare_digest(key.encode(), accepted.encode()) for accepted in keys):
            return None
    auth = provider.auth
    rejection, kind = (
        (auth.wrong, ErrorKind.AUTH_WRONG) if sent else (auth.missing, ErrorKind.AUTH_MISSING)
    )
    return RelayError(
        status=rejection.status[0],
        kind=kind,
        message=rejection.message,
        label=rejection.error_status,
        reason=rejection.reason,
    )
