"""The smallest valid request body for an operation, built from the spec alone.

Tests, the load benchmark and the docs need requests that a spec-conformant server accepts,
for any provider, without hand-written bodies per provider: set the prompt and model, then any
parameter concepts asked for (aspect ratio, size tier, count...), each at its own path, creating
the containers (and one-item arrays) on the way.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from conformance.spec.model import WILDCARD, Model, Operation, Parameter


def place(body: dict[str, Any], param: Parameter, value: Any) -> None:
    """Put `value` at `param`'s path (first item of each array on the way)."""
    node: Any = body
    path = param.path
    for i, token in enumerate(path):
        last = i == len(path) - 1
        if token == WILDCARD:
            if not node:
                node.append({})
            node = node[0]
            continue
        if last:
            node[token] = value
            return
        nxt = path[i + 1]
        node = node.setdefault(token, [] if nxt == WILDCARD else {})


def sample_body(
    operation: Operation,
    model: Model,
    prompt: str = "a lighthouse at dawn",
    concepts: Mapping[str, Any] | None = None,
) -> dict[str, Any] | None:
    """A valid body for `operation` of `model` (None for operations without a body).

    `concepts` maps parameter concepts ("aspect_ratio", "image_size", "image_count",
    "output_format", "response_encoding", ...) to values; concepts the operation does not
    have raise KeyError, so a test cannot silently ask for something that is not sent.
    """
    if not operation.has_body:
        return None
    body: dict[str, Any] = {}
    model_param = operation.by_concept("model")
    if model_param is not None:
        place(body, model_param, model.id)
    prompt_param = operation.by_concept("prompt")
    if prompt_param is not None:
        place(body, prompt_param, prompt)
    for fixed in operation.body_parameters:
        if fixed.is_fixed and fixed.enum is not None:
            place(body, fixed, fixed.enum[0])
    for concept, value in (concepts or {}).items():
        param = operation.by_concept(concept)
        if param is None:
            raise KeyError(f"{operation.name} of {model.id} has no {concept} parameter")
        place(body, param, value)
    return body
