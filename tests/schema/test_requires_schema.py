"""The request schema enforces `requires`, under any spelling of either field, and a violation
names the rule and the parameter."""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

import pytest

from conformance.schema.validate import validator_for
from conformance.spec.model import Spec
from conformance.spec.resolve import load_spec

SPECS = Path(__file__).resolve().parents[2] / "specs"


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
    provider = aliased.provider("google")
    assert provider is not None
    model = provider.model("gemini-3-pro-image-preview")
    assert model is not None
    operation = model.operation("generateContent")
    assert operation is not None
    validator = validator_for(provider, model, operation, "request")
    assert validator is not None
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
