"""A live service: `--base-url URL --provider P`, the key read from an environment variable."""

from __future__ import annotations

import os
import select
from collections.abc import Iterable, Sequence
from typing import Any

import httpcore
import httpx

from conformance.spec.headers import SentHeader
from conformance.transport.base import HttpxTransport, RateLimiter
from conformance.transport.cookies import lean_cookies
from conformance.transport.reading import DEFAULT_MAX_BODY


class MissingKey(Exception):
    """The environment variable that should hold the API key is unset or empty."""


def read_key(env: str) -> str:
    value = os.environ.get(env, "")
    if not value:
        raise MissingKey(f"set {env} to the API key (it is read from the environment only)")
    return value


def _readable(sock: Any) -> bool:
    """Whether a read would not block: on an idle keep-alive connection, the server closed it."""
    fd = sock.fileno()
    if fd < 0:
        return True
    if hasattr(select, "poll"):
        poller = select.poll()
        poller.register(fd, select.POLLIN)
        return bool(poller.poll(0))
    return bool(select.select([fd], [], [], 0)[0])  # pragma: no cover (Windows)


class _Stream(httpcore.AsyncNetworkStream):
    """An httpcore stream that answers `is_readable` from its socket, looked up once.

    httpcore asks every idle pooled connection `is_readable` each time a request enters or leaves
    the pool (encode/httpcore#928); anyio answers by rebuilding its attribute table, with a
    getpeername() system call, on every question. With 16 cases in flight that bookkeeping was
    about a fifth of the client's CPU per request. Everything else is delegated unchanged.
    """

    def __init__(self, inner: httpcore.AsyncNetworkStream) -> None:
        self._inner = inner
        sock = inner.get_extra_info("socket")  # asyncio's TransportSocket, a socket.socket on trio
        self._socket = sock if callable(getattr(sock, "fileno", None)) else None

    async def read(self, max_bytes: int, timeout: float | None = None) -> bytes:
        return await self._inner.read(max_bytes, timeout)

    async def write(self, buffer: bytes, timeout: float | None = None) -> None:
        await self._inner.write(buffer, timeout)

    async def aclose(self) -> None:
        await self._inner.aclose()

    async def start_tls(
        self, ssl_context: Any, server_hostname: str | None = None, timeout: float | None = None
    ) -> httpcore.AsyncNetworkStream:
        return _Stream(await self._inner.start_tls(ssl_context, server_hostname, timeout))

    def get_extra_info(self, info: str) -> Any:
        if info == "is_readable" and self._socket is not None:
            return _readable(self._socket)
        return self._inner.get_extra_info(info)


class _Backend(httpcore.AsyncNetworkBackend):
    """Wraps httpcore's network backend so that every stream it opens is a `_Stream`."""

    def __init__(self, inner: httpcore.AsyncNetworkBackend) -> None:
        self._inner = inner

    async def connect_tcp(
        self,
        host: str,
        port: int,
        timeout: float | None = None,
        local_address: str | None = None,
        socket_options: Iterable[Any] | None = None,
    ) -> httpcore.AsyncNetworkStream:
        stream = await self._inner.connect_tcp(
            host, port, timeout=timeout, local_address=local_address, socket_options=socket_options
        )
        return _Stream(stream)

    async def connect_unix_socket(
        self, path: str, timeout: float | None = None, socket_options: Iterable[Any] | None = None
    ) -> httpcore.AsyncNetworkStream:  # pragma: no cover (unused: base URLs are http(s))
        stream = await self._inner.connect_unix_socket(
            path, timeout=timeout, socket_options=socket_options
        )
        return _Stream(stream)

    async def sleep(self, seconds: float) -> None:
        await self._inner.sleep(seconds)


def pooled_transport(limits: httpx.Limits) -> httpx.AsyncHTTPTransport:
    """httpx's transport with the cheap `is_readable` streams (unchanged if httpx's internals
    move: then only slower)."""
    transport = httpx.AsyncHTTPTransport(limits=limits)
    pool = getattr(transport, "_pool", None)
    backend = getattr(pool, "_network_backend", None)
    if isinstance(backend, httpcore.AsyncNetworkBackend):
        setattr(pool, "_network_backend", _Backend(backend))  # noqa: B010
    return transport


def live_transport(
    base_url: str,
    key_env: str,
    *,
    timeout: float = 180.0,
    max_body: int = DEFAULT_MAX_BODY,
    retries: int = 3,
    rate: float | None = None,
    concurrency: int = 8,
    headers: Sequence[SentHeader] = (),
) -> HttpxTransport:
    """An httpx transport to `base_url`, with the key from `$key_env`."""
    key = read_key(key_env)
    limits = httpx.Limits(max_connections=max(concurrency, 1) * 2)
    client = lean_cookies(
        httpx.AsyncClient(
            timeout=timeout, transport=pooled_transport(limits), follow_redirects=False
        )
    )
    return HttpxTransport(
        client,
        base_url,
        key=key,
        key_env=key_env,
        timeout=timeout,
        max_body=max_body,
        retries=retries,
        limiter=RateLimiter(rate),
        headers=headers,
    )
