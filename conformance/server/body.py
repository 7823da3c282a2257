"""Read a request body safely: bounded in size, strict JSON, never an exception for bad input.

A relay must answer 413 for a body over the documented limit without buffering it all, and 400
for anything that is not JSON (bad UTF-8, NaN, trailing garbage, nesting deep enough to blow the
parser's stack); a 5xx for bad input is a conformance failure in its own right.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from starlette.requests import Request

# Operations without a documented limit still get one, so the relay stays bounded in memory.
DEFAULT_BODY_LIMIT = 32 * 1024 * 1024
#: How far past its limit a relay with the unbounded-body fault reads: the fault serves oversized
#: bodies, but the relay process itself must stay bounded.
UNBOUNDED_FACTOR = 4


@dataclass(frozen=True)
class BodyProblem:
    """Why a body was refused: `too_large` (-> 413) or not JSON (-> 400), with a message."""

    too_large: bool
    message: str


def _no_constants(name: str) -> Any:
    raise ValueError(f"{name} is not valid JSON")


#: What `json.loads(text, parse_constant=...)` builds for every call, built once (it keeps no
#: state between documents).
_DECODER = json.JSONDecoder(parse_constant=_no_constants)


async def read_body(request: Request, limit: int) -> bytes | BodyProblem:
    """The raw body, or a problem when it is (or announces itself as) over `limit` bytes."""
    too_large = BodyProblem(True, f"Request payload size exceeds the limit: {limit} bytes.")
    declared = request.headers.get("content-length")
    if declared is not None:
        try:
            if int(declared) > limit:
                return too_large
        except ValueError:
            return BodyProblem(False, "Invalid Content-Length header.")
    chunks: list[bytes] = []
    total = 0
    async for chunk in request.stream():
        total += len(chunk)
        if total > limit:
            return too_large
        chunks.append(chunk)
    return b"".join(chunks)


def parse_json(raw: bytes) -> Any | BodyProblem:
    """The parsed document, or a problem naming where the JSON breaks."""
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        return BodyProblem(
            False, f"Invalid JSON payload received. Invalid UTF-8 at byte {exc.start}."
        )
    try:
        return _DECODER.decode(text)
    except json.JSONDecodeError as exc:
        return BodyProblem(
            False,
            f"Invalid JSON payload received. {exc.msg} at line {exc.lineno} column {exc.colno}.",
        )
    except (ValueError, RecursionError) as exc:
        return BodyProblem(False, f"Invalid JSON payload received. {exc}.")
