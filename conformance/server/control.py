"""The relay's control routes for sandwich runs: the journal and the per-case scripts.

- ``GET /_relay/journal[?marker=HEX]``: ``{"entries": [...], "dropped": N}``, every journaled
  request (or those whose body carried `[conformance-case:HEX]`), oldest first.
- ``DELETE /_relay/journal``: forget every entry.
- ``POST /_relay/scripts`` with ``{"marker": HEX, "script": NAME}``: answer requests carrying
  that marker with the script (`conformance.server.scripts.SCRIPTS`).

They hold no secrets (the journal redacts credentials), so they need no key; the relay listens
on loopback by default. `journaled` wraps each provider route: it reads the body (when its
declared length is within the cap), runs the pipeline or the case's script, and records both.
"""

from __future__ import annotations

import json
from collections.abc import Awaitable, Callable
from typing import TYPE_CHECKING

from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from conformance.server.auth import authenticate
from conformance.server.errors import ErrorKind
from conformance.server.journal import MARKER, Journal, entry_to_json
from conformance.server.scripts import SCRIPTS, Scripts, response_bytes, scripted
from conformance.spec.model import Provider

if TYPE_CHECKING:
    from conformance.server.app import Relay

JOURNAL_PATH = "/_relay/journal"
SCRIPTS_PATH = "/_relay/scripts"
#: Bodies declared larger than this are journaled without their content (size only).
READ_CAP = 32 * 1024 * 1024


def _verdict(provider: Provider, request: Request, keys: tuple[str, ...]) -> str:
    refused = authenticate(provider, request.headers, request.query_params, keys)
    if refused is None:
        return "accepted"
    return "missing" if refused.kind == ErrorKind.AUTH_MISSING else "wrong"


async def _body(request: Request) -> tuple[bytes, int]:
    declared = request.headers.get("content-length")
    try:
        size = int(declared) if declared is not None else None
    except ValueError:
        return b"", 0
    if size is None or size > READ_CAP:
        return b"", size or 0
    body = await request.body()
    return body, len(body)


async def journaled(
    relay: Relay,
    journal: Journal,
    scripts: Scripts,
    provider: Provider,
    request: Request,
    handle: Callable[[], Awaitable[Response]],
) -> Response:
    """The answer to `request` (scripted when its marker has a script), journaled."""
    body, size = await _body(request)
    markers = frozenset(MARKER.findall(body.decode("utf-8", "replace")))
    script = scripts.for_markers(markers) if markers else None
    response = await (scripted(script, handle) if script else handle())
    journal.record(
        method=request.method,
        path=request.url.path,
        query=request.query_params.multi_items(),
        headers=request.headers.items(),
        body=body,
        status=response.status_code,
        response_body=response_bytes(response, journal.max_body),
        auth=_verdict(provider, request, relay.options.keys),
        script=script,
        body_size=size,
    )
    return response


async def journal_endpoint(journal: Journal, request: Request) -> Response:
    if request.method == "DELETE":
        journal.clear()
        return JSONResponse({"entries": [], "dropped": 0})
    marker = request.query_params.get("marker")
    entries = journal.entries(marker)
    return JSONResponse(
        {"entries": [entry_to_json(e) for e in entries], "dropped": journal.dropped}
    )


async def scripts_endpoint(scripts: Scripts, request: Request) -> Response:
    try:
        data = json.loads(await request.body())
        marker, script = str(data["marker"]), str(data["script"])
        if not MARKER.fullmatch(f"[conformance-case:{marker}]"):
            raise ValueError(f"marker must be 16 lowercase hex digits, not {marker!r}")
        scripts.register(marker, script)
    except (ValueError, KeyError, TypeError) as exc:
        return JSONResponse(
            {"error": {"message": str(exc), "scripts": sorted(SCRIPTS)}}, status_code=400
        )
    return JSONResponse({"marker": marker, "script": script})
