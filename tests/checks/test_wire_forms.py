"""Wire forms against the reference relay (every check passes) and against relays broken the
way gateways were seen to break: a 500 for malformed JSON, a body dropped when it came without
Content-Type, a documented 405 without Allow."""

from __future__ import annotations

import asyncio
import json
import shutil
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

import httpx
import pytest

from conformance.checks import Finding, run_checks
from conformance.plan.case import Case
from conformance.plan.planner import PlanOptions, plan
from conformance.server.app import create_app
from conformance.server.options import RelayOptions
from conformance.spec.model import Spec
from conformance.spec.resolve import load_spec
from conformance.transport.base import HttpxTransport
from conformance.transport.flow import FlowOptions, perform

ROOT = Path(__file__).resolve().parents[2]
KEY = "wire-forms-test-key"
App = Callable[[dict[str, Any], Any, Any], Awaitable[None]]
Breakage = Callable[[App], App]


def _wire_cases(spec: Spec, provider: str) -> list[Case]:
    cases = plan(spec, PlanOptions(providers=(provider,), kinds=("wire",), max_examples=0))
    return [c for c in cases.cases if "/wire/" in c.id]


def _judge(spec: Spec, provider: str, breakage: Breakage | None = None) -> dict[str, list[Finding]]:
    app: Any = create_app(spec, RelayOptions(keys=(KEY,), payload="small"))
    if breakage is not None:
        app = breakage(app)

    async def go() -> dict[str, list[Finding]]:
        client = httpx.AsyncClient(transport=httpx.ASGITransport(app=app))
        t = HttpxTransport(client, f"http://relay/{provider}", key=KEY, key_env="K")
        out = {}
        for case in _wire_cases(spec, provider):
            out[case.id] = run_checks(case, await perform(t, case, FlowOptions(poll_interval=0)))
        await client.aclose()
        return out

    return asyncio.run(go())


def _failing(found: dict[str, list[Finding]], form: str) -> set[str]:
    return {
        f.check
        for cid, fs in found.items()
        if cid.endswith(form)
        for f in fs
        if f.outcome == "fail"
    }


def _read(receive: Any) -> Awaitable[bytes]:
    async def go() -> bytes:
        chunks = []
        while True:
            message = await receive()
            chunks.append(message.get("body", b""))
            if not message.get("more_body"):
                return b"".join(chunks)

    return go()


def five_hundred_for_bad_json(app: App) -> App:
    """Portkey 1.15.2 as seen: malformed JSON crashes the handler."""

    async def wrapped(scope: dict[str, Any], receive: Any, send: Any) -> None:
        if scope["type"] != "http":
            return await app(scope, receive, send)
        body = await _read(receive)
        try:
            json.loads(body or b"null")
        except ValueError:
            await send(
                {
                    "type": "http.response.start",
                    "status": 500,
                    "headers": [(b"content-type", b"text/plain")],
                }
            )
            await send({"type": "http.response.body", "body": b"Internal Server Error"})
            return

        async def again() -> dict[str, Any]:
            return {"type": "http.request", "body": body, "more_body": False}

        await app(scope, again, send)

    return wrapped


def drops_body_without_content_type(app: App) -> App:
    """Portkey 1.15.2 as seen: no Content-Type, and the body is forwarded empty."""

    async def wrapped(scope: dict[str, Any], receive: Any, send: Any) -> None:
        if scope["type"] != "http":
            return await app(scope, receive, send)
        body = await _read(receive)
        if not any(k.lower() == b"content-type" for k, _ in scope["headers"]):
            body = b""

        async def again() -> dict[str, Any]:
            return {"type": "http.request", "body": body, "more_body": False}

        await app(scope, again, send)

    return wrapped


def strips_allow(app: App) -> App:
    async def wrapped(scope: dict[str, Any], receive: Any, send: Any) -> None:
        async def filtered(message: dict[str, Any]) -> None:
            if message["type"] == "http.response.start":
                message = {
                    **message,
                    "headers": [(k, v) for k, v in message["headers"] if k.lower() != b"allow"],
                }
            await send(message)

        await app(scope, receive, filtered)

    return wrapped


@pytest.mark.parametrize("provider", ["google", "aimlapi", "apiframe", "tokaify"])
def test_the_reference_relay_passes_every_wire_form(spec: Spec, provider: str) -> None:
    found = _judge(spec, provider)
    assert found and all(f.outcome in ("pass", "blocked") for fs in found.values() for f in fs)


def test_a_500_for_malformed_json_fails_status_and_envelope(spec: Spec) -> None:
    found = _judge(spec, "routescope", five_hundred_for_bad_json)
    assert {"status", "error-envelope", "content-type"} <= _failing(found, "/wire/malformed-json")
    assert _failing(found, "/wire/no-content-type") == set()


def test_a_body_dropped_without_content_type_fails(spec: Spec) -> None:
    found = _judge(spec, "routescope", drops_body_without_content_type)
    assert "status" in _failing(found, "/wire/no-content-type")
    assert _failing(found, "/wire/malformed-json") == set()


def _documenting_405(tmp_path: Path) -> Spec:
    root = tmp_path / "specs"
    shutil.copytree(ROOT / "specs", root)
    path = root / "families" / "openai-images.yaml"
    text = path.read_text().replace(
        "    wire:\n",
        "    wire:\n      wrong_method: {status: [405], allow: true, "
        'source: {ref: assumed, section: "Wire errors"}}\n',
        1,
    )
    path.write_text(text)
    return load_spec(root)


def test_a_documented_405_must_carry_allow(tmp_path: Path) -> None:
    spec = _documenting_405(tmp_path)
    clean = _judge(spec, "aimlapi")
    allow = [
        f
        for cid, fs in clean.items()
        if cid.endswith("wrong-method")
        for f in fs
        if f.check == "wire"
    ]
    assert allow and all(f.outcome == "pass" for f in allow)
    broken = _judge(spec, "aimlapi", strips_allow)
    assert _failing(broken, "/wire/wrong-method") == {"wire"}
