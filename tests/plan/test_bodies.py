"""The planner's smallest valid body fills what a valid request cannot leave out."""

from __future__ import annotations

from pathlib import Path

from conformance.plan.bodies import base_body
from conformance.spec.resolve import load_spec

SPECS = Path(__file__).resolve().parents[2] / "specs"


def test_a_required_leaf_with_one_documented_value_is_sent() -> None:
    # OpenAI-style chat requires a role on every message; the only image-prompt role is "user".
    # Without it, gateways that read the role to translate the message (Portkey) fail with 500.
    spec = load_spec(SPECS)
    provider = spec.provider("openrouter")
    assert provider is not None
    model = provider.models[0]
    operation = model.operation("chat.completions")
    assert operation is not None
    body = base_body(model, operation)
    assert body is not None
    assert body["messages"] == [{"role": "user", "content": body["messages"][0]["content"]}]


def test_an_optional_single_value_enum_is_left_out() -> None:
    spec = load_spec(SPECS)
    for _provider, model, operation in spec.iter_operations():
        body = base_body(model, operation)
        for param in operation.body_parameters:
            if param.enum and len(param.enum) == 1 and not param.required and not param.concept:
                node = body
                for token in param.path:
                    node = node[0] if token == "*" and isinstance(node, list) else node
                    if not isinstance(node, dict) or token not in node:
                        break
                    node = node[token]
                else:
                    raise AssertionError(f"{param.name} is optional but in the base body")
