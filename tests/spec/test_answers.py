"""A provider's own answers without a copied family: success status, nullable and extra fields."""

from __future__ import annotations

import asyncio
from pathlib import Path

import jsonschema
import pytest

from conformance.plan.planner import PlanOptions, plan
from conformance.runner import Budget, TargetOptions, open_transports, run_plan
from conformance.spec.answers import patch_response_schema
from conformance.spec.model import Spec
from conformance.spec.resolve import check_layers
from conformance.spec.trees import spec_roots
from conformance.transport.flow import FlowOptions

OVERRIDES = """\
operations:
  images.generations:
    success_status: 200
    response:
      nullable: [/data/*/revised_prompt, /created]
      fields:
        /usage: {type: object, required: [total_tokens]}
      source: {ref: seed-aimlapi-imagen-fast, section: "API Schema"}
"""
VARIANT = "kind: provider\nid: myai\nextends: aimlapi\ntitle: My AI\n"


def variant(tmp_path: Path, name: str, extra: str = "") -> Spec:
    tree = tmp_path / name / "providers"
    tree.mkdir(parents=True)
    (tree / "myai.yaml").write_text(VARIANT + extra)
    spec, diagnostics = check_layers(spec_roots([tree.parent]))
    assert spec is not None, [d.render() for d in diagnostics]
    return spec


def test_the_provider_states_its_answer(tmp_path: Path) -> None:
    spec = variant(tmp_path, "mine", OVERRIDES)
    (op,) = spec.provider("myai").models[0].operations
    family_op = spec.provider("aimlapi").models[0].operations[0]
    assert (op.success_status, family_op.success_status) == (200, 201)
    body = {"created": None, "data": [{"url": "https://x/1.png", "revised_prompt": None}]}
    jsonschema.validate(body, dict(op.response.schema))
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate(body, dict(family_op.response.schema))
    with pytest.raises(jsonschema.ValidationError, match="total_tokens"):
        jsonschema.validate({**body, "usage": {}}, dict(op.response.schema))


def test_an_unknown_field_is_a_diagnostic(tmp_path: Path) -> None:
    tree = tmp_path / "bad" / "providers"
    tree.mkdir(parents=True)
    (tree / "myai.yaml").write_text(VARIANT + OVERRIDES.replace("/created]", "/craeted]"))
    spec, diagnostics = check_layers(spec_roots([tree.parent]))
    assert spec is None
    assert [(d.code, d.location.file, d.location.line) for d in diagnostics] == [
        ("spec.unknown-field", "bad/providers/myai.yaml", 9)  # the nullable line
    ]


def _deviations(planned: Spec, served: Spec) -> list[str]:
    """Failures and advisory deviations (a 2xx other than the documented one is advisory)."""
    the_plan = plan(planned, PlanOptions(providers=("myai",), max_examples=1))

    async def go():  # type: ignore[no-untyped-def]
        async with open_transports(served, ["myai"], TargetOptions()) as transports:
            return await run_plan(
                the_plan, transports, flow=FlowOptions(), budget=Budget(), concurrency=4
            )

    result = asyncio.run(go())
    return [
        f"{f.check}: {f.message}"
        for r in result.results
        for f in r.findings
        if f.outcome == "fail" or f.advisory
    ]


def test_the_status_passes_on_the_relay_and_fails_on_one_answering_the_familys(
    tmp_path: Path,
) -> None:
    mine, plain = variant(tmp_path, "mine", OVERRIDES), variant(tmp_path, "plain")
    assert _deviations(mine, mine) == []
    found = set(_deviations(mine, plain))  # the relay answers the family's 201
    assert found == {"status: advisory: answered 201, the spec documents 200"}


def test_patching_keeps_the_familys_schema_untouched() -> None:
    family = {"type": "object", "properties": {"a": {"type": "string", "enum": ["x"]}}}
    patched, unknown = patch_response_schema(family, ["/a", "/b"], {"/c/d": {}})
    assert unknown == ["/b", "/c/d"]
    assert patched["properties"]["a"] == {"type": ["string", "null"], "enum": ["x", None]}
    assert family["properties"]["a"] == {"type": "string", "enum": ["x"]}
