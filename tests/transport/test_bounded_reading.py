"""Bodies are read within `--max-body`, decompression included; Retry-After never crashes."""

from __future__ import annotations

import asyncio
import gzip
import math
import zlib
from collections.abc import AsyncIterator, Callable

import httpx
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from conformance.plan.case import AuthSlot, Request
from conformance.transport.base import HttpxTransport, retry_after
from conformance.transport.reading import BodyTooLarge, UnsupportedEncoding, read_body


class _Chunks(httpx.AsyncByteStream):
    """A raw body arriving in small chunks, as from a socket."""

    def __init__(self, body: bytes, size: int = 4096) -> None:
        self._parts = [body[i : i + size] for i in range(0, len(body), size)]

    async def __aiter__(self) -> AsyncIterator[bytes]:
        for part in self._parts:
            yield part


def _streamed(body: bytes, encoding: str | None) -> httpx.Response:
    headers = {"content-encoding": encoding} if encoding else {}
    return httpx.Response(200, headers=headers, stream=_Chunks(body))


def _read(body: bytes, encoding: str | None, limit: int) -> bytes:
    return asyncio.run(read_body(_streamed(body, encoding), limit))


@pytest.mark.parametrize(
    ("encoding", "pack"),
    [
        (None, lambda b: b),
        ("gzip", gzip.compress),
        ("deflate", zlib.compress),
        ("deflate", lambda b: zlib.compress(b)[2:-4]),  # raw deflate, as some servers send it
    ],
)
def test_bodies_decode_up_to_exactly_the_limit(
    encoding: str | None, pack: Callable[[bytes], bytes]
) -> None:
    body = bytes(range(256)) * 64
    assert _read(pack(body), encoding, len(body)) == body
    with pytest.raises(BodyTooLarge):
        _read(pack(body), encoding, len(body) - 1)


class _Sized(httpx.AsyncByteStream):
    """A raw body arriving in the given chunk sizes (tiny and large mixed)."""

    def __init__(self, body: bytes, sizes: list[int]) -> None:
        self._parts: list[bytes] = []
        at = 0
        for size in sizes:
            self._parts.append(body[at : at + size])
            at += size
        self._parts.append(body[at:])

    async def __aiter__(self) -> AsyncIterator[bytes]:
        for part in self._parts:
            yield part


@settings(deadline=None, max_examples=40)  # an event loop per example
@given(
    st.binary(max_size=20_000).map(lambda b: b * 3),
    st.lists(st.sampled_from([0, 1, 7, 4095, 4096, 5000, 20_000]), max_size=30),
    st.integers(0, 70_000),
)
def test_any_chunking_reads_the_body_or_stops_at_the_limit(
    body: bytes, sizes: list[int], limit: int
) -> None:
    response = httpx.Response(200, stream=_Sized(body, sizes))
    if len(body) <= limit:
        assert asyncio.run(read_body(response, limit)) == body
    else:
        with pytest.raises(BodyTooLarge):
            asyncio.run(read_body(response, limit))


def test_a_decompression_bomb_stops_at_the_limit_without_inflating_it() -> None:
    z = zlib.compressobj(9, zlib.DEFLATED, 31)
    bomb = b"".join(z.compress(bytes(1 << 20)) for _ in range(256)) + z.flush()  # 256 MiB
    with pytest.raises(BodyTooLarge) as caught:
        _read(bomb, "gzip", 1 << 20)
    assert "1048576 bytes" in str(caught.value)


def test_an_encoding_not_asked_for_is_an_error() -> None:
    with pytest.raises(UnsupportedEncoding, match="br"):
        _read(b"whatever", "br", 1000)


def test_the_transport_turns_a_long_body_into_an_error_exchange() -> None:
    def handler(request: httpx.Request) -> httpx.Response:
        assert request.headers["accept-encoding"] == "gzip, deflate"
        return httpx.Response(200, content=b"x" * 5000)

    client = httpx.AsyncClient(transport=httpx.MockTransport(handler))
    t = HttpxTransport(client, "http://api.test", key="k" * 20, key_env="K", max_body=4096)
    exchange = asyncio.run(t.send(Request("GET", "/x", auth=AuthSlot("missing"))))
    assert exchange.response is None and "exceeds 4096 bytes" in (exchange.error or "")


@given(st.text(max_size=80))
def test_retry_after_never_raises_and_is_a_finite_wait_or_none(value: str) -> None:
    wait = retry_after(value)
    assert wait is None or (math.isfinite(wait) and wait >= 0)


@pytest.mark.parametrize(
    ("value", "expected"),
    [("soon-ish", None), ("Mon, 99 Foo 2026", None), ("nan", None), ("inf", None), ("-3", 0.0)],
)
def test_retry_after_rejects_what_is_neither_seconds_nor_a_date(
    value: str, expected: float | None
) -> None:
    assert retry_after(value) == expected
