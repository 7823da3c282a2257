"""Cases start with the job cases spread among the others, and come back in plan order."""

from __future__ import annotations

import asyncio
import itertools
from functools import cache
from pathlib import Path

import httpx
from hypothesis import given, settings
from hypothesis import strategies as st

from conformance.plan.case import Case
from conformance.plan.planner import PlanOptions, plan
from conformance.runner.engine import execute
from conformance.runner.schedule import start_order
from conformance.spec.resolve import load_spec
from conformance.transport.base import HttpxTransport
from conformance.transport.flow import FlowOptions


@given(st.lists(st.booleans(), max_size=200))
def test_start_order_is_a_permutation_keeping_each_kind_in_order(kinds: list[bool]) -> None:
    order = start_order(kinds, bool)
    assert sorted(order) == list(range(len(kinds)))
    waiting = [i for i in order if kinds[i]]
    others = [i for i in order if not kinds[i]]
    assert waiting == sorted(waiting) and others == sorted(others)


@given(st.integers(1, 60), st.integers(1, 400))
def test_waiting_items_are_spread_evenly(waiting: int, others: int) -> None:
    """However the plan groups them, no stretch of the start order is all waiting cases for
    longer than the even share allows, and none is free of them for longer either."""
    kinds = [True] * waiting + [False] * others  # the worst grouping: all of them first
    order = start_order(kinds, bool)
    positions = [p for p, i in enumerate(order) if kinds[i]]
    n = waiting + others
    step = n / waiting
    assert positions[0] <= step / 2 + 1
    gaps = [b - a for a, b in itertools.pairwise(positions)]
    assert all(step - 1 <= gap <= step + 1 for gap in gaps)
    pattern = "".join("w" if kinds[i] else "." for i in order)
    longest_run = max(len(run) for run in pattern.split("."))
    assert longest_run <= max(1, -(-waiting // others) + 1)


def test_execute_starts_in_start_order_and_returns_in_plan_order() -> None:
    spec = load_spec(Path(__file__).resolve().parents[2] / "specs")
    cases = plan(spec, PlanOptions(providers=("apiframe", "tokaify"), max_examples=0)).cases
    jobs = [c for c in cases if c.operation.job is not None]
    rest = [c for c in cases if c.operation.job is None]
    assert jobs and rest
    grouped = [*jobs, *rest]  # as the plan groups them: every job case first
    seen: list[str] = []

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(request.url.path)
        return httpx.Response(400, json={"error": "no"})  # no job to poll: one request a case

    client = httpx.AsyncClient(transport=httpx.MockTransport(handler))
    transport = HttpxTransport(client, "http://api.test", key="k", key_env="A_KEY")
    transports = {"apiframe": transport, "tokaify": transport}
    results = asyncio.run(execute(grouped, transports, FlowOptions(), concurrency=1))
    assert [r.case.id for r in results] == [c.id for c in grouped]
    order = start_order(grouped, lambda c: c.operation.job is not None)
    assert order != list(range(len(grouped)))
    assert seen == [grouped[i].request.path for i in order]


@cache
def _tokaify_cases() -> list[Case]:
    spec = load_spec(Path(__file__).resolve().parents[2] / "specs")
    pool = plan(spec, PlanOptions(providers=("tokaify",), max_examples=0)).cases
    return [c for c in pool if c.operation.job is None]


@settings(max_examples=30, deadline=None)
@given(st.integers(1, 9), st.integers(0, 30))
def test_execute_keeps_exactly_the_concurrency_in_flight(concurrency: int, count: int) -> None:
    """At most `concurrency` cases are in flight at once, as many as there are cases up to that
    bound are (a slow answer never holds the others back beyond it), and each case is sent
    once, in start order, coming back in plan order."""
    cases = _tokaify_cases()[:count]
    in_flight = peak = 0
    sent: list[str] = []

    async def handler(request: httpx.Request) -> httpx.Response:
        nonlocal in_flight, peak
        sent.append(request.url.path)
        in_flight += 1
        peak = max(peak, in_flight)
        await asyncio.sleep(0.001)
        in_flight -= 1
        return httpx.Response(400, json={"error": "no"})

    client = httpx.AsyncClient(transport=httpx.MockTransport(handler))
    transport = HttpxTransport(client, "http://api.test", key="k", key_env="A_KEY")
    results = asyncio.run(execute(cases, {"tokaify": transport}, FlowOptions(), concurrency))
    assert [r.case.id for r in results] == [c.id for c in cases]
    assert sent == [c.request.path for c in cases]
    assert peak == min(concurrency, len(cases))
