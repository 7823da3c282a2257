"""Everything one case takes on the wire: the request, job polling, and image URL fetches.

Async job operations (`operation.job`) are polled through the same transport until a terminal
state or the job timeout; images answered as URLs are fetched through the same transport (with
no key: image hosts are not the API) so that checks see their bytes. Fetches are cached by URL.
A replay knows how many polls each case made when it was recorded: `poll_limit` stops polling
there, since a recorded job has no clock to run out.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable
from dataclasses import dataclass, field, replace

from conformance.checks.common import find, image_urls, json_of
from conformance.exchange import Exchange
from conformance.plan.case import AuthSlot, Case, Request
from conformance.transport.base import Transport


class FetchCache:
    """Fetched images by URL, up to `limit` bytes of bodies: beyond it, fetches are not kept (a
    run's memory must not grow with its cases). The bytes held are counted as entries come in,
    not summed over the cache at every fetch, which grew with the run (quadratic in its images).
    """

    def __init__(self, limit: int = 32 * 1024 * 1024) -> None:
        self.limit = limit
        self.held = 0
        self._entries: dict[str, Exchange] = {}

    def get(self, url: str) -> Exchange | None:
        return self._entries.get(url)

    def offer(self, url: str, fetched: Exchange) -> None:
        """Keep `fetched` when it answered (< 400) and its body fits in what is left."""
        response = fetched.response
        if response is None or response.status >= 400 or url in self._entries:
            return
        if self.held + len(response.body) <= self.limit:
            self._entries[url] = fetched
            self.held += len(response.body)

    def __len__(self) -> int:
        return len(self._entries)


@dataclass
class FlowOptions:
    poll_interval: float = 1.0
    job_timeout: float = 600.0
    fetch_images: bool = True
    cache: FetchCache = field(default_factory=FetchCache)
    #: Polls after which a case stops polling (None: poll until terminal or the job timeout).
    poll_limit: Callable[[Case], int | None] | None = None


async def _poll(
    transport: Transport, case: Case, submit: Exchange, options: FlowOptions
) -> Exchange:
    job = case.operation.job
    poll = case.poll_operation
    if job is None or poll is None or submit.response is None:
        return submit
    ids = find(json_of(submit.response), job.id_pointer)
    if not ids or not isinstance(ids[0][1], str):
        return submit
    path = poll.path.replace("{id}", ids[0][1])
    polls: list[Exchange] = []
    deadline = time.monotonic() + options.job_timeout
    terminal = False
    while True:
        step = await transport.send(Request(poll.method, path, auth=case.request.auth))
        polls.append(step)
        if step.response is None or step.response.status >= 400:
            break
        states = find(json_of(step.response), job.status_pointer)
        if states and states[0][1] in job.terminal:
            terminal = True
            break
        limit = options.poll_limit(case) if options.poll_limit is not None else None
        if limit is not None and len(polls) >= limit:
            break
        if time.monotonic() + options.poll_interval > deadline:
            break
        await asyncio.sleep(options.poll_interval)
    return replace(submit, polls=tuple(polls), job_terminal=terminal)


async def _fetch(transport: Transport, url: str, options: FlowOptions) -> Exchange:
    cached = options.cache.get(url)
    if cached is not None:
        return cached
    fetched = await transport.send(Request("GET", "", url=url, auth=AuthSlot("missing")))
    options.cache.offer(url, fetched)
    return fetched


async def perform(transport: Transport, case: Case, options: FlowOptions) -> Exchange:
    """Send the case's request, then poll its job and fetch its image URLs as needed."""
    exchange = await transport.send(case.request)
    response = exchange.response
    if response is None or not 200 <= response.status < 300:
        return exchange
    if case.operation.job is not None:
        exchange = await _poll(transport, case, exchange, options)
    if not options.fetch_images:
        return exchange
    poll = case.poll_operation
    locator = (poll or case.operation).response.images
    if locator is None or locator.uri is None:
        # No image can be a URL: the body is not parsed here, on the event loop, but by the
        # checks (in a worker thread for a large answer).
        return exchange
    if poll is not None:
        last = exchange.polls[-1].response if exchange.polls else None
        urls = image_urls(poll, json_of(last))
    else:
        urls = image_urls(case.operation, json_of(response))
    if urls:
        fetched = await asyncio.gather(*(_fetch(transport, url, options) for url in urls))
        exchange = replace(exchange, fetches=tuple(fetched))
    return exchange
