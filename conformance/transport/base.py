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
import functools
import math
import time
from collections.abc import AsyncIterator, Awaitable, Callable, Sequence
from typing import Protocol, runtime_checkable
from zlib import error as zlib_error

import httpx

from conformance.exchange import Exchange, Response, Retry
from conformance.plan.case import Request
from conformance.spec.headers import SentHeader
from conformance.transport.headers import headers_for
from conformance.transport.padding import padded_chunks, padded_length
from conformance.transport.reading import (
    ACCEPT_ENCODING,
    DEFAULT_MAX_BODY,
    BodyTooLarge,
    UnsupportedEncoding,
    read_body,
)
from conformance.transport.redaction import Redactor, auth_parts

QueryValue = str | int | float | bool | None
RETRY_STATUSES = (429, 503)
MAX_WAIT = 60.0

#: Parsed request URLs, by their text (httpx.URL is immutable). `build_request` parses the URL
#: string of every request again: half of its ~50 us, while a run sends each operation's path
#: for case after case (in plan order, so a small cache holds the ones in flight).
_url = functools.lru_cache(maxsize=1024)(httpx.URL)

#: The headers a request sets, by lower-case name: (name, value) as sent, in the order first set.
SetHeaders = dict[bytes, tuple[bytes, bytes]]
_ACCEPT_ENCODING = ACCEPT_ENCODING.encode()


def _utf8(value: object) -> bytes:
    return str(value).encode("utf-8")


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
    """Seconds to wait from a Retry-After header (delta seconds or an HTTP date); None when the
    value is neither (the caller backs off as if there were no header)."""
    if not value:
        return None
    try:
        seconds = float(value)
    except ValueError:
        try:
            parsed = email.utils.parsedate_to_datetime(value)
        except (TypeError, ValueError, IndexError, OverflowError):
            return None
        if parsed.tzinfo is None:
            return None
        seconds = parsed.timestamp() - time.time()
    if not math.isfinite(seconds):
        return None
    return max(0.0, seconds)


def _origin(url: str) -> tuple[str, str, int | None]:
    parsed = httpx.URL(url)
    return parsed.scheme, parsed.host, parsed.port


