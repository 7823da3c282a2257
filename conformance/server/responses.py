"""Send multi-MB bodies in slices, so memory per connection stays small under load.

A 4K answer is 5-35 MB. Joined into one bytes object and handed to the transport, every slow
client pins a private copy of the whole body (plus asyncio's copy of what it could not send yet),
and RSS grows with the number of clients in flight. Sent as slices of the cached payloads, with
the server's flow control between them, each connection holds at most a slice or two.
"""

from __future__ import annotations

from collections.abc import Sequence

from starlette.responses import Response
from starlette.types import Receive, Scope, Send

SLICE = 256 * 1024
# Below this, one joined body costs less than several ASGI messages.
JOIN_BELOW = 1024 * 1024


class PiecesResponse(Response):
    """A response whose body is the concatenation of `pieces`, sent slice by slice."""

    def __init__(
        self,
        pieces: Sequence[bytes],
        status_code: int = 200,
        media_type: str | None = None,
        headers: dict[str, str] | None = None,
    ) -> None:
        self.pieces = pieces
        self.status_code = status_code
        if media_type is not None:
            self.media_type = media_type
        self.background = None
        total = sum(len(p) for p in pieces)
        self.init_headers({**(headers or {}), "content-length": str(total)})

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        await send(
            {"type": "http.response.start", "status": self.status_code, "headers": self.raw_headers}
        )
        for piece in self.pieces:
            for start in range(0, len(piece), SLICE):
                await send(
                    {
                        "type": "http.response.body",
                        "body": piece[start : start + SLICE],
                        "more_body": True,
                    }
                )
        await send({"type": "http.response.body", "body": b"", "more_body": False})


def body_response(
    pieces: Sequence[bytes],
    status_code: int,
    media_type: str,
    headers: dict[str, str] | None = None,
) -> Response:
    """A plain Response for small bodies, a sliced one for large ones."""
    if sum(len(p) for p in pieces) < JOIN_BELOW:
        return Response(
            b"".join(pieces), status_code=status_code, media_type=media_type, headers=headers
        )
    return PiecesResponse(pieces, status_code, media_type, headers)
