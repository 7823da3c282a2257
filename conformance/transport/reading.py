"""Reading an answer body within a size limit, decompression included.

httpx's own decoders inflate whatever a chunk holds (a 64 KiB chunk of a gzip bomb is ~64 MiB)
and `Response.aread()` keeps reading for as long as the server sends, so a hostile upstream
could exhaust the suite's memory with an endless stream or a 1 MiB -> 1 GiB gzip body. Here
the raw stream is read chunk by chunk and inflated with `zlib`'s `max_length`, so no more than
`limit` decoded bytes (+ one raw chunk) are ever held; the first byte beyond it stops the read.
httpx offers no such bound, which is why this is hand-written. Only the encodings the suite
asks for (`Accept-Encoding: gzip, deflate`) are decoded; any other is an error, not a guess.
"""

from __future__ import annotations

import zlib

import httpx

#: Default `--max-body`: four 4K images as base64 JSON (~4 x 50 MiB) with room to spare.
DEFAULT_MAX_BODY = 256 * 1024 * 1024
ACCEPT_ENCODING = "gzip, deflate"


class BodyTooLarge(Exception):
    """The answer (after decompression) is longer than the limit; reading stopped there."""

    def __init__(self, limit: int) -> None:
        super().__init__(
            f"answer body exceeds {limit} bytes (--max-body); reading stopped at the limit"
        )
        self.limit = limit


class UnsupportedEncoding(Exception):
    """A Content-Encoding the suite did not ask for."""


class _Inflater:
    """One zlib stream inflated with at most `limit` bytes of output in total."""

    def __init__(self, encoding: str, limit: int) -> None:
        self._encoding = encoding
        self._limit = limit
        self._produced = 0
        self._started = False
        self._z = zlib.decompressobj(zlib.MAX_WBITS | 16 if "gzip" in encoding else zlib.MAX_WBITS)

    def feed(self, data: bytes) -> bytes:
        if not self._started and self._encoding == "deflate":
            self._started = True
            try:  # "deflate" is zlib-wrapped per RFC 9110, raw in the wild: accept both
                return self._inflate(data)
            except zlib.error:
                self._z = zlib.decompressobj(-zlib.MAX_WBITS)
        self._started = True
        return self._inflate(data)

    def _inflate(self, data: bytes) -> bytes:
        out = bytearray()
        while data and not self._z.eof:
            room = self._limit - self._produced - len(out)
            out += self._z.decompress(data, room + 1)
            if self._produced + len(out) > self._limit:
                raise BodyTooLarge(self._limit)
            data = self._z.unconsumed_tail
        self._produced += len(out)
        return bytes(out)

    def flush(self) -> bytes:
        rest = self._z.flush()
        self._produced += len(rest)
        if self._produced > self._limit:
            raise BodyTooLarge(self._limit)
        return rest


def _codings(response: httpx.Response) -> list[str]:
    value = response.headers.get("content-encoding", "")
    names = [v.strip().lower() for v in value.split(",") if v.strip()]
    names = [n for n in names if n != "identity"]
    for name in names:
        if name not in ("gzip", "x-gzip", "deflate"):
            raise UnsupportedEncoding(
                f"Content-Encoding {name} was not asked for (Accept-Encoding: {ACCEPT_ENCODING})"
            )
    return names


async def read_body(response: httpx.Response, limit: int) -> bytes:
    """The decoded body of a streamed `response`, or BodyTooLarge past `limit` bytes."""
    if response.is_stream_consumed:  # already read (a cassette replay): only the limit to check
        content = response.content
        if len(content) > limit:
            raise BodyTooLarge(limit)
        return content
    inflaters = [_Inflater(name, limit) for name in reversed(_codings(response))]
    body = _Chunks()
    async for chunk in response.aiter_raw():
        for inflater in inflaters:
            chunk = inflater.feed(chunk)
        body.add(chunk)
        if body.size > limit:
            raise BodyTooLarge(limit)
    tail = b""
    for inflater in inflaters:
        tail = inflater.feed(tail) + inflater.flush() if tail else inflater.flush()
    body.add(tail)
    if body.size > limit:
        raise BodyTooLarge(limit)
    return body.join()


class _Chunks:
    """A body as the chunks it arrived in, joined once at the end.

    A growing bytearray and its final bytes() copied a 30 MB answer about three times over.
    Small chunks (a server trickling bytes) are gathered first, so that the list never costs
    more than a few per cent over the bytes it holds.
    """

    SMALL = 4096

    def __init__(self) -> None:
        self._chunks: list[bytes] = []
        self._small = bytearray()
        self.size = 0

    def add(self, chunk: bytes) -> None:
        self.size += len(chunk)
        if len(chunk) >= self.SMALL:
            self._flush()
            self._chunks.append(chunk)
            return
        self._small += chunk
        if len(self._small) >= self.SMALL:
            self._flush()

    def _flush(self) -> None:
        if self._small:
            self._chunks.append(bytes(self._small))
            self._small.clear()

    def join(self) -> bytes:
        self._flush()
        return b"".join(self._chunks)
