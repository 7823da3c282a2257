"""The proto3 JSON mapping in the Google-native request schemas: one test per rule, with its source.

Sources (as cited in specs/sources.yaml):
- PROTOJSON: https://protobuf.dev/programming-guides/json/ (ProtoJSON Format)
- GENERATE: googleapis google/ai/generativelanguage/v1beta/generative_service.proto
  (GenerateContentRequest: `string model = 1`, `repeated Tool tools = 5`, `optional int32
  candidate_count`, `repeated Modality response_modalities`, Modality TEXT = 1, IMAGE = 2)
- PREDICT: googleapis google/ai/generativelanguage/v1beta/prediction_service.proto
  (PredictRequest: `string model = 1`, `repeated google.protobuf.Value instances = 2`,
  `google.protobuf.Value parameters = 3`)
- HTTP: googleapis google/api/http.proto (with `body: "*"`, the fields the path does not bind
  come from the body)
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from conformance.schema.validate import SchemaValidator, validator_for
from conformance.spec.resolve import load_spec

SPEC = load_spec(Path(__file__).resolve().parents[2] / "specs")
PROMPT = {"contents": [{"parts": [{"text": "a red bicycle"}]}]}
GEMINI = [("google", "gemini-2.5-flash-image"), ("routescope", "gemini-2.5-flash-image")]
IMAGEN = [("google", "imagen-4.0-generate-001"), ("routescope", "imagen-4.0-generate-001")]


def _validator(provider_id: str, model_id: str) -> SchemaValidator:
    provider = SPEC.provider(provider_id)
    assert provider is not None
    model = provider.model(model_id)
    assert model is not None
    operation = model.operations[0]
    validator = validator_for(provider, model, operation, "request")
    assert validator is not None
    return validator


def _rules(validator: SchemaValidator, body: Any) -> set[tuple[str, str]]:
    return {(v.pointer, v.rule) for v in validator.violations(body)}


@pytest.mark.parametrize(("provider", "model"), GEMINI)
def test_done_when_model_in_body_and_null_tools_are_valid(provider: str, model: str) -> None:
    """The LiteLLM body: HTTP + GENERATE (`model` is a field) and PROTOJSON "Null values"."""
    validator = _validator(provider, model)
    body = {**PROMPT, "model": model, "tools": None}
    assert validator.violations(body) == []
    assert validator.violations({**body, "model": f"models/{model}"}) == []


@pytest.mark.parametrize(("provider", "model"), GEMINI)
def test_null_means_unset_for_optional_fields_only(provider: str, model: str) -> None:
    """PROTOJSON "Null values": null is valid for any field and leaves it unset; not inside a
    repeated field; a required field left unset by null is still missing."""
    validator = _validator(provider, model)
    optional_nulls = {
        "contents": [{"role": None, "parts": [{"text": "x", "inlineData": None}]}],
        "systemInstruction": None,
        "safetySettings": None,
        "generationConfig": {
            "temperature": None,
            "candidateCount": None,
            "responseModalities": None,
            "imageConfig": {"aspectRatio": None, "imageSize": None},
        },
    }
    assert validator.violations(optional_nulls) == []
    assert ("/contents", "type") in _rules(validator, {"contents": None})
    assert ("/contents/0/parts/0", "type") in _rules(validator, {"contents": [{"parts": [None]}]})
    nested = {"contents": [{"parts": [{"text": None}]}]}
    assert validator.violations(nested) != []


@pytest.mark.parametrize(("provider", "model"), GEMINI)
def test_both_spellings_of_every_proto_field(provider: str, model: str) -> None:
    """PROTOJSON "Field names as JSON keys": parsers accept the lowerCamelCase name and the
    original proto field name."""
    validator = _validator(provider, model)
    snake = {
        "contents": [
            {"parts": [{"text": "x"}, {"inline_data": {"mime_type": "image/png", "data": "AAAA"}}]}
        ],
        "system_instruction": {"parts": [{"text": "be brief"}]},
        "safety_settings": [],
        "generation_config": {
            "response_modalities": ["IMAGE"],
            "candidate_count": 1,
            "image_config": {"aspect_ratio": "1:1", "image_size": "1K"},
        },
    }
    assert validator.violations(snake) == []


@pytest.mark.parametrize(("provider", "model"), GEMINI)
def test_quoted_integers_within_range(provider: str, model: str) -> None:
    """PROTOJSON type table: int32 accepts numbers or strings; 1.0 is a valid integer. The range
    still applies to the quoted form (candidateCount is 1..1 for image models)."""
    validator = _validator(provider, model)
    for count in (1, 1.0, "1"):
        assert validator.violations({**PROMPT, "generationConfig": {"candidateCount": count}}) == []
    for count in ("2", "01", "1e0", "", "one"):
        assert validator.violations({**PROMPT, "generationConfig": {"candidateCount": count}})
    assert ("/generationConfig/candidateCount", "maximum") in _rules(
        validator, {**PROMPT, "generationConfig": {"candidateCount": 2}}
    )


@pytest.mark.parametrize(("provider", "model"), GEMINI)
def test_enum_names_and_numbers(provider: str, model: str) -> None:
    """PROTOJSON enum row (names and integer values) + GENERATE enum Modality (TEXT 1, IMAGE 2)."""
    validator = _validator(provider, model)
    for modalities in (["IMAGE"], ["TEXT", "IMAGE"], [2], [1, 2], ["image"]):
        body = {**PROMPT, "generationConfig": {"responseModalities": modalities}}
        assert validator.violations(body) == [], modalities
    for modalities in ([0], [3], ["AUDIO"], ["2"], [True]):
        body = {**PROMPT, "generationConfig": {"responseModalities": modalities}}
        assert ("/generationConfig/responseModalities/0", "enum") in _rules(validator, body)


@pytest.mark.parametrize(("provider", "model"), GEMINI)
def test_model_in_body_is_typed_and_other_names_are_advisory(provider: str, model: str) -> None:
    """HTTP: the path binds `model`; a body value is a string. A different model is not failed
    (recorded as a conflict: Google's behaviour is unknown), so it is valid for the schema."""
    validator = _validator(provider, model)
    assert validator.violations({**PROMPT, "model": "gemini-3-pro-image-preview"}) == []
    assert ("/model", "type") in _rules(validator, {**PROMPT, "model": {"name": model}})
    schema = validator.schema["properties"]["model"]
    assert schema["x-advisory"]["enum"] == [f"models/{model}", model]


@pytest.mark.parametrize(("provider", "model"), GEMINI)
def test_unknown_fields_stay_rejected(provider: str, model: str) -> None:
    """PROTOJSON "Null values": key validity checking still occurs (null does not excuse an
    unknown field); Google answers 400 for unknown names."""
    validator = _validator(provider, model)
    assert ("/parameters", "additionalProperties") in _rules(
        validator, {**PROMPT, "parameters": None}
    )
    assert ("/generationConfig/imageConfig/ratio", "additionalProperties") in _rules(
        validator, {**PROMPT, "generationConfig": {"imageConfig": {"ratio": "1:1"}}}
    )


def test_exactly_one_part_field_ignores_nulls() -> None:
    """PROTOJSON "Null values": `inlineData: null` leaves the part's data field unset, so a part
    with text and a null inlineData holds exactly one field; two real ones still break it."""
    validator = _validator("google", "gemini-2.5-flash-image")
    part = {"text": "x", "inlineData": None, "fileData": None}
    assert validator.violations({"contents": [{"parts": [part]}]}) == []
    two = {"text": "x", "fileData": {"fileUri": "gs://b/x.png"}}
    assert ("/contents/0/parts/0", "oneOf") in _rules(validator, {"contents": [{"parts": [two]}]})


@pytest.mark.parametrize(("provider", "model"), IMAGEN)
def test_predict_value_fields_are_not_proto_typed(provider: str, model: str) -> None:
    """PREDICT: instances[] and parameters are google.protobuf.Value, so the proto typing rules
    stop there (the conflict in families/gemini-predict.yaml): a quoted sampleCount is a string
    and is rejected, `sample_count` is another (unknown, open) key, null reads as the default."""
    validator = _validator(provider, model)
    base = {"instances": [{"prompt": "x"}]}
    assert validator.violations({**base, "model": model, "parameters": None}) == []
    assert validator.violations({**base, "parameters": {"sampleCount": None}}) == []
    assert ("/parameters/sampleCount", "type") in _rules(
        validator, {**base, "parameters": {"sampleCount": "2"}}
    )
    params = validator.schema["properties"]["parameters"]["properties"]
    assert "sample_count" not in params
    assert "instance" not in validator.schema["properties"]
    assert ("/instances", "type") in _rules(validator, {"instances": None})


def test_non_google_families_are_unchanged() -> None:
    """The mapping is declared per family: OpenAI-style bodies keep JSON's plain rules."""
    provider = SPEC.provider("aimlapi")
    assert provider is not None
    model = provider.models[0]
    operation = model.operations[0]
    assert operation.json_mapping is None
    validator = validator_for(provider, model, operation, "request")
    assert validator is not None
    body = {"model": model.id, "prompt": "x", "num_images": None}
    assert ("/num_images", "type") in _rules(validator, body)


@pytest.mark.parametrize(
    ("provider", "model", "path", "good", "bad"),
    [
        ("google", "gemini-2.5-flash-image", "generationConfig", ["Text", "Image"], ["Txt"]),
        ("google", "imagen-4.0-generate-001", "parameters", "Allow_Adult", "allow"),
        ("routescope", "imagen-4.0-generate-001", "parameters", "DONT_ALLOW", "dont"),
    ],
)
def test_case_insensitive_enums_in_any_case(
    provider: str, model: str, path: str, good: Any, bad: Any
) -> None:
    """`case_insensitive: true` (upstream-imagen: "enum values are case-insensitive upstream",
    the SDK sends DONT_ALLOW; responseModalities likewise per upstream-gemini-image): any letter
    case is accepted, not only the listed and upper-cased spellings; another word is an enum miss
    reported at the spec's enum line."""
    validator = _validator(provider, model)
    if path == "generationConfig":
        body: dict[str, Any] = {**PROMPT, path: {"responseModalities": good}}
        miss = {**PROMPT, path: {"responseModalities": bad}}
        pointer = "/generationConfig/responseModalities/0"
    else:
        body = {"instances": [{"prompt": "x"}], path: {"personGeneration": good}}
        miss = {"instances": [{"prompt": "x"}], path: {"personGeneration": bad}}
        pointer = "/parameters/personGeneration"
    assert validator.violations(body) == []
    found = validator.violations(miss)
    assert [(v.pointer, v.rule) for v in found] == [(pointer, "enum")]
    assert "any case" in found[0].message and found[0].spec_location is not None
