"""What a finished case keeps of its exchange: the one step between judging and reporting.

Checks need whole answers; reports need only status, headers, sizes, hashes and a body a reader
can look at. Keeping every answer whole made a run's memory grow with its cases (a 60 MB answer
x 50 cases). `retain` runs right after a case's checks (hooks that need whole bodies go before
it): a body up to `WHOLE_BYTES` is kept as is. A larger JSON body is kept with its long strings
(base64 images above all) cut exactly as a report shows them (`runner.elision`), re-serialised
from the parse the checks already made: the report is the same, and no image is decoded or
re-encoded for it. Any other large body, or a JSON one still larger than `SLIM_BYTES` after the
cut, is kept whole up to `SLIM_BYTES` if it is text, else cut to its first `HEAD_BYTES`. Either
way the original's length and SHA-256 stay on the response.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import replace

from conformance.exchange import Exchange, Response
from conformance.runner.elision import elided

#: Bodies up to this size are kept whole (every error envelope and small-payload answer).
WHOLE_BYTES = 64 * 1024
#: A slimmed body up to this size is kept; beyond it only the head is.
SLIM_BYTES = 1024 * 1024
HEAD_BYTES = 16 * 1024


def retain(exchange: Exchange) -> Exchange:
    """`exchange` with every answer body (polls and fetches included) reduced as above."""
    return replace(
        exchange,
        response=_response(exchange.response),
        polls=tuple(retain(p) for p in exchange.polls),
        fetches=tuple(retain(f) for f in exchange.fetches),
    )


def _slimmed(response: Response) -> bytes | None:
    """The JSON body with its long strings elided; None when not JSON or nothing was cut."""
    try:
        ok, document = response.parsed
        if not ok:
            return None
        cut, changed = elided(document)
        # ASCII escapes: a lone surrogate the parse let through must not fail the encoding.
        return json.dumps(cut, separators=(",", ":")).encode("ascii") if changed else None
    except (ValueError, RecursionError, MemoryError):  # a hostile body: keep its head only
        return None


def _is_text(body: bytes) -> bool:
    try:
        body.decode("utf-8")
    except UnicodeDecodeError:
        return False
    return True


def _response(response: Response | None) -> Response | None:
    if response is None or response.retained:
        return response
    if len(response.body) <= WHOLE_BYTES:
        # The checks' parsed copy of the body (`Response.parsed`) goes: kept, it held more
        # than the bytes themselves (22 MB of a 4x tree's ~140 MB of Python objects).
        return replace(response)
    body = response.body
    slimmed = _slimmed(response)
    if slimmed is None and len(body) <= SLIM_BYTES and _is_text(body):
        return response
    kept, how = (slimmed, "slimmed") if slimmed is not None else (body, "")
    if len(kept) > SLIM_BYTES or not how:
        kept, how = body[:HEAD_BYTES], "truncated"
    return replace(
        response,
        body=kept,
        original_size=len(body),
        original_sha256=hashlib.sha256(body).hexdigest(),
        retained=how,
    )
