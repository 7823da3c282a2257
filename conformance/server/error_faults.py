"""The faults that spoil error bodies after the relay has rendered them in their envelope.

Real relays break errors on the way back: they re-wrap an upstream error with their own code
(`inconsistent-envelope`), drop what they do not understand (`drop-error-details`), answer in
debug mode with a traceback (`leak-traceback`), or echo the request into the message
(`echo-key`). Applying these to the finished JSON body keeps every error path of the relay
honest: each fault changes only what its name says, on every error the relay produces.
"""

from __future__ import annotations

import json
from typing import Any

from starlette.requests import Request
from starlette.responses import Response

from conformance.server import faults as f
from conformance.server.auth import presented_key
from conformance.server.options import RelayOptions
from conformance.spec.model import Provider

BODY_FAULTS = frozenset(
    {f.INCONSISTENT_ENVELOPE, f.DROP_ERROR_DETAILS, f.LEAK_TRACEBACK, f.ECHO_KEY}
)

#: What a Python relay in debug mode prints: a traceback through its own source files.
TRACEBACK = (
    "Traceback (most recent call last):\n"
    '  File "/srv/relay/app/handlers.py", line 212, in generate\n'
    '    payload = body["instances"]\n'
    "KeyError: 'instances'"
)


def _spoil(
    provider: Provider, error: dict[str, Any], request: Request, faults: frozenset[str]
) -> None:
    if f.INCONSISTENT_ENVELOPE in faults and isinstance(error.get("code"), int):
        error["code"] = 500
        if "status" in error:
            error["status"] = "INTERNAL"
    if f.DROP_ERROR_DETAILS in faults:
        error.pop("details", None)
        if "param" in error:
            error["param"] = None
    if f.LEAK_TRACEBACK in faults:
        error["message"] = f"{error.get('message', '')}\n{TRACEBACK}"
    if f.ECHO_KEY in faults:
        sent = [
            key
            for scheme in provider.auth.schemes
            if (key := presented_key(scheme, request.headers, request.query_params)) is not None
        ]
        if sent:
            error["message"] = f"{error.get('message', '')} (request key: {sent[0]})"


def spoil_error(
    response: Response, request: Request, provider: Provider, options: RelayOptions
) -> Response:
    """`response` with the body faults of `options` applied when it is a JSON error answer."""
    active = options.faults & BODY_FAULTS
    if not active or response.status_code < 400:
        return response
    try:
        body = json.loads(bytes(response.body))
    except ValueError:
        return response
    error = body.get("error") if isinstance(body, dict) else None
    if not isinstance(error, dict):
        return response
    _spoil(provider, error, request, active)
    headers = {k: v for k, v in response.headers.items() if k.lower() != "content-length"}
    return Response(
        json.dumps(body).encode("ascii"),
        status_code=response.status_code,
        headers=headers,
        media_type=response.media_type,
    )
