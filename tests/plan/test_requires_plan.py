"""Planning with `requires`: every positive meets the rule, the covering still shows every value
of both fields in as few requests as the rule allows, and one negative breaks the rule alone."""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

import pytest

from conformance.cli.main import main
from conformance.plan.bodies import covered_parameters, get_param
from conformance.plan.covering import covering_plan, lower_bound, value_set
from conformance.plan.planner import PlanOptions, plan
from conformance.schema.validate import validator_for
from conformance.spec.model import Operation, Parameter, Spec
from conformance.spec.resolve import load_spec

SPECS = Path(__file__).resolve().parents[2] / "specs"


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
