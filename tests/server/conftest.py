"""Fixtures for the reference relay tests: the spec and fresh in-process relays."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import pytest
from relay_testkit import SPEC
from starlette.testclient import TestClient

from conformance.server import RelayOptions, create_app
from conformance.spec.model import Spec


@pytest.fixture(scope="session")
def spec() -> Spec:
    return SPEC


@pytest.fixture
def relay(spec: Spec) -> Iterator[Callable[..., TestClient]]:
    """Factory: `relay(faults=[...], **options)` -> an in-process client of a fresh relay."""
    clients: list[TestClient] = []

    def make(**kwargs: Any) -> TestClient:
        if "faults" in kwargs:
            kwargs["faults"] = frozenset(kwargs["faults"])
        client = TestClient(create_app(spec, RelayOptions(**kwargs)), raise_server_exceptions=False)
        client.__enter__()
        clients.append(client)
        return client

    yield make
    for client in clients:
        client.__exit__(None, None, None)


@pytest.fixture
def client(relay: Callable[..., TestClient]) -> TestClient:
    return relay()
