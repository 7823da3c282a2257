"""The image-fetch cache: keeps answered fetches by URL within a byte budget, counted as it goes."""

from __future__ import annotations

import asyncio

from hypothesis import given
from hypothesis import strategies as st

from conformance.exchange import Exchange, Response
from conformance.plan.case import Request
from conformance.transport.flow import FetchCache, FlowOptions, _fetch


def _fetched(url: str, size: int, status: int = 200) -> Exchange:
    return Exchange(Request("GET", "", url=url), url, Response(status, (), b"x" * size))


def test_keeps_answers_within_the_budget_and_refuses_what_does_not_fit() -> None:
    cache = FetchCache(limit=10)
    cache.offer("a", _fetched("a", 6))
    cache.offer("b", _fetched("b", 5))  # 6 + 5 > 10: not kept
    cache.offer("c", _fetched("c", 4))
    assert cache.get("a") is not None and cache.get("b") is None and cache.get("c") is not None
    assert cache.held == 10 and len(cache) == 2


def test_error_answers_and_transport_failures_are_not_kept() -> None:
    cache = FetchCache()
    cache.offer("404", _fetched("404", 3, status=404))
    cache.offer("down", Exchange(Request("GET", "", url="down"), "down", None, error="refused"))
    assert cache.get("404") is None and cache.get("down") is None and cache.held == 0


def test_an_offer_for_a_kept_url_does_not_count_twice() -> None:
    cache = FetchCache(limit=10)
    cache.offer("a", _fetched("a", 6))
    cache.offer("a", _fetched("a", 6))
    assert cache.held == 6


@given(
    st.lists(st.tuples(st.sampled_from("abcdef"), st.integers(0, 40), st.sampled_from([200, 500])))
)
def test_held_is_always_the_bodies_kept_and_never_beyond_the_limit(
    offers: list[tuple[str, int, int]],
) -> None:
    cache = FetchCache(limit=64)
    for url, size, status in offers:
        cache.offer(url, _fetched(url, size, status))
    kept = [cache.get(u) for u in "abcdef"]
    assert cache.held == sum(len(e.response.body) for e in kept if e and e.response)
    assert cache.held <= 64


class _Counting:
    def __init__(self) -> None:
        self.sent: list[str] = []

    async def send(self, request: Request) -> Exchange:
        self.sent.append(request.url or "")
        return _fetched(request.url or "", 100)


def test_a_url_fetched_once_is_answered_from_the_cache() -> None:
    transport = _Counting()
    options = FlowOptions()

    async def twice() -> tuple[Exchange, Exchange]:
        first = await _fetch(transport, "http://img/1.png", options)  # type: ignore[arg-type]
        second = await _fetch(transport, "http://img/1.png", options)  # type: ignore[arg-type]
        return first, second

    first, second = asyncio.run(twice())
    assert transport.sent == ["http://img/1.png"] and second is first
