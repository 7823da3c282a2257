"""An oversized request body, generated while it is sent: never held whole in memory.

The oversized-body wire form (`plan/wire_negative.py`) sends the operation's smallest valid body
with `Request.padding` bytes of JSON whitespace after its first byte: the same JSON value, over
the documented request-size limit by one byte. A 20 MiB body per operation would otherwise sit in
the plan, in every exchange and in the transport's buffers; here it is a length (sent as
`Content-Length`, so the far side can refuse it before reading) and an async generator of one
reused block. Measured (tests/transport/test_padding.py): a 20 MiB body streams through the
in-process relay with under 4 MiB of extra peak memory.
"""

from __future__ import annotations

from collections.abc import AsyncIterator

#: Whitespace per chunk: large enough that a 20 MiB body is twenty writes (each chunk costs a
#: trip through httpx, httpcore and h11: with 64 KiB chunks the three oversized bodies of a
#: realistic-payload run took 0.055 s of client CPU, with 1 MiB ones 0.02 s), small enough
#: that the one block kept alive is negligible.
CHUNK = 1024 * 1024
_BLOCK = b" " * CHUNK


def padded_length(body: bytes, padding: int) -> int:
    """The bytes on the wire: the body plus its padding."""
    return len(body) + padding


async def padded_chunks(body: bytes, padding: int) -> AsyncIterator[bytes]:
    """`body[:1]`, then `padding` spaces in CHUNK-sized pieces, then the rest of `body`."""
    yield body[:1]
    left = padding
    while left > 0:
        size = min(left, CHUNK)
        yield _BLOCK if size == CHUNK else _BLOCK[:size]
        left -= size
    yield body[1:]
