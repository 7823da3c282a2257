"""`json_mapping` in family files: resolved into aliases and path-field twins, checked by lint."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from conformance.spec.json_mapping import lower_camel, snake_case, spellings
from conformance.spec.model import Operation
from conformance.spec.resolve import check_spec, load_spec

SPECS = Path(__file__).resolve().parents[2] / "specs"
SPEC = load_spec(SPECS)


def _operation(provider_id: str, model_id: str) -> Operation:
    provider = SPEC.provider(provider_id)
    assert provider is not None
    model = provider.model(model_id)
    assert model is not None
    return model.operations[0]


@pytest.mark.parametrize(
    ("name", "camel", "snake"),
    [
        ("generationConfig", "generationConfig", "generation_config"),
        ("inline_data", "inlineData", "inline_data"),
        ("fileUri", "fileUri", "file_uri"),
        ("contents", "contents", "contents"),
    ],
)
def test_spellings(name: str, camel: str, snake: str) -> None:
    assert lower_camel(name) == camel
    assert snake_case(name) == snake
    assert set(spellings(name)) == {camel, snake}


@pytest.mark.parametrize("provider", ["google", "routescope"])
def test_generate_content_fields_get_both_spellings(provider: str) -> None:
    operation = _operation(provider, "gemini-2.5-flash-image")
    assert operation.json_mapping is not None
    names = {p.name: p.property_names for p in operation.body_parameters}
    assert names["generationConfig.temperature"] == ("temperature",)
    assert set(names["contents[].parts[].inline_data"]) == {"inline_data", "inlineData"}
    assert set(names["generationConfig.candidateCount"]) == {"candidateCount", "candidate_count"}


def test_predict_struct_keys_get_no_twin() -> None:
    operation = _operation("google", "imagen-4.0-generate-001")
    sample = operation.parameter("parameters.sampleCount")
    assert sample is not None and sample.property_names == ("sampleCount",)
    mapping = operation.json_mapping
    assert mapping is not None
    assert mapping.typed(("parameters",)) and not mapping.typed(("parameters", "sampleCount"))
    assert not mapping.typed(("instances", "*", "prompt"))


@pytest.mark.parametrize(
    ("provider", "model"),
    [
        ("google", "gemini-2.5-flash-image"),
        ("routescope", "gemini-3-pro-image-preview"),
        ("tokaify", "imagen-4.0-generate-001"),
    ],
)
def test_path_field_twin(provider: str, model: str) -> None:
    operation = _operation(provider, model)
    twin = operation.parameter("model (body)")
    assert twin is not None
    assert twin.location == "body" and twin.path == ("model",)
    assert twin.enforcement == "advisory" and twin.enum == (f"models/{model}", model)
    assert {s.ref for s in twin.sources} >= {"google-api-http"}


def test_other_families_have_no_mapping() -> None:
    for _, _, operation in SPEC.iter_operations():
        declared = operation.family in ("gemini-predict", "gemini-generate-content")
        assert (operation.json_mapping is not None) == declared


def test_enum_without_numbers_is_a_spec_error(tmp_path: Path) -> None:
    root = tmp_path / "specs"
    shutil.copytree(SPECS, root)
    path = root / "families" / "gemini-generate-content.yaml"
    text = path.read_text()
    assert "numbers: {TEXT: 1, IMAGE: 2}" in text
    path.write_text(text.replace("numbers: {TEXT: 1, IMAGE: 2}", "numbers: {IMAGE: 2}"))
    spec, found = check_spec(root)
    assert spec is None
    codes = [(d.code, d.location.file) for d in found]
    assert codes == [("spec.enum-numbers", "specs/families/gemini-generate-content.yaml")]
    assert "'TEXT'" in found[0].message


def test_unknown_mapping_key_is_a_meta_schema_error(tmp_path: Path) -> None:
    root = tmp_path / "specs"
    shutil.copytree(SPECS, root)
    path = root / "families" / "gemini-predict.yaml"
    text = path.read_text()
    path.write_text(text.replace("      format: proto3\n", "      format: proto2\n", 1))
    spec, found = check_spec(root)
    assert spec is None
    assert any(d.location.file == "specs/families/gemini-predict.yaml" for d in found)
