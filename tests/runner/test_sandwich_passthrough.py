"""`--upstream-key client`: a bring-your-own-key gateway passes the client's key on.

Portkey's open-source gateway (docs/portkey.md) holds no provider key: the client's key is the
upstream's. A small pass-through relay of our own forwards every request, headers and all, to
`conformance serve`: judged with `--upstream-key client` it passes forward-key; judged as a
relay that holds its own key (the default) it fails it; a relay that puts its own key in
instead of the client's fails it in either mode.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from sandwich_testkit import UPSTREAM_KEY, serving
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from conformance.cli.main import main
from conformance.server import RelayOptions, create_app
from conformance.spec.model import Spec

#: A second key the upstream accepts: the one the `own-key` relay puts in instead.
RELAY_KEY = "relay-own-key-google"
MODEL = "gemini-3-pro-image-preview"


def passthrough_app(upstream: str) -> Starlette:
    async def forward(request: Request) -> Response:
        headers = {k: v for k, v in request.headers.items() if k not in ("host", "content-length")}
        if request.path_params["variant"] == "own-key":
            headers["x-goog-api-key"] = RELAY_KEY
        async with httpx.AsyncClient(timeout=30) as client:
            answer = await client.request(
                request.method,
                f"{upstream}/google/{request.path_params['rest']}",
                params=list(request.query_params.multi_items()),
                headers=headers,
                content=await request.body(),
            )
        return Response(
            answer.content,
            status_code=answer.status_code,
            media_type=answer.headers.get("content-type"),
        )

    methods = ["GET", "POST", "PUT", "PATCH", "DELETE"]
    return Starlette(routes=[Route("/{variant}/{rest:path}", forward, methods=methods)])


@pytest.fixture(scope="module")
def sandwich(spec: Spec) -> Iterator[tuple[str, str]]:
    options = RelayOptions(keys=(UPSTREAM_KEY, RELAY_KEY), journal=5000, providers=("google",))
    app = create_app(spec, options)
    with serving(app) as upstream, serving(passthrough_app(upstream)) as relay:
        yield relay, upstream


def _forward_key(
    sandwich: tuple[str, str], variant: str, mode: str, tmp_path: Path, mp: pytest.MonkeyPatch
) -> dict[str, set[str]]:
    """Per outcome of forward-key, the cases' auth modes it had."""
    relay, upstream = sandwich
    mp.setenv("GEMINI_API_KEY", UPSTREAM_KEY)
    report = tmp_path / f"{variant}-{mode}.json"
    args = ["run", "--base-url", f"{relay}/{variant}", "--provider", "google", "--model", MODEL]
    args += ["--upstream", upstream, "--upstream-key", mode, "--check", "forward-key"]
    main([*args, "--retries", "0", "--max-examples", "0", "--json", str(report)])
    seen: dict[str, set[str]] = {}
    for case in json.loads(report.read_text())["cases"]:
        for finding in case["findings"]:
            if finding["check"] == "forward-key" and finding["outcome"] != "skipped":
                seen.setdefault(finding["outcome"], set()).add(case["request"]["auth"]["mode"])
    return seen


def test_a_passthrough_passes_forward_key_as_a_client_key_relay(
    sandwich: tuple[str, str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    seen = _forward_key(sandwich, "faithful", "client", tmp_path, monkeypatch)
    assert set(seen) == {"pass"}
    assert seen["pass"] == {"valid", "missing", "wrong"}


def test_a_passthrough_fails_forward_key_as_a_relay_with_its_own_key(
    sandwich: tuple[str, str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    seen = _forward_key(sandwich, "faithful", "relay", tmp_path, monkeypatch)
    assert "valid" in seen["fail"]


def test_a_relay_that_puts_its_own_key_in_fails_as_a_client_key_relay(
    sandwich: tuple[str, str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    seen = _forward_key(sandwich, "own-key", "client", tmp_path, monkeypatch)
    # (A query-key case still passes: the client's `?key=` arrives beside the relay's header.)
    assert seen["fail"] == {"valid", "missing", "wrong"}
