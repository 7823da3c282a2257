"""The lean cookie jar keeps httpx's cookie behaviour: stored when set, sent back, else nothing."""

from __future__ import annotations

import asyncio

import httpx

from conformance.transport.asgi import asgi_client
from conformance.transport.cookies import LeanCookies, lean_cookies


def _client(seen: list[str | None]) -> httpx.AsyncClient:
    async def handler(request: httpx.Request) -> httpx.Response:
        seen.append(request.headers.get("cookie"))
        if request.url.path == "/set":
            return httpx.Response(200, headers={"Set-Cookie": "session=abc; Path=/"})
        if request.url.path == "/set2":
            return httpx.Response(200, headers={"set-cookie2": 'old="1"; Version="1"'})
        return httpx.Response(200, headers={"X-Other": "1"})

    return lean_cookies(httpx.AsyncClient(transport=httpx.MockTransport(handler)))


def test_cookies_set_by_an_answer_are_sent_back_as_httpx_would() -> None:
    seen: list[str | None] = []

    async def go() -> None:
        client = _client(seen)
        assert isinstance(client.cookies, LeanCookies)
        await client.get("http://api.test/plain")
        await client.get("http://api.test/set")
        await client.get("http://api.test/plain")
        await client.aclose()

    asyncio.run(go())
    assert seen == [None, None, "session=abc"]


def test_answers_without_a_cookie_header_leave_the_jar_alone() -> None:
    seen: list[str | None] = []

    async def go() -> LeanCookies:
        client = _client(seen)
        for _ in range(3):
            await client.get("http://api.test/plain")
        jar = client.cookies
        await client.aclose()
        assert isinstance(jar, LeanCookies)
        return jar

    jar = asyncio.run(go())
    assert list(jar.jar) == []
    assert seen == [None, None, None]


def test_the_relay_client_has_the_lean_jar() -> None:
    assert isinstance(asgi_client(object()).cookies, LeanCookies)


def test_a_client_with_cookies_keeps_them() -> None:
    client = httpx.AsyncClient(cookies={"a": "1"})
    assert dict(lean_cookies(client).cookies) == {"a": "1"}
    asyncio.run(client.aclose())
