"""The relay's short way into its provider route answers exactly as Starlette's whole stack."""

from __future__ import annotations

import asyncio
import json
import re
from typing import Any

import httpx
import pytest
from starlette.applications import Starlette
from starlette.types import Receive, Scope, Send

from conformance.server import RelayOptions, create_app
from conformance.server.direct import RelayApp
from conformance.spec.model import Spec

KEY = "direct-test-key"
PREDICT = "/google/v1beta/models/imagen-4.0-generate-001:predict"
GEMINI = "/google/v1beta/models/gemini-3-pro-image-preview:generateContent"
PROMPT = {"instances": [{"prompt": "a red bicycle"}], "parameters": {"sampleCount": 1}}

# (method, path, headers, body): answers through the provider route, its refusals, the routes
# before it, and what no route takes.
CALLS: list[tuple[str, str, dict[str, str], Any]] = [
    ("POST", PREDICT, {"x-goog-api-key": KEY}, PROMPT),
    ("POST", PREDICT, {}, PROMPT),
    ("POST", PREDICT + "?key=" + KEY, {}, PROMPT),
    ("POST", PREDICT + "?key=wrong", {}, PROMPT),
    ("POST", PREDICT, {"x-goog-api-key": KEY}, {"instances": "nope"}),
    ("POST", PREDICT, {"x-goog-api-key": KEY, "content-type": "application/json"}, b"{bad"),
    ("GET", PREDICT, {"x-goog-api-key": KEY}, None),
    ("POST", GEMINI, {"x-goog-api-key": KEY}, {"contents": [{"parts": [{"text": "hi"}]}]}),
    ("POST", "/google/", {"x-goog-api-key": KEY}, None),
    ("POST", "/nobody/v1/anything", {}, PROMPT),
    ("PROPFIND", PREDICT, {"x-goog-api-key": KEY}, None),
    ("GET", "/_relay/health", {}, None),
    ("POST", "/_relay/health", {}, None),
    ("GET", "/", {}, None),
    ("GET", "/google", {}, None),
    ("GET", "/_relay/files/unknown.png", {}, None),
]

_RANDOM = re.compile(rb'"responseId":"[^"]*"|/_relay/files/[A-Za-z0-9_-]+')


def _through_starlette(app: Starlette) -> Any:
    """The same app, every request through Starlette's own `__call__` (the whole stack)."""

    async def whole(scope: Scope, receive: Receive, send: Send) -> None:
        await Starlette.__call__(app, scope, receive, send)

    return whole


async def _answers(
    asgi: Any, calls: list[tuple[str, str, dict[str, str], Any]] = CALLS
) -> list[tuple[int, list[tuple[str, str]], bytes]]:
    out = []
    transport = httpx.ASGITransport(app=asgi)
    async with httpx.AsyncClient(transport=transport, base_url="http://relay") as client:
        for method, path, headers, body in calls:
            content = body if isinstance(body, bytes) or body is None else json.dumps(body)
            answer = await client.request(method, path, headers=headers, content=content)
            out.append(
                (answer.status_code, list(answer.headers.items()), _RANDOM.sub(b"", answer.content))
            )
    return out


def test_answers_are_those_of_the_whole_stack(spec: Spec) -> None:
    options = RelayOptions(keys=(KEY,))
    fast = create_app(spec, options)
    assert isinstance(fast, RelayApp)
    slow = _through_starlette(create_app(spec, options))
    fast_answers = asyncio.run(_answers(fast))
    slow_answers = asyncio.run(_answers(slow))
    assert fast_answers == slow_answers
    assert [status for status, _, _ in fast_answers][:4] == [200, 403, 200, 400]


def test_repeated_paths_answer_as_the_whole_stack_with_the_route_claims_bounded(
    spec: Spec, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Which route takes a path is kept per path and method: the second and third time a call
    comes (its claim kept, or dropped again by the bound) it is answered as the first time."""
    from conformance.server import direct

    monkeypatch.setattr(direct, "_CLAIMS_KEPT", 5)
    calls = CALLS + CALLS[::-1] + CALLS  # each path by each method, in both orders
    options = RelayOptions(keys=(KEY,))
    fast = create_app(spec, options)
    assert isinstance(fast, RelayApp)
    fast_answers = asyncio.run(_answers(fast, calls))
    slow_answers = asyncio.run(_answers(_through_starlette(create_app(spec, options)), calls))
    assert fast_answers == slow_answers
    assert 0 < len(fast._claims) <= 5


def test_file_urls_resolve_on_the_short_way(spec: Spec) -> None:
    """Answers that hand out URLs build them from the router in the scope (`url_for`)."""
    app = create_app(spec, RelayOptions(keys=(KEY,)))

    async def go() -> tuple[int, int]:
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://relay") as client:
            answer = await client.post(
                "/aimlapi/v1/images/generations",
                json={
                    "model": "google/imagen-4.0-fast-generate-001",
                    "prompt": "a red bicycle",
                    "convert_base64_to_url": True,
                },
                headers={"Authorization": f"Bearer {KEY}"},
            )
            urls = re.findall(r"http://relay/_relay/files/[A-Za-z0-9_.-]+", answer.text)
            fetched = await client.get(urls[0]) if urls else answer
            return answer.status_code, fetched.status_code

    status, fetched = asyncio.run(go())
    assert status == 201
    assert fetched == 200


def test_what_the_endpoint_raises_is_a_500_then_raised(spec: Spec) -> None:
    app = create_app(spec, RelayOptions(keys=(KEY,)))

    async def broken(request: Any) -> Any:
        raise RuntimeError("relay bug")

    app._endpoint = broken  # type: ignore[attr-defined]
    sent: list[dict[str, Any]] = []

    async def receive() -> dict[str, Any]:
        return {"type": "http.request", "body": b"", "more_body": False}

    async def send(message: Any) -> None:
        sent.append(message)

    scope = {
        "type": "http",
        "method": "POST",
        "path": PREDICT,
        "raw_path": PREDICT.encode(),
        "query_string": b"",
        "headers": [],
        "root_path": "",
    }
    with pytest.raises(RuntimeError, match="relay bug"):
        asyncio.run(app(scope, receive, send))
    assert sent[0]["status"] == 500
    assert sent[1]["body"] == b"Internal Server Error"
