"""The same transport over an in-process ASGI app (the built-in reference relay): no sockets.

One httpx client serves every provider; each provider gets a transport whose base URL is the
relay's mount point for it (`http://relay/<provider>`).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import httpx

from conformance.spec.headers import SentHeader
from conformance.transport.base import HttpxTransport, RateLimiter
from conformance.transport.cookies import lean_cookies
from conformance.transport.reading import DEFAULT_MAX_BODY

RELAY_ORIGIN = "http://relay"


def asgi_client(app: Any, timeout: float = 180.0) -> httpx.AsyncClient:
    return lean_cookies(
        httpx.AsyncClient(
            transport=httpx.ASGITransport(app=app), base_url=RELAY_ORIGIN, timeout=timeout
        )
    )


def asgi_transport(
    client: httpx.AsyncClient,
    provider: str,
    *,
    key: str,
    key_env: str,
    timeout: float = 180.0,
    max_body: int = DEFAULT_MAX_BODY,
    retries: int = 3,
    limiter: RateLimiter | None = None,
    headers: Sequence[SentHeader] = (),
) -> HttpxTransport:
    """A transport for one provider of the in-process relay (the client is shared, not owned)."""
    return HttpxTransport(
        client,
        f"{RELAY_ORIGIN}/{provider}",
        key=key,
        key_env=key_env,
        timeout=timeout,
        max_body=max_body,
        retries=retries,
        limiter=limiter,
        owns_client=False,
        headers=headers,
    )
