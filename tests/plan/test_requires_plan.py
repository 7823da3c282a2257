"""Planning with `requires`: every positive meets the rule, the covering still shows every value
of both fields in as few requests as the rule allows, and one negative breaks the rule alone."""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import Any

import pytest

from conformance.cli.main import main
from conformance.plan.bodies import covered_parameters, get_param
from conformance.plan.covering import covering_plan, lower_bound, value_set
from conformance.plan.planner import PlanOptions, plan
from conformance.plan.strategies import draw
from conformance.schema.validate import validator_for
from conformance.spec.model import Operation, Parameter, Spec
from conformance.spec.resolve import load_spec

SPECS = Path(__file__).resolve().parents[2] / "specs"
IMAGEN = (
    "imagen-4.0-fast-generate-001",
    "imagen-4.0-generate-001",
    "imagen-4.0-ultra-generate-001",
)


def _meets(operation: Operation, body: Any) -> bool:
    """Whether every `requires` of a parameter `body` sends is met (null counts as unset)."""
    for param in operation.body_parameters:
        present, value = get_param(body, param)
        if not param.requires or not present or value is None:
            continue
        for name, wanted in param.requires:
            other = operation.parameter(name)
            assert other is not None
            if get_param(body, other) != (True, wanted):
                return False
    return True


def _param(operation: Operation, name: str) -> Parameter:
    param = operation.parameter(name)
    assert param is not None
    return param


def _vertex(spec: Spec, model_id: str) -> Operation:
    provider = spec.provider("vertex")
    model = provider.model(model_id) if provider else None
    operation = model.operation("predict") if model else None
    assert operation is not None
    return operation


@pytest.mark.parametrize("model_id", IMAGEN)
def test_vertex_covering_sends_seed_only_with_the_watermark_off(spec: Spec, model_id: str) -> None:
    operation = _vertex(spec, model_id)
    model = spec.provider("vertex").model(model_id)  # type: ignore[union-attr]
    assert model is not None
    rows = [a for a in covering_plan(model, operation) if not a.advisory]
    seed, mark = _param(operation, "parameters.seed"), _param(operation, "parameters.addWatermark")
    with_seed = [a.body for a in rows if get_param(a.body, seed)[0]]
    assert {get_param(b, seed)[1] for b in with_seed} == {0, 4294967295}
    assert all(get_param(b, mark) == (True, False) for b in with_seed)
    without = [a.body for a in rows if not get_param(a.body, seed)[0]]
    assert any(get_param(b, mark) == (True, True) for b in without)
    # the watermark alternates anyway, so the rule costs no request here
    assert len(rows) == lower_bound(operation) == 8


def test_every_planned_positive_meets_every_rule(spec: Spec) -> None:
    for case in plan(spec).cases:
        if case.expect.status_class == "2xx" and isinstance(case.request.body, dict):
            assert _meets(case.operation, case.request.body), case.id


@pytest.mark.parametrize("model_id", IMAGEN)
def test_drawn_bodies_meet_the_rule_and_some_send_a_seed(spec: Spec, model_id: str) -> None:
    operation = _vertex(spec, model_id)
    model = spec.provider("vertex").model(model_id)  # type: ignore[union-attr]
    assert model is not None
    bodies = draw(model, operation, 40, 0)
    seed = _param(operation, "parameters.seed")
    assert all(_meets(operation, b) for b in bodies)
    assert any(get_param(b, seed)[0] for b in bodies)  # not vacuous


def test_one_negative_per_rule_breaks_it_alone(spec: Spec) -> None:
    cases = plan(spec, PlanOptions(providers=("vertex",), kinds=("negative",))).cases
    broken = [c for c in cases if c.expect.violation and c.expect.violation.rule == "requires"]
    assert sorted(c.model.id for c in broken) == sorted(IMAGEN)
    for case in broken:
        assert case.id.endswith("/negative/parameters.seed:requires")
        assert case.request.body["parameters"] == {"seed": 0, "addWatermark": True}
        assert case.expect.statuses == (400,)
        assert case.expect.error is not None and case.expect.error.label == "INVALID_ARGUMENT"
        validator = validator_for(case.provider, case.model, case.operation, "request")
        assert validator is not None
        found = validator.violations(case.request.body)
        assert [(v.rule, v.pointer) for v in found] == [("requires", "/parameters/seed")]


