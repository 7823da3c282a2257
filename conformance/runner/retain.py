"""What a finished case keeps of its exchange: the one step between judging and reporting.

Checks need whole answers; reports need only status, headers, sizes, hashes and a body a reader
can look at. Keeping every answer whole made a run's memory grow with its cases (a 60 MB answer
x 50 cases). `retain` runs right after a case's checks (hooks that need whole bodies go before
it): a body up to `WHOLE_BYTES` is kept as is; a larger one is slimmed (its images replaced by
flat stand-ins of the same format and size, `images.bodies.slim_body`), and if it is still
larger than `SLIM_BYTES`, cut to its first `HEAD_BYTES`. Either way the original's length and
SHA-256 stay on the response.
"""

from __future__ import annotations

import hashlib
from dataclasses import replace

from conformance.exchange import Exchange, Response
from conformance.images.bodies import slim_body

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


def _response(response: Response | None) -> Response | None:
    if response is None or response.retained:
        return response
    if len(response.body) <= WHOLE_BYTES:
        # The checks' parsed copy of the body (`Response.parsed`) goes: kept, it held more
        # than the bytes themselves (22 MB of a 4x tree's ~140 MB of Python objects).
        return replace(response)
    body = response.body
    digest = hashlib.sha256(body).hexdigest()
    try:
        slimmed, done = slim_body(body, response.media_type)
    except (ValueError, RecursionError, MemoryError):  # a hostile body: keep its head only
        slimmed, done = body, []
    if not done and len(body) <= SLIM_BYTES:
        return response
    how = "slimmed"
    if len(slimmed) > SLIM_BYTES:
        slimmed, how = body[:HEAD_BYTES], "truncated"
    return replace(
        response, body=slimmed, original_size=len(body), original_sha256=digest, retained=how
    )