class HttpxTransport:
    """Transport over an httpx.AsyncClient (real network or an in-process ASGI app).

    Each attempt (connect to last byte) is bounded by `timeout` as a whole, its body by
    `max_body` bytes after decompression. Redirects of API calls are never followed (the key
    would travel to wherever `Location` points): the 3xx is the answer, noted as such. Image
    fetches, which carry no key, follow redirects.
    """

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
        max_body: int = DEFAULT_MAX_BODY,
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
        self._max_body = max_body
        #: What `build_request(timeout=...)` would build for every request, built once.
        self._timeout_extension = httpx.Timeout(timeout).as_dict()
        self.redactor = Redactor({key_env: key})
        #: Static headers (spec and --header) for every request to this provider's origin.
        self.headers = tuple(headers)
        for header in self.headers:
            for name, value in header.secrets:
                self.redactor.add(name, value)

    def _build(
        self,
        method: str,
        url: str,
        query: list[tuple[str, QueryValue]],
        headers: SetHeaders,
        content: bytes | AsyncIterator[bytes] | None,
    ) -> httpx.Request:
        """What `client.build_request` builds, without its merging: ~45% of its ~50 us went to
        copying the client's headers and then ours into it, and to the URL, cookie and query
        merges, which change nothing for an absolute URL on a client without cookies or params
        (otherwise it is asked). The client's headers go first, less those the request sets, as
        `Headers.update` orders them; names and values are UTF-8, as `Headers.__setitem__`
        encodes them."""
        client = self.client
        target = _url(url)
        ours = list(headers.values())
        plain = all(name.isascii() for name, _ in ours)  # else httpx's merge raises: let it
        if target.is_relative_url or client.params or client.cookies or not plain:
            return client.build_request(
                method,
                target,
                params=query or None,
                headers=ours,
                content=content,
                extensions={"timeout": self._timeout_extension},
            )
        raw = [h for h in client.headers.raw if h[0].lower() not in headers]
        return httpx.Request(
            method,
            target,
            params=query or None,
            headers=raw + ours,
            content=content,
            extensions={"timeout": self._timeout_extension},
        )

    def url_for(self, request: Request) -> str:
        return request.url or self.base_url + request.path

    def _credentials(self, request: Request, url: str) -> tuple[dict[str, str], dict[str, str]]:
        """The auth headers and query: none for a URL outside the target's origin."""
        if request.url and _origin(url) != _origin(self.base_url):
            return {}, {}
        return auth_parts(request, self._key)

    async def _attempt(
        self,
        request: Request,
        url: str,
        query: list[tuple[str, QueryValue]],
        headers: SetHeaders,
    ) -> Response:
        body = request.body_json()
        data = body.encode() if body is not None else None
        content: bytes | AsyncIterator[bytes] | None = data
        if data is not None and request.padding:
            content = padded_chunks(data, request.padding)
            headers = dict(headers)  # a length, so the far side can refuse it unread
            headers[b"content-length"] = (
                b"Content-Length",
                _utf8(padded_length(data, request.padding)),
            )
        built = self._build(request.method, url, query, headers, content)
        t0 = time.monotonic()
        async with asyncio.timeout(self._timeout):
            answer = await self.client.send(
                built,
                stream=True,
                follow_redirects=request.auth.mode == "missing" and bool(request.url),
            )
            try:
                content = await read_body(answer, self._max_body)
            finally:
                await answer.aclose()
        return Response(
            answer.status_code,
            tuple((k, self.redactor.text(v)) for k, v in answer.headers.items()),
            self.redactor.bytes(content),
            time.monotonic() - t0,
        )

    async def send(self, request: Request) -> Exchange:
        url = self.url_for(request)
        auth_headers, params = self._credentials(request, url)
        headers: SetHeaders = {b"accept-encoding": (b"Accept-Encoding", _ACCEPT_ENCODING)}
        static = headers_for(url, self.base_url, self.headers)
        for name, value in [*static.items(), *request.headers, *auth_headers.items()]:
            # the case's own headers and key slot win, case-insensitively
            sent = _utf8(name)
            headers[sent.lower()] = (sent, _utf8(value))
        query: list[tuple[str, QueryValue]] = [
            *request.query,
            *params.items(),
        ]
        retries: list[Retry] = []
        started = time.monotonic()
        shown = self.redactor.text(str(httpx.URL(url, params=query) if query else url))

        def failed(message: str) -> Exchange:
            return Exchange(
                request,
                shown,
                None,
                self.redactor.text(message),
                tuple(retries),
                time.monotonic() - started,
            )

        while True:
            await self._limiter.acquire()
            try:
                response = await self._attempt(request, url, query, headers)
            except (TimeoutError, httpx.TimeoutException):
                return failed(f"timeout after {self._timeout:g} s")
            except (BodyTooLarge, UnsupportedEncoding) as exc:
                return failed(str(exc))
            except (httpx.HTTPError, OSError, ValueError, zlib_error) as exc:
                return failed(f"{type(exc).__name__}: {exc}")
            if response.status in RETRY_STATUSES and len(retries) < self._retries:
                header = response.header("retry-after")
                wait = retry_after(header)
                if wait is None:
                    wait = self._backoff * (2 ** len(retries))
                wait = min(wait, MAX_WAIT)
                retries.append(Retry(response.status, wait, header))
                await self._sleep(wait)
                continue
            notes: tuple[str, ...] = ()
            if 300 <= response.status < 400 and response.header("location") is not None:
                notes = (
                    f"answered {response.status} redirect to {response.header('location')}; "
                    "not followed: an API call's credentials go only to the target's origin",
                )
            return Exchange(
                request,
                shown,
                response,
                None,
                tuple(retries),
                time.monotonic() - started,
                notes=notes,
            )

    async def aclose(self) -> None:
        if self._owns:
            await self.client.aclose()
