"""Transport: key injection per slot, retries honouring Retry-After, redaction, rate limits."""

from __future__ import annotations

import asyncio
import secrets

import httpx

from conformance.plan.case import WRONG_KEY, AuthSlot, Request
from conformance.transport.base import HttpxTransport, RateLimiter, retry_after
from conformance.transport.redaction import to_curl


def _transport(
    handler: httpx.MockTransport, key: str = "sk-secret", **kw: object
) -> HttpxTransport:
    slept: list[float] = []

    async def sleep(seconds: float) -> None:
        slept.append(seconds)

    client = httpx.AsyncClient(transport=handler)
    transport = HttpxTransport(
        client, "http://api.test/v1", key=key, key_env="MY_KEY", sleep=sleep, **kw
    )  # type: ignore[arg-type]
    transport.slept = slept  # type: ignore[attr-defined]
    return transport


def test_key_goes_where_the_slot_says() -> None:
    seen: list[httpx.Request] = []

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        return httpx.Response(200, json={"ok": True})

    t = _transport(httpx.MockTransport(handler))
    for slot in (
        AuthSlot("valid", "bearer", "Authorization"),
        AuthSlot("valid", "query", "key"),
        AuthSlot("wrong", "header", "X-API-Key"),
        AuthSlot("missing"),
    ):
        asyncio.run(t.send(Request("POST", "/gen", {"a": 1}, auth=slot)))
    assert seen[0].headers["authorization"] == "Bearer sk-secret"
    assert seen[1].url.params["key"] == "sk-secret"
    assert seen[2].headers["x-api-key"] == WRONG_KEY
    assert "authorization" not in seen[3].headers and "key" not in seen[3].url.params


def test_retries_on_429_and_503_honour_retry_after() -> None:
    answers = iter(
        [
            httpx.Response(429, headers={"Retry-After": "2"}),
            httpx.Response(503),
            httpx.Response(200, json={}),
        ]
    )
    t = _transport(httpx.MockTransport(lambda r: next(answers)), backoff=0.5)
    ex = asyncio.run(t.send(Request("GET", "/x")))
    assert ex.response is not None and ex.response.status == 200
    assert [(r.status, r.wait, r.retry_after) for r in ex.retries] == [
        (429, 2.0, "2"),
        (503, 1.0, None),
    ]
    assert ex.requests_sent == 3


def test_retries_give_up() -> None:
    t = _transport(httpx.MockTransport(lambda r: httpx.Response(429)), retries=2)
    ex = asyncio.run(t.send(Request("GET", "/x")))
    assert ex.response is not None and ex.response.status == 429 and len(ex.retries) == 2


def test_retry_after_forms() -> None:
    assert retry_after("3") == 3.0
    assert retry_after(None) is None
    assert retry_after("Wed, 21 Oct 2015 07:28:00 GMT") == 0.0


def test_echoed_key_is_redacted_and_never_in_curl() -> None:
    key = "sk-" + secrets.token_hex(16)

    def handler(request: httpx.Request) -> httpx.Response:
        return httpx.Response(401, json={"error": f"bad key {key}"}, headers={"x-echo": key})

    t = _transport(httpx.MockTransport(handler), key=key)
    request = Request("POST", "/gen", {"p": 1}, auth=AuthSlot("valid", "query", "key"))
    ex = asyncio.run(t.send(request))
    record = str(ex.as_dict())
    assert key not in record and "$MY_KEY" in record
    for slot in (AuthSlot("valid", "bearer", "Authorization"), AuthSlot("valid", "query", "key")):
        curl = to_curl(Request("POST", "/gen", {"p": 1}, auth=slot), "http://api.test", "MY_KEY")
        assert key not in curl and "$MY_KEY" in curl


def test_transport_errors_are_values() -> None:
    def handler(request: httpx.Request) -> httpx.Response:
        raise httpx.ConnectError("refused")

    ex = asyncio.run(_transport(httpx.MockTransport(handler)).send(Request("GET", "/x")))
    assert ex.response is None and ex.error and "ConnectError" in ex.error


def test_rate_limiter_spaces_requests() -> None:
    async def go() -> float:
        limiter = RateLimiter(50)
        loop = asyncio.get_running_loop()
        t0 = loop.time()
        for _ in range(5):
            await limiter.acquire()
        return loop.time() - t0

    assert asyncio.run(go()) >= 0.075


def test_a_raw_body_is_sent_exactly_as_written() -> None:
    seen: list[httpx.Request] = []

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        return httpx.Response(400, json={})

    t = _transport(httpx.MockTransport(handler))
    raw = '{"prompt":"a cat'
    ex = asyncio.run(
        t.send(Request("POST", "/g", headers=(("Content-Type", "application/json"),), raw_body=raw))
    )
    assert seen[0].content == raw.encode() and seen[0].headers["content-type"] == "application/json"
    assert ex.request.raw_body == raw
    assert '--data-raw \'{"prompt":"a cat\'' in to_curl(ex.request, "http://api.test", "MY_KEY")
    asyncio.run(t.send(Request("POST", "/g", {"a": 1})))
    assert "content-type" not in seen[1].headers  # the planner decides; the transport adds none
