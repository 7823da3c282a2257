"""The transport builds each request as `client.build_request` would: same headers, in the same
order and bytes, same URL, body and extensions."""

from __future__ import annotations

import asyncio
import re

import httpx
import pytest
from hypothesis import given
from hypothesis import strategies as st

from conformance.plan.case import AuthSlot, Request
from conformance.transport.base import HttpxTransport

names = st.sampled_from(
    [
        *("Accept", "accept", "User-Agent", "Connection", "X-Thing", "x-thing", "Content-Type"),
        *("Accept-Encoding", "HOST", "Content-Length", "X-Ünïcode"),
    ]
)
values = st.text(st.characters(min_codepoint=32, max_codepoint=0x2FF), max_size=12)
headers_ = st.lists(st.tuples(names, values), max_size=6)
queries = st.lists(st.tuples(st.sampled_from(["key", "alt", "q"]), values), max_size=3)


def _old(
    client: httpx.AsyncClient,
    t: HttpxTransport,
    pairs: list[tuple[str, str]],
    query: list[tuple[str, str]],
    content: bytes | None,
) -> httpx.Request:
    """What the transport built before: its headers set one by one, then `build_request`."""
    headers = httpx.Headers({"Accept-Encoding": "gzip, deflate"})
    for name, value in pairs:
        headers[name] = value
    return client.build_request(
        "POST",
        "http://relay/p/v1/x",
        params=query or None,
        headers=headers,
        content=content,
        extensions={"timeout": t._timeout_extension},
    )


@given(pairs=headers_, query=queries, content=st.sampled_from([None, b"", b'{"a":1}']))
def test_the_same_request_as_build_request(
    pairs: list[tuple[str, str]], query: list[tuple[str, str]], content: bytes | None
) -> None:
    client = httpx.AsyncClient()
    t = HttpxTransport(client, "http://relay/p", key="k", key_env="K")
    sent: dict[bytes, tuple[bytes, bytes]] = {
        b"accept-encoding": (b"Accept-Encoding", b"gzip, deflate")
    }
    for name, value in pairs:
        raw = name.encode()
        sent[raw.lower()] = (raw, value.encode())
    try:
        old = _old(client, t, pairs, query, content)
    except UnicodeEncodeError as exc:  # a non-ASCII header name: the same error either way
        with pytest.raises(UnicodeEncodeError, match=re.escape(str(exc))):
            t._build("POST", "http://relay/p/v1/x", list(query), sent, content)
        return
    new = t._build("POST", "http://relay/p/v1/x", list(query), sent, content)
    assert new.headers.raw == old.headers.raw
    assert new.url == old.url
    assert new.method == old.method
    assert new.extensions == old.extensions
    assert new.content == old.content


def test_a_client_with_cookies_still_sends_them() -> None:
    seen: list[httpx.Request] = []

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        return httpx.Response(200, json={})

    client = httpx.AsyncClient(transport=httpx.MockTransport(handler), cookies={"session": "s1"})
    t = HttpxTransport(client, "http://api.test", key="k", key_env="K")
    request = Request("GET", "/v1/x", auth=AuthSlot("valid", "header", "X-Key"))
    exchange = asyncio.run(t.send(request))
    assert exchange.response is not None and exchange.response.status == 200
    assert seen[0].headers["cookie"] == "session=s1"
    assert seen[0].headers["x-key"] == "k"
