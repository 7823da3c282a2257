"""The request schema enforces `requires`: Vertex's seed only with addWatermark false, under any
spelling of either field, and a violation names the rule, the parameter and its spec line."""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

import pytest

from conformance.schema.validate import SchemaValidator, validator_for
from conformance.spec.model import Operation, Spec
from conformance.spec.resolve import load_spec

SPECS = Path(__file__).resolve().parents[2] / "specs"
PROMPT = [{"prompt": "a red bicycle"}]


def _request_validator(
    spec: Spec, provider_id: str, model_id: str, operation_name: str
) -> tuple[SchemaValidator, Operation]:
    provider = spec.provider(provider_id)
    assert provider is not None
    model = provider.model(model_id)
    assert model is not None
    operation = model.operation(operation_name)
    assert operation is not None
    validator = validator_for(provider, model, operation, "request")
    assert validator is not None
    return validator, operation


def _vertex(spec: Spec) -> tuple[SchemaValidator, Operation]:
    return _request_validator(spec, "vertex", "imagen-4.0-generate-001", "predict")


@pytest.mark.parametrize(
    "parameters",
    [
        {"seed": 7, "addWatermark": False},
        {"seed": 0, "addWatermark": False, "sampleCount": 2},
        {"addWatermark": True},
        {"addWatermark": False},
        {"seed": None, "addWatermark": True},  # null is unset: no seed sent
        {},
    ],
)
def test_bodies_that_meet_the_rule_are_valid(spec: Spec, parameters: dict[str, Any]) -> None:
    validator, _ = _vertex(spec)
    body = {"instances": PROMPT, "parameters": parameters}
    assert validator.violations(body) == [] and validator.rules_broken(body) == []


@pytest.mark.parametrize(
    "parameters",
    [
        {"seed": 7},  # omitted: the default is true
        {"seed": 7, "addWatermark": True},
        {"seed": 7, "addWatermark": None},  # null reads as the default
        {"seed": 4294967295, "addWatermark": True, "sampleCount": 1},
    ],
)
def test_a_seed_with_the_watermark_on_is_refused(spec: Spec, parameters: dict[str, Any]) -> None:
    validator, operation = _vertex(spec)
    body = {"instances": PROMPT, "parameters": parameters}
    seed = operation.parameter("parameters.seed")
    assert seed is not None
    for found in (validator.violations(body), validator.rules_broken(body)):
        assert [(v.pointer, v.rule, v.parameter) for v in found] == [
            ("/parameters/seed", "requires", "parameters.seed")
        ]
        assert found[0].spec_location == seed.rule_location("requires")
        assert "parameters.addWatermark = false" in found[0].message


def test_committed_schema_states_the_rule_on_the_parent(spec: Spec) -> None:
    validator, _ = _vertex(spec)
    rules = validator.schema["properties"]["parameters"]["allOf"]
    assert [r["x-rule"] for r in rules] == ["requires"]
    assert rules[0]["x-requires"] == {"parameters.addWatermark": False}


@pytest.fixture(scope="module")
def aliased(tmp_path_factory: pytest.TempPathFactory) -> Spec:
    """Google's tree with a made-up rule between two proto3 fields that have snake_case twins."""
    root = tmp_path_factory.mktemp("aliased") / "specs"
    shutil.copytree(SPECS, root)
    path = root / "providers" / "google.yaml"
    text = path.read_text()
    old = "      generationConfig.imageConfig.imageSize: {}\n      safetySettings: {}"
    assert old in text
    new = (
        "      generationConfig.imageConfig.imageSize:\n"
        '        requires: {generationConfig.imageConfig.aspectRatio: "16:9"}\n'
        "      safetySettings: {}"
    )
    path.write_text(text.replace(old, new, 1))
    return load_spec(root)


@pytest.mark.parametrize(
    ("config", "valid"),
    [
        ({"imageSize": "2K", "aspectRatio": "16:9"}, True),
        ({"image_size": "2K", "aspect_ratio": "16:9"}, True),
        ({"image_size": "2K", "aspectRatio": "16:9"}, True),
        ({"aspect_ratio": "1:1"}, True),
        ({"imageSize": None, "aspectRatio": "1:1"}, True),
        ({"image_size": "2K", "aspect_ratio": "1:1"}, False),
        ({"imageSize": "2K"}, False),
        ({"image_size": "2K", "aspect_ratio": None}, False),
    ],
)
def test_any_spelling_of_either_field_counts(
    aliased: Spec, config: dict[str, Any], valid: bool
) -> None:
    validator, _ = _request_validator(
        aliased, "google", "gemini-3-pro-image-preview", "generateContent"
    )
    body = {
        "contents": [{"parts": [{"text": "a red bicycle"}]}],
        "generationConfig": {"imageConfig": config},
    }
    found = validator.violations(body)
    assert (found == []) is valid, [v.render() for v in found]
    assert [v.rule for v in validator.rules_broken(body)] == [v.rule for v in found]
    if not valid:
        sent = next(k for k in config if k in ("imageSize", "image_size"))
        assert [(v.rule, v.pointer) for v in found] == [
            ("requires", f"/generationConfig/imageConfig/{sent}")
        ]
