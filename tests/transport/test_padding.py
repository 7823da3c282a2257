"""Oversized bodies: generated while sent, the same JSON value, refused unread by the relay.

Covers the wire form end to end below the planner: the padded stream (a property), the bytes
and `Content-Length` the transport sends, the curl reproduction, peak memory through the
in-process relay, and a real uvicorn relay answering 413 (not a connection error) while the
body is still being written, and serving it under the unbounded-body fault.
"""

from __future__ import annotations

import asyncio
import json
import subprocess
import time
import tracemalloc
from collections.abc import Iterator
from contextlib import ExitStack
from pathlib import Path
from typing import Any

import httpx
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from loopback import serving

from conformance.plan.case import AuthSlot, Request
from conformance.server import RelayOptions, create_app
from conformance.spec.model import Spec
from conformance.spec.resolve import load_spec
from conformance.transport.asgi import asgi_client, asgi_transport
from conformance.transport.base import HttpxTransport
from conformance.transport.padding import CHUNK, padded_chunks, padded_length
from conformance.transport.redaction import to_curl

LIMIT = 20 * 1024 * 1024
KEY = "test-key"


def _join(body: bytes, padding: int) -> bytes:
    async def go() -> bytes:
        return b"".join([c async for c in padded_chunks(body, padding)])

    return asyncio.run(go())


_json = st.recursive(
    st.none() | st.booleans() | st.integers() | st.text(max_size=8),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=5), inner),
    max_leaves=8,
).filter(lambda v: isinstance(v, (dict, list)))


@settings(max_examples=60, deadline=None)
@given(value=_json, padding=st.integers(min_value=0, max_value=3 * CHUNK + 7))
def test_padding_keeps_the_json_value_and_adds_exactly_its_length(value: Any, padding: int) -> None:
    body = json.dumps(value, separators=(",", ":")).encode()
    sent = _join(body, padding)
    assert len(sent) == padded_length(body, padding) == len(body) + padding
    assert json.loads(sent) == value
    assert sent.startswith(body[:1]) and sent.endswith(body[1:])


def test_the_transport_streams_the_padding_with_a_content_length() -> None:
    seen: list[tuple[str | None, str | None, int]] = []

    async def handler(request: httpx.Request) -> httpx.Response:
        data = b"".join([c async for c in request.stream])  # type: ignore[union-attr]
        length = request.headers.get("content-length")
        seen.append((length, request.headers.get("transfer-encoding"), len(data)))
        return httpx.Response(413, json={})

    client = httpx.AsyncClient(transport=httpx.MockTransport(handler))
    t = HttpxTransport(client, "http://api.test", key="k", key_env="K")
    request = Request("POST", "/g", {"a": 1}, (("Content-Type", "application/json"),), padding=999)
    ex = asyncio.run(t.send(request))
    assert ex.response is not None and ex.response.status == 413
    assert seen == [("1006", None, 1006)]  # `{"a":1}` is 7 bytes


def test_the_curl_reproduction_generates_the_same_bytes() -> None:
    body = {"prompt": "it's a cat"}
    request = Request("POST", "/g", body, (("Content-Type", "application/json"),), padding=70000)
    line = to_curl(request, "http://api.test", "MY_KEY")
    assert line.startswith("curl ") and "--data-binary @<(" in line
    generator = line.split("--data-binary @", 1)[1]
    made = subprocess.run(
        ["bash", "-c", f"cat {generator}"], capture_output=True, check=True, timeout=30
    ).stdout
    text = request.body_json()
    assert text is not None
    assert made == _join(text.encode(), 70000)


@pytest.fixture(scope="module")
def spec() -> Spec:
    return load_spec(Path(__file__).resolve().parents[2] / "specs")


def _oversized(spec: Spec, provider_id: str = "google") -> tuple[Request, str]:
    provider = spec.provider(provider_id)
    model = provider.models[0]
    op = model.entry_operations[0]
    assert op.body_limit == LIMIT
    from conformance.server.samples import sample_body

    body = sample_body(op, model)
    size = len(json.dumps(body, sort_keys=True, separators=(",", ":")).encode())
    scheme = provider.auth.schemes[0]
    request = Request(
        op.method,
        op.path,
        body,
        (("Content-Type", "application/json"),),
        auth=AuthSlot("valid", scheme.kind, scheme.name),
        padding=LIMIT + 1 - size,
    )
    return request, provider.auth.key_env


def test_a_20_mib_body_costs_the_in_process_relay_little_memory(spec: Spec) -> None:
    request, env = _oversized(spec)

    async def go() -> int:
        client = asgi_client(create_app(spec, RelayOptions()))
        t = asgi_transport(client, "google", key=KEY, key_env=env)
        ex = await t.send(request)
        await client.aclose()
        assert ex.response is not None
        return ex.response.status

    tracemalloc.start()
    status = asyncio.run(go())
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    assert status == 413
    assert peak < 4 * 1024 * 1024, f"peak {peak} bytes while sending a {LIMIT}-byte body"


@pytest.fixture
def live(spec: Spec) -> Iterator[Any]:
    with ExitStack() as servers:

        def start(options: RelayOptions) -> str:
            return servers.enter_context(serving(create_app(spec, options))) + "/google"

        yield start


def _send_live(base_url: str, request: Request, env: str) -> tuple[int | None, float, str | None]:
    async def go() -> tuple[int | None, float, str | None]:
        async with httpx.AsyncClient() as client:
            t = HttpxTransport(client, base_url, key=KEY, key_env=env, retries=0, timeout=60)
            t0 = time.monotonic()
            ex = await t.send(request)
            status = ex.response.status if ex.response is not None else None
            return status, time.monotonic() - t0, ex.error

    return asyncio.run(go())


def test_a_live_relay_refuses_it_with_413_before_reading_it(spec: Spec, live: Any) -> None:
    request, env = _oversized(spec)
    status, seconds, error = _send_live(live(RelayOptions()), request, env)
    assert (status, error) == (413, None)
    assert seconds < 20


def test_a_live_relay_with_unbounded_body_serves_it(spec: Spec, live: Any) -> None:
    request, env = _oversized(spec)
    broken = live(RelayOptions(faults=frozenset({"unbounded-body"})))
    status, _, error = _send_live(broken, request, env)
    assert (status, error) == (200, None)