def test_the_parameters_other_negatives_meet_its_rule(spec: Spec) -> None:
    """seed below its minimum must not be refused for the watermark as well."""
    cases = plan(spec, PlanOptions(providers=("vertex",), kinds=("negative",))).cases
    seeds = [c for c in cases if c.expect.violation and "parameters.seed:" in c.id]
    assert {c.expect.violation.rule for c in seeds if c.expect.violation} == {
        "minimum",
        "maximum",
        "type",
        "requires",
    }
    for case in seeds:
        target = case.expect.violation
        assert target is not None
        validator = validator_for(case.provider, case.model, case.operation, "request")
        assert validator is not None
        found = validator.violations(case.request.body)
        assert [v.rule for v in found] == [target.rule], case.id


def test_the_reference_relay_refuses_the_negative_and_serves_the_rest(tmp_path: Path) -> None:
    out = tmp_path / "vertex.json"
    assert main(["--specs", str(SPECS), "run", "--provider", "vertex", "--json", str(out)]) == 0
    cases = json.loads(out.read_text())["cases"]
    refused = [c for c in cases if c["id"].endswith(":requires")]
    assert len(refused) == 3
    assert all(c["outcome"] == "pass" and c["status"] == 400 for c in refused)
    sent = [c for c in cases if "seed" in (c["request"]["body"] or {}).get("parameters", {})]
    positives = [c for c in sent if c["kind"] != "negative"]
    assert positives and all(c["status"] == 200 for c in positives)


@pytest.fixture(scope="module")
def narrow_root(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Google's tree with a made-up rule whose required value few covering rows hold: the image
    size only with the 16:9 ratio (one row of ten)."""
    root = tmp_path_factory.mktemp("narrow") / "specs"
    shutil.copytree(SPECS, root)
    path = root / "providers" / "google.yaml"
    text = path.read_text()
    old = "      generationConfig.imageConfig.imageSize: {}\n      safetySettings: {}"
    new = (
        "      generationConfig.imageConfig.imageSize:\n"
        '        requires: {generationConfig.imageConfig.aspectRatio: "16:9"}\n'
        "      safetySettings: {}"
    )
    assert old in text
    path.write_text(text.replace(old, new, 1))
    return root


@pytest.fixture(scope="module")
def narrow(narrow_root: Path) -> Spec:
    return load_spec(narrow_root)


def test_rows_are_added_when_too_few_meet_the_rule(narrow: Spec) -> None:
    provider = narrow.provider("google")
    model = provider.model("gemini-3-pro-image-preview") if provider else None
    operation = model.operation("generateContent") if model else None
    assert provider is not None and model is not None and operation is not None
    size = _param(operation, "generationConfig.imageConfig.imageSize")
    ratio = _param(operation, "generationConfig.imageConfig.aspectRatio")
    # each size with 16:9, and the other 9 ratios without a size: more than the 10 ratios
    bound = len(value_set(size)) + len(value_set(ratio)) - 1
    assert lower_bound(operation) == bound > len(value_set(ratio))
    planned = covering_plan(model, operation)
    rows = [a for a in planned if not a.advisory]
    assert len(rows) == bound and len({a.label for a in rows}) == bound
    assert all(_meets(operation, a.body) for a in planned)
    for param in covered_parameters(operation):
        shown = [get_param(a.body, param)[1] for a in planned]
        assert all(v in shown for v in value_set(param)), param.name
    validator = validator_for(provider, model, operation, "request")
    assert validator is not None
    for case in plan(narrow, PlanOptions(providers=("google",))).cases:
        if case.expect.status_class == "2xx" and case.operation is operation:
            assert validator.violations(case.request.body) == [], case.id
    coverage = plan(narrow, PlanOptions(providers=("google",), kinds=("positive",))).coverage
    assert all(c.positive == c.lower_bound for c in coverage)


def test_one_negative_per_rule_and_the_relay_refuses_it(narrow: Spec, narrow_root: Path) -> None:
    cases = plan(narrow, PlanOptions(providers=("google",), kinds=("negative",))).cases
    broken = [c for c in cases if c.expect.violation and c.expect.violation.rule == "requires"]
    assert broken and all(
        c.id.endswith("/negative/generationConfig.imageConfig.imageSize:requires") for c in broken
    )
    for case in broken:
        config = case.request.body["generationConfig"]["imageConfig"]
        assert config["aspectRatio"] != "16:9" and "imageSize" in config
        validator = validator_for(case.provider, case.model, case.operation, "request")
        assert validator is not None
        found = validator.violations(case.request.body)
        assert [(v.rule, v.pointer) for v in found] == [
            ("requires", "/generationConfig/imageConfig/imageSize")
        ]
    run = ["--specs", str(narrow_root), "run", "--provider", "google", "--max-examples", "1"]
    assert main(run) == 0
