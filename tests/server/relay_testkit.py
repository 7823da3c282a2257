"""Helpers for the reference relay tests: the spec, auth kwargs, and reading images out of any
answer through the spec's own image locators (not the relay's code).

A uniquely named module rather than conftest.py: test directories here have no __init__.py, so
`from conftest import ...` would pick whichever conftest was imported first in a full run."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
from starlette.testclient import TestClient

from conformance.images import decode_base64_strict
from conformance.spec.model import Model, Operation, Provider, Spec
from conformance.spec.resolve import load_spec

ROOT = Path(__file__).resolve().parents[2]
KEY = "test-key"


SPEC = load_spec(ROOT / "specs")


def entry_cases() -> list[Any]:
    """pytest params: every provider x model x entry operation of the spec."""
    return [
        pytest.param(p.id, m.id, o.name, id=f"{p.id}/{m.id}/{o.name}")
        for p in SPEC.providers
        for m in p.models
        for o in m.entry_operations
    ]


def lookup(
    spec: Spec, provider_id: str, model_id: str, operation: str
) -> tuple[Provider, Model, Operation]:
    provider = spec.provider(provider_id)
    assert provider is not None
    model = provider.model(model_id)
    assert model is not None
    op = model.operation(operation)
    assert op is not None
    return provider, model, op


def auth(provider: Provider, key: str = KEY, scheme: int = 0) -> dict[str, Any]:
    """httpx request kwargs that send `key` through the provider's `scheme`-th auth scheme."""
    s = provider.auth.schemes[scheme]
    if s.kind == "bearer":
        return {"headers": {s.name: f"Bearer {key}"}}
    if s.kind == "header":
        return {"headers": {s.name: key}}
    return {"params": {s.name: key}}


@dataclass
class Image:
    data: bytes
    declared: str | None


@dataclass
class Outcome:
    """A generation's final answer: status, JSON and the images found through the locator."""

    status: int
    body: Any
    images: list[Image] = field(default_factory=list)
    filtered: list[str] = field(default_factory=list)
    states: list[str] = field(default_factory=list)
    #: image URLs a keyless client could not fetch (status per URL)
    unfetched: dict[str, int] = field(default_factory=dict)


def _at(node: Any, tokens: list[str]) -> list[Any]:
    if not tokens:
        return [node]
    head, rest = tokens[0], tokens[1:]
    if head == "*":
        return [x for item in node for x in _at(item, rest)] if isinstance(node, list) else []
    if isinstance(node, dict) and head in node:
        return _at(node[head], rest)
    return []


def _field(item: Any, path: str | None) -> Any:
    if path is None:
        return None
    if path == "":
        return item
    found = _at(item, path.split("/"))
    return found[0] if found else None


def images_of(
    client: TestClient, op: Operation, body: Any, unfetched: dict[str, int] | None = None
) -> tuple[list[Image], list[str]]:
    """Images (and filtered reasons) in `body`, located by the operation's spec locator; image
    URLs are fetched without a key, as a browser would, and failures land in `unfetched`."""
    locator = op.response.images
    assert locator is not None
    images: list[Image] = []
    filtered: list[str] = []
    for item in _at(body, locator.items.split("/")[1:]):
        reason = _field(item, locator.filtered)
        if reason is not None:
            filtered.append(reason)
            continue
        data = _field(item, locator.data)
        uri = _field(item, locator.uri)
        declared = _field(item, locator.mime)
        if isinstance(data, str):
            decoded = decode_base64_strict(data)
            assert decoded is not None, "image payload is not canonical base64"
            images.append(Image(decoded, declared))
        elif isinstance(uri, str):
            got = client.get(uri)
            if got.status_code != 200:
                assert unfetched is not None, uri
                unfetched[uri] = got.status_code
                continue
            images.append(Image(got.content, declared or got.headers.get("content-type")))
    return images, filtered


def generate(
    client: TestClient,
    provider: Provider,
    model: Model,
    op: Operation,
    body: Any,
    *,
    max_polls: int = 10,
    **kwargs: Any,
) -> Outcome:
    """Send `body` to `op` (polling a job to its end) and collect the images of the answer."""
    kwargs = {**auth(provider), **kwargs}
    answer = client.request(op.method, f"/{provider.id}{op.path}", json=body, **kwargs)
    if answer.status_code >= 300 or op.job is None:
        outcome = Outcome(answer.status_code, answer.json() if _is_json(answer) else answer.text)
        if answer.status_code < 300 and op.response.images is not None:
            outcome.images, outcome.filtered = images_of(
                client, op, outcome.body, outcome.unfetched
            )
        return outcome
    job_id = answer.json()["id"]
    poll = model.operation(op.job.poll_operation)
    assert poll is not None
    outcome = Outcome(answer.status_code, answer.json(), states=[answer.json()["status"]])
    for _ in range(max_polls):
        polled = client.get(
            f"/{provider.id}{poll.path.replace('{id}', job_id)}",
            **{k: v for k, v in kwargs.items() if k != "json"},
        )
        outcome.status, outcome.body = polled.status_code, polled.json()
        status = outcome.body.get("status")
        outcome.states.append(status)
        if status in op.job.terminal or "status" not in outcome.body:
            break
    if outcome.body.get("status") == op.job.success:
        outcome.images, outcome.filtered = images_of(client, poll, outcome.body, outcome.unfetched)
    return outcome


def _is_json(response: Any) -> bool:
    return "json" in response.headers.get("content-type", "")
