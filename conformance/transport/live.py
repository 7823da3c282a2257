"""A live service: `--base-url URL --provider P`, the key read from an environment variable."""

from __future__ import annotations

import os

import httpx

from conformance.transport.base import HttpxTransport, RateLimiter


class MissingKey(Exception):
    """The environment variable that should hold the API key is unset or empty."""


def read_key(env: str) -> str:
    value = os.environ.get(env, "")
    if not value:
        raise MissingKey(f"set {env} to the API key (it is read from the environment only)")
    return value


def live_transport(
    base_url: str,
    key_env: str,
    *,
    timeout: float = 180.0,
    retries: int = 3,
    rate: float | None = None,
    concurrency: int = 8,
) -> HttpxTransport:
    """An httpx transport to `base_url`, with the key from `$key_env`."""
    key = read_key(key_env)
    limits = httpx.Limits(max_connections=max(concurrency, 1) * 2)
    client = httpx.AsyncClient(timeout=timeout, limits=limits, follow_redirects=True)
    return HttpxTransport(
        client,
        base_url,
        key=key,
        key_env=key_env,
        timeout=timeout,
        retries=retries,
        limiter=RateLimiter(rate),
    )
