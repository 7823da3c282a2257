"""Record exchanges from any transport, and replay them: the hook cassettes build on.

`Recorder` wraps a transport and keeps every exchange it returns (already redacted). `Replay`
is a transport that answers from recorded exchanges, matched by the request's fingerprint
(method, target, auth slot, canonical body); several recordings of one fingerprint are replayed
in order, which is what job polls need.
"""

from __future__ import annotations

from collections import defaultdict, deque
from collections.abc import Iterable

from conformance.exchange import Exchange
from conformance.plan.case import Request
from conformance.transport.base import Transport


class Recorder:
    """A transport that forwards to `inner` and keeps what came back, in order."""

    def __init__(self, inner: Transport) -> None:
        self.inner = inner
        self.base_url = inner.base_url
        self.key_env = inner.key_env
        self.exchanges: list[Exchange] = []

    async def send(self, request: Request) -> Exchange:
        exchange = await self.inner.send(request)
        self.exchanges.append(exchange)
        return exchange

    async def aclose(self) -> None:
        await self.inner.aclose()


class Replay:
    """A transport that answers from recorded exchanges; unknown requests get an error."""

    def __init__(
        self, exchanges: Iterable[Exchange], base_url: str = "replay://", key_env: str = "API_KEY"
    ) -> None:
        self.base_url = base_url
        self.key_env = key_env
        self._queues: dict[str, deque[Exchange]] = defaultdict(deque)
        for exchange in exchanges:
            self._queues[exchange.request.fingerprint()].append(exchange)

    async def send(self, request: Request) -> Exchange:
        queue = self._queues.get(request.fingerprint())
        if not queue:
            return Exchange(
                request,
                request.url or request.path,
                None,
                "not recorded: no exchange matches this request",
            )
        exchange = queue.popleft() if len(queue) > 1 else queue[0]
        return Exchange(
            request,
            exchange.url,
            exchange.response,
            exchange.error,
            exchange.retries,
            exchange.elapsed,
        )

    async def aclose(self) -> None:
        return None
