"""The transport contract, and the httpx implementation both targets share.

`Transport.send(request) -> Exchange` is the whole contract: live services, the in-process relay
and cassettes all fit it. The httpx implementation injects the key from the request's auth slot,
applies the timeout, retries 429 and 503 with exponential backoff honouring `Retry-After`
(recording each retry in the exchange), spaces requests by the rate limit, and redacts the key
from everything it returns.
"""

from __future__ import annotations

import asyncio
import email.utils
import time
from collections.abc import Awaitable, Callable, Sequence
from typing import Protocol, runtime_checkable

import httpx

from conformance.exchange import Exchange, Response, Retry
from conformance.plan.case import Request
from conformance.spec.headers import SentHeader
from conformance.transport.headers import headers_for
from conformance.transport.redaction import Redactor, auth_parts

RETRY_STATUSES = (429, 503)
MAX_WAIT = 60.0


@runtime_checkable
class Transport(Protocol):
    """Sends one request and returns what happened; never raises for HTTP or network trouble."""

    base_url: str
    key_env: str

    async def send(self, request: Request) -> Exchange: ...

    async def aclose(self) -> None: ...


class RateLimiter:
    """Spaces request starts at least 1/rate seconds apart (None: no limit)."""

    def __init__(self, rate: float | None) -> None:
        self._interval = 1.0 / rate if rate else 0.0
        self._next = 0.0
        self._lock = asyncio.Lock()

    async def acquire(self) -> None:
        if not self._interval:
            return
        async with self._lock:
            now = time.monotonic()
            wait = self._next - now
            self._next = max(now, self._next) + self._interval
        if wait > 0:
            await asyncio.sleep(wait)


def retry_after(value: str | None) -> float | None:
    """Seconds to wait from a Retry-After header (delta seconds or an HTTP date)."""
    if not value:
        return None
    try:
        return max(0.0, float(value))
    except ValueError:
        parsed = email.utils.parsedate_to_datetime(value) if value else None
        if parsed is None:
            return None
        return max(0.0, parsed.timestamp() - time.time())


class HttpxTransport:
    """Transport over an httpx.AsyncClient (real network or an in-process ASGI app)."""

    def __init__(
        self,
        client: httpx.AsyncClient,
        base_url: str,
        *,
        key: str,
        key_env: str,
        timeout: float = 180.0,
        retries: int = 3,
        backoff: float = 1.0,
        limiter: RateLimiter | None = None,
        owns_client: bool = True,
        sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
        headers: Sequence[SentHeader] = (),
    ) -> None:
        self.client = client
        self.base_url = base_url.rstrip("/")
        self.key_env = key_env
        self._key = key
        self._timeout = timeout
        self._retries = retries
        self._backoff = backoff
        self._limiter = limiter or RateLimiter(None)
        self._owns = owns_client
        self._sleep = sleep
        self.redactor = Redactor({key_env: key})
        #: Static headers (spec and --header) for every request to this provider's origin.
        self.headers = tuple(headers)
        for header in self.headers:
            for name, value in header.secrets:
                self.redactor.add(name, value)

    def url_for(self, request: Request) -> str:
        return request.url or self.base_url + request.path

    async def send(self, request: Request) -> Exchange:
        headers, params = auth_parts(request, self._key)
        url = self.url_for(request)
        static = headers_for(url, self.base_url, self.headers)
        merged = httpx.Headers(static)
        for name, value in [*request.headers, *headers.items()]:
            merged[name] = value  # the case's own headers and key slot win, case-insensitively
        query: list[tuple[str, str | int | float | bool | None]] = [*request.query, *params.items()]
        body = request.body_json()
        content = body.encode() if body is not None else None
        retries: list[Retry] = []
        started = time.monotonic()
        shown = self.redactor.text(str(httpx.URL(url, params=query) if query else url))
        while True:
            await self._limiter.acquire()
            t0 = time.monotonic()
            try:
                answer = await self.client.request(
                    request.method,
                    url,
                    params=query or None,
                    headers=merged,
                    content=content,
                    timeout=self._timeout,
                )
            except httpx.TimeoutException:
                return Exchange(
                    request,
                    shown,
                    None,
                    f"timeout after {self._timeout:g} s",
                    tuple(retries),
                    time.monotonic() - started,
                )
            except httpx.HTTPError as exc:
                message = self.redactor.text(f"{type(exc).__name__}: {exc}")
                return Exchange(
                    request, shown, None, message, tuple(retries), time.monotonic() - started
                )
            response = Response(
                answer.status_code,
                tuple((k, self.redactor.text(v)) for k, v in answer.headers.items()),
                self.redactor.bytes(answer.content),
                time.monotonic() - t0,
            )
            if answer.status_code in RETRY_STATUSES and len(retries) < self._retries:
                header = answer.headers.get("retry-after")
                wait = retry_after(header)
                if wait is None:
                    wait = self._backoff * (2 ** len(retries))
                wait = min(wait, MAX_WAIT)
                retries.append(Retry(answer.status_code, wait, header))
                await self._sleep(wait)
                continue
            return Exchange(
                request, shown, response, None, tuple(retries), time.monotonic() - started
            )

    async def aclose(self) -> None:
        if self._owns:
            await self.client.aclose()
