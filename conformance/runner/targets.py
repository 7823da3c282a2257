"""Where a run sends its requests: the in-process reference relay (default) or a live base URL.

Only this module (and the CLI) may import the relay: plans and checks never depend on it.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, cast

from conformance.spec.headers import SentHeader, StaticHeader
from conformance.spec.model import Spec
from conformance.transport.asgi import RELAY_ORIGIN, asgi_client, asgi_transport
from conformance.transport.base import RateLimiter, Transport
from conformance.transport.headers import sent_headers
from conformance.transport.live import live_transport
from conformance.transport.reading import DEFAULT_MAX_BODY

if TYPE_CHECKING:
    from conformance.server.options import ChatForm

RELAY_KEY = "test-key"


@dataclass(frozen=True)
class TargetOptions:
    base_url: str | None = None
    api_key_env: str | None = None
    faults: frozenset[str] = field(default_factory=frozenset)
    latency: tuple[float, float] | None = None
    timeout: float = 180.0
    max_body: int = DEFAULT_MAX_BODY
    retries: int = 3
    rate: float | None = None
    concurrency: int = 8
    #: `--header`s of the run, on top of (and replacing by name) the providers' spec headers.
    headers: tuple[StaticHeader, ...] = ()
    #: The built-in relay's form for images over chat completions (`--chat-image-form`).
    chat_form: str = "images"

    @property
    def live(self) -> bool:
        return self.base_url is not None

    def describe(self) -> str:
        if self.base_url:
            return self.base_url
        extra = []
        if self.faults:
            extra.append("faults " + ",".join(sorted(self.faults)))
        if self.chat_form != "images":
            extra.append(f"chat images in {self.chat_form}")
        if self.latency:
            extra.append(f"latency {self.latency[0]:g}-{self.latency[1]:g}s")
        return "built-in reference relay" + (f" ({'; '.join(extra)})" if extra else "")


def static_headers(spec: Spec, pid: str, options: TargetOptions) -> tuple[SentHeader, ...]:
    provider = spec.provider(pid)
    spec_headers = provider.headers if provider is not None else ()
    return sent_headers(spec_headers, options.headers, live=options.live)


@asynccontextmanager
async def open_transports(
    spec: Spec, providers: list[str], options: TargetOptions
) -> AsyncIterator[dict[str, Transport]]:
    """One transport per provider id, closed on exit."""
    limiter = RateLimiter(options.rate)
    static = {pid: static_headers(spec, pid, options) for pid in providers}  # before any I/O
    if options.base_url is not None:
        transports: dict[str, Transport] = {}
        for pid in providers:
            provider = spec.provider(pid)
            env = options.api_key_env or (provider.auth.key_env if provider else "API_KEY")
            transports[pid] = live_transport(
                options.base_url,
                env,
                timeout=options.timeout,
                max_body=options.max_body,
                retries=options.retries,
                rate=options.rate,
                concurrency=options.concurrency,
                headers=static[pid],
            )
        try:
            yield transports
        finally:
            for transport in transports.values():
                await transport.aclose()
        return
    from conformance.server.app import create_app
    from conformance.server.options import RelayOptions

    relay = RelayOptions(
        keys=(RELAY_KEY,),
        faults=options.faults,
        latency=options.latency,
        payload="small",
        chat_form=cast("ChatForm", options.chat_form),  # checked by RelayOptions
    )
    client = asgi_client(create_app(spec, relay), timeout=options.timeout)
    try:
        out: dict[str, Transport] = {}
        for pid in providers:
            provider = spec.provider(pid)
            env = provider.auth.key_env if provider else "API_KEY"
            out[pid] = asgi_transport(
                client,
                pid,
                key=RELAY_KEY,
                key_env=env,
                timeout=options.timeout,
                max_body=options.max_body,
                retries=options.retries,
                limiter=limiter,
                headers=static[pid],
            )
        yield out
    finally:
        await client.aclose()


__all__ = ["RELAY_ORIGIN", "TargetOptions", "open_transports"]
