"""Static headers reach every request of a case on the provider's origin (the request, its job
polls, image fetches there) and never another origin; secret ones are redacted like keys."""

from __future__ import annotations

import asyncio

import httpx
import pytest

from conformance.plan.case import AuthSlot, Request
from conformance.plan.planner import PlanOptions, plan
from conformance.server.app import create_app
from conformance.server.options import RelayOptions
from conformance.spec.headers import SentHeader, StaticHeader
from conformance.spec.model import Spec
from conformance.transport.base import HttpxTransport
from conformance.transport.flow import FlowOptions, perform
from conformance.transport.headers import MissingHeaderVariable, headers_for, sent_headers
from conformance.transport.redaction import to_curl

ROUTE = SentHeader("x-portkey-provider", "google")
SECRET = SentHeader("x-portkey-api-key", "pk-live-123456", (("PORTKEY_API_KEY", "pk-live-123456"),))


def _transport(handler: httpx.MockTransport, *headers: SentHeader) -> HttpxTransport:
    client = httpx.AsyncClient(transport=handler)
    return HttpxTransport(client, "http://gw.test/v1", key="k", key_env="K", headers=headers)


def test_same_origin_gets_the_headers_other_origins_none() -> None:
    seen: list[httpx.Request] = []

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        return httpx.Response(200, json={})

    t = _transport(httpx.MockTransport(handler), ROUTE, SECRET)
    asyncio.run(t.send(Request("POST", "/gen", {"a": 1})))
    asyncio.run(t.send(Request("GET", "", url="http://gw.test:80/files/1.png")))
    asyncio.run(t.send(Request("GET", "", url="http://cdn.test/1.png", auth=AuthSlot("missing"))))
    asyncio.run(t.send(Request("GET", "", url="https://gw.test/v1/x")))  # another scheme and port
    assert [r.headers.get("x-portkey-provider") for r in seen] == ["google", "google", None, None]
    assert seen[0].headers["x-portkey-api-key"] == "pk-live-123456"
    assert "x-portkey-api-key" not in seen[2].headers


def test_the_cases_own_headers_and_key_slot_win() -> None:
    seen: list[httpx.Request] = []

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        return httpx.Response(200, json={})

    clash = SentHeader("Authorization", "Bearer static")
    t = _transport(httpx.MockTransport(handler), clash, SentHeader("X-Mode", "static"))
    slot = AuthSlot("valid", "bearer", "Authorization")
    asyncio.run(t.send(Request("POST", "/g", headers=(("x-mode", "case"),), auth=slot)))
    assert seen[0].headers.get_list("authorization") == ["Bearer k"]
    assert seen[0].headers.get_list("x-mode") == ["case"]


def test_a_secret_header_value_echoed_back_is_redacted() -> None:
    def handler(request: httpx.Request) -> httpx.Response:
        echoed = request.headers["x-portkey-api-key"]
        return httpx.Response(401, json={"error": f"bad key {echoed}"}, headers={"x-echo": echoed})

    t = _transport(httpx.MockTransport(handler), ROUTE, SECRET)
    ex = asyncio.run(t.send(Request("POST", "/gen", {})))
    assert ex.response is not None
    assert b"pk-live-123456" not in ex.response.body and b"$PORTKEY_API_KEY" in ex.response.body
    assert dict(ex.response.headers)["x-echo"] == "$PORTKEY_API_KEY"


def test_sent_headers_expand_from_env_live_and_stand_ins_on_the_relay() -> None:
    spec_h = (StaticHeader("x-vk", "${VK}", secret=True), StaticHeader("x-p", "google"))
    run_h = (StaticHeader("X-P", "vertex-ai"),)
    live = sent_headers(spec_h, run_h, live=True, env={"VK": "vk-1"})
    assert [(h.name, h.value) for h in live] == [("x-vk", "vk-1"), ("X-P", "vertex-ai")]
    assert live[0].secrets == (("VK", "vk-1"),)
    relay = sent_headers(spec_h, (), live=False, env={})
    assert relay[0].value == "test-vk"
    with pytest.raises(MissingHeaderVariable, match=r"\$VK"):
        sent_headers(spec_h, (), live=True, env={})
    with pytest.raises(MissingHeaderVariable, match=r"\$RUN"):
        sent_headers((), (StaticHeader("x-r", "$RUN"),), live=False, env={})


def test_headers_for_compares_origins_not_paths() -> None:
    assert headers_for("http://a.test/x/y", "http://a.test/v1", (ROUTE,)) == {
        "x-portkey-provider": "google"
    }
    assert headers_for("http://b.test/v1", "http://a.test/v1", (ROUTE,)) == {}


def test_curl_shows_templates_never_secret_values() -> None:
    static = (StaticHeader("x-vk", "${VK}", secret=True), StaticHeader("x-lit", "pk-9", True))
    line = to_curl(Request("POST", "/g", {"a": 1}), "http://gw.test", "K", static)
    assert '-H "x-vk: ${VK}"' in line and '-H "x-lit: $HEADER_X_LIT"' in line
    assert "pk-9" not in line


def _relay_through_a_cdn(spec: Spec, seen: list[httpx.Request]) -> httpx.AsyncClient:
    """The relay behind a client that moves its image files to another origin (a CDN)."""
    relay = httpx.ASGITransport(app=create_app(spec, RelayOptions(keys=("k",), payload="small")))

    async def handler(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        url = request.url
        if url.host == "cdn.test":
            url = url.copy_with(host="relay")
        forwarded = httpx.Request(
            request.method, url, headers=request.headers, content=request.content
        )
        answer = await relay.handle_async_request(forwarded)
        body = await answer.aread()
        body = body.replace(b"http://relay/_relay/files", b"http://cdn.test/_relay/files")
        headers = [(k, v) for k, v in answer.headers.items() if k.lower() != "content-length"]
        return httpx.Response(answer.status_code, headers=headers, content=body)

    return httpx.AsyncClient(transport=httpx.MockTransport(handler))


def test_job_polls_carry_the_headers_and_cdn_fetches_do_not(spec: Spec) -> None:
    case = next(
        c
        for c in plan(spec, PlanOptions(providers=("apiframe",), kinds=("positive",))).cases
        if c.operation.job is not None
    )
    seen: list[httpx.Request] = []

    async def go() -> None:
        client = _relay_through_a_cdn(spec, seen)
        t = HttpxTransport(
            client, "http://relay/apiframe", key="k", key_env="K", headers=(ROUTE, SECRET)
        )
        ex = await perform(t, case, FlowOptions(poll_interval=0.0, job_timeout=5.0))
        await client.aclose()
        assert ex.polls and ex.fetches

    asyncio.run(go())
    api = [r for r in seen if r.url.host == "relay"]
    cdn = [r for r in seen if r.url.host == "cdn.test"]
    assert len(api) >= 2 and cdn  # the submit, at least one poll, and the image fetches
    assert all(r.headers.get("x-portkey-provider") == "google" for r in api)
    assert all(r.headers.get("x-portkey-api-key") == "pk-live-123456" for r in api)
    assert not any(
        "x-portkey-provider" in r.headers or "x-portkey-api-key" in r.headers for r in cdn
    )
