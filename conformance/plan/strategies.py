"""Hypothesis strategies for valid requests, built from the request schema's leaves.

Whole-body `from_schema` would wander into open objects and free-form arrays (tools, safety
settings) and produce huge, meaningless requests; instead each covered leaf (enums, ranges,
booleans, array-item enums) gets `from_schema` of its own constraint, may be omitted, and the
prompt is short printable text. Every drawn body is valid against the generated request schema.
Exploration draws a fixed number of bodies with a seed, so a plan is reproducible.
"""

from __future__ import annotations

import json
from functools import lru_cache
from typing import Any

from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import seed as hypothesis_seed
from hypothesis import strategies as st
from hypothesis_jsonschema import from_schema

from conformance.plan.bodies import base_body, covered_parameters, set_path
from conformance.plan.covering import value_set
from conformance.spec.model import Model, Operation, Parameter
from conformance.triggers import ALL as TRIGGERS

PROMPT_ALPHABET = st.characters(min_codepoint=32, max_codepoint=126)


def prompts() -> st.SearchStrategy[str]:
    """Short printable prompts (never a relay trigger marker)."""
    return st.text(PROMPT_ALPHABET, min_size=1, max_size=40).filter(
        lambda s: bool(s.strip()) and not any(t in s for t in TRIGGERS)
    )


def _leaf_schema(param: Parameter) -> dict[str, Any]:
    if param.enum:
        return {"enum": list(param.enum)}
    if param.type == "boolean":
        return {"type": "boolean"}
    schema: dict[str, Any] = {"type": param.type}
    if param.minimum is not None:
        schema["minimum"] = param.minimum
    if param.maximum is not None:
        schema["maximum"] = param.maximum
    if param.type == "number":
        schema["multipleOf"] = 0.25
    return schema


@lru_cache(maxsize=512)
def _from_schema(schema_json: str) -> st.SearchStrategy[Any]:
    return from_schema(json.loads(schema_json))


def leaf_strategy(param: Parameter) -> st.SearchStrategy[Any]:
    """Valid values of one covered parameter (cached: building from_schema is not free)."""
    if param.items_enum:
        return st.sampled_from(value_set(param))
    return _from_schema(json.dumps(_leaf_schema(param), sort_keys=True))


def request_strategy(model: Model, operation: Operation) -> st.SearchStrategy[dict[str, Any]]:
    """Valid request bodies: a short prompt and any subset of the enforced covered leaves."""
    params = [p for p in covered_parameters(operation) if p.enforcement == "enforced"]
    optional = {p.name: st.none() | leaf_strategy(p) for p in params}
    by_name = {p.name: p for p in params}

    def build(prompt: str, values: dict[str, Any]) -> dict[str, Any]:
        body = base_body(model, operation, prompt) or {}
        for name in sorted(values):
            if values[name] is not None:
                body = set_path(body, by_name[name].path, values[name])
        return body

    return st.builds(build, prompts(), st.fixed_dictionaries(optional))


def explore(model: Model, operation: Operation, count: int, seed: int) -> list[dict[str, Any]]:
    """`count` distinct bodies drawn from the strategy; the same seed gives the same bodies."""
    if count <= 0 or not operation.has_body:
        return []
    found: dict[str, dict[str, Any]] = {}
    strategy = request_strategy(model, operation)

    @settings(
        max_examples=max(count * 3, count + 5),
        database=None,
        deadline=None,
        phases=[Phase.generate],
        suppress_health_check=list(HealthCheck),
        derandomize=False,
        report_multiple_bugs=False,
    )
    @hypothesis_seed(seed)
    @given(strategy)
    def collect(body: dict[str, Any]) -> None:
        if len(found) < count:
            found.setdefault(json.dumps(body, sort_keys=True), body)

    collect()
    return list(found.values())[:count]
