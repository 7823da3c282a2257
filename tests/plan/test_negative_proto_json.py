"""Negative cases on Google-native routes stay negative under the proto3 JSON mapping.

The planner keeps a candidate only when the (mapping-aware) schema refuses it for the targeted
rule alone, so a mutation the mapping makes valid (a null, a quoted integer, an enum number) is
never planned; and each planned one is refused by the reference relay, which reads the same
mapping.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from starlette.testclient import TestClient

from conformance.plan.negative import negatives
from conformance.schema.validate import validator_for
from conformance.server import RelayOptions, create_app
from conformance.spec.resolve import load_spec

SPEC = load_spec(Path(__file__).resolve().parents[2] / "specs")
NATIVE = [
    (p, m, o)
    for p, m, o in SPEC.iter_operations()
    if o.json_mapping is not None and p.id in ("google", "routescope")
]
CLIENT = TestClient(create_app(SPEC, RelayOptions(keys=("k",))), raise_server_exceptions=False)


ABSENT = object()


def _at(body: Any, pointer: str) -> Any:
    node = body
    for token in pointer.split("/")[1:]:
        node = node[int(token)] if isinstance(node, list) else node.get(token, ABSENT)
    return node


def _headers(provider_id: str) -> dict[str, str]:
    provider = SPEC.provider(provider_id)
    assert provider is not None
    scheme = provider.auth.schemes[0]
    return {scheme.name: "Bearer k" if scheme.kind == "bearer" else "k"}


@pytest.mark.parametrize(
    ("provider", "model", "operation"), NATIVE, ids=[f"{p.id}/{m.id}" for p, m, _ in NATIVE]
)
def test_planned_negatives_are_not_valid_proto3_json(
    provider: Any, model: Any, operation: Any
) -> None:
    planned, _ = negatives(provider, model, operation)
    assert planned
    validator = validator_for(provider, model, operation, "request")
    assert validator is not None
    for negative in planned:
        value = _at(negative.body, negative.target.pointer)
        assert value is not None, negative.description  # a null would be "not set"
        if negative.target.rule == "type":
            assert not (isinstance(value, str) and value.lstrip("-").isdigit())
        assert validator.violations(negative.body), negative.description
        answer = CLIENT.post(
            f"/{provider.id}{operation.path}", json=negative.body, headers=_headers(provider.id)
        )
        assert answer.status_code == 400, (negative.description, answer.text)
        assert "API key" not in answer.json()["error"]["message"]
