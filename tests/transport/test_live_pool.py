"""The live transport's pooled streams: a keep-alive connection the server closed is not reused."""

from __future__ import annotations

import asyncio

import httpx

from conformance.transport.live import _Stream, pooled_transport

ANSWER = b"HTTP/1.1 200 OK\r\nContent-Length: 2\r\nConnection: keep-alive\r\n\r\nok"


async def _serve_once_then_close(
    reader: asyncio.StreamReader, writer: asyncio.StreamWriter
) -> None:
    await reader.readuntil(b"\r\n\r\n")
    writer.write(ANSWER)
    await writer.drain()
    writer.close()  # promised keep-alive, closed anyway: the idle pooled socket turns readable


def test_closed_idle_connection_is_detected_and_replaced() -> None:
    async def go() -> list[int]:
        server = await asyncio.start_server(_serve_once_then_close, "127.0.0.1", 0)
        port = server.sockets[0].getsockname()[1]
        transport = pooled_transport(httpx.Limits(max_connections=4))
        statuses = []
        async with server, httpx.AsyncClient(transport=transport) as client:
            for _ in range(3):
                statuses.append((await client.get(f"http://127.0.0.1:{port}/")).status_code)
                streams = [c._connection._network_stream for c in transport._pool._connections]  # type: ignore[attr-defined]
                assert all(isinstance(s, _Stream) for s in streams)
                await asyncio.sleep(0.05)
        return statuses

    assert asyncio.run(go()) == [200, 200, 200]
