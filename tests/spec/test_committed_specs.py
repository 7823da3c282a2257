"""The committed specs say what the seed pages and the upstream reference say.

Every parameter row of the five seed pages (hand-transcribed in tests/data/seed_parameters.yaml)
must be in the spec for each model it applies to, citing that seed page, with its default and its
documented values. Then the model rules, lifecycles, pixel tables and conflicts the issue names.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml

from conformance.spec.model import Model, Parameter, Spec

SEED_ROWS = Path(__file__).resolve().parents[1] / "data" / "seed_parameters.yaml"
# Seed spellings that name more than one spec parameter.
SPLIT_FIELDS = {
    "contents[].parts[].inline_data.mime_type / data": [
        "contents[].parts[].inline_data.mime_type",
        "contents[].parts[].inline_data.data",
    ],
}


def rows() -> list[dict[str, Any]]:
    data = yaml.safe_load(SEED_ROWS.read_text())
    return list(data["rows"])


def find(spec: Spec, provider: str, model: str, name: str) -> Parameter | None:
    p = spec.provider(provider)
    assert p is not None
    m = p.model(model)
    assert m is not None, f"{provider} has no model {model}"
    return next((x for o in m.operations for x in o.parameters if x.name == name), None)


def test_providers_and_models(spec: Spec) -> None:
    assert {p.id: [m.id for m in p.models] for p in spec.providers} == {
        "aimlapi": ["google/imagen-4.0-fast-generate-001"],
        "apiframe": ["imagen-4"],
        "google": [
            "imagen-4.0-fast-generate-001",
            "imagen-4.0-generate-001",
            "imagen-4.0-ultra-generate-001",
            "gemini-2.5-flash-image",
            "gemini-3-pro-image-preview",
            "gemini-3.1-flash-image-preview",
        ],
        "routescope": [
            "imagen-4.0-fast-generate-001",
            "imagen-4.0-generate-001",
            "imagen-4.0-ultra-generate-001",
            "gemini-2.5-flash-image",
            "gemini-3.1-flash-image-preview",
            "gemini-3-pro-image-preview",
        ],
        "tokaify": ["imagen-4.0-generate-001"],
    }


def test_operations_and_auth(spec: Spec) -> None:
    ops = {
        (p.id, m.id): [(o.method, o.path) for o in m.operations]
        for p, m, _ in spec.iter_operations()
    }
    assert ops[("google", "imagen-4.0-generate-001")] == [
        ("POST", "/v1beta/models/imagen-4.0-generate-001:predict")
    ]
    assert ops[("routescope", "gemini-2.5-flash-image")] == [
        ("POST", "/v1beta/models/gemini-2.5-flash-image:generateContent")
    ]
    assert ops[("apiframe", "imagen-4")] == [
        ("POST", "/v2/images/generate"),
        ("GET", "/v2/jobs/{id}"),
    ]
    assert ops[("aimlapi", "google/imagen-4.0-fast-generate-001")] == [
        ("POST", "/v1/images/generations")
    ]
    schemes = {p.id: [(s.kind, s.name) for s in p.auth.schemes] for p in spec.providers}
    assert schemes == {
        "google": [("header", "x-goog-api-key"), ("query", "key")],
        "routescope": [("bearer", "Authorization")],
        "tokaify": [("bearer", "Authorization")],
        "apiframe": [("header", "X-API-Key")],
        "aimlapi": [("bearer", "Authorization")],
    }


@pytest.mark.parametrize("row", rows(), ids=lambda r: f"{r['provider']}:{r['field']}")
def test_every_seed_row_is_in_the_spec_with_its_source(spec: Spec, row: dict[str, Any]) -> None:
    names = SPLIT_FIELDS.get(row["field"], [row["field"]])
    for model in row["models"]:
        for name in names:
            param = find(spec, row["provider"], model, name)
            assert param is not None, f"{row['provider']} {model}: no parameter {name}"
            documents = {s.document for s in param.sources}
            assert f"docs/sources/seeds/{row['seed']}" in documents, (name, documents)
            _check_default_and_values(param, row, model)


def _check_default_and_values(param: Parameter, row: dict[str, Any], model: str) -> None:
    if row["default"] is not None and param.name != "model":
        assert param.has_default and param.default == row["default"], (model, param.name)
    values = row["values"]
    if isinstance(values, dict):
        if values.get("min") is not None:
            assert param.minimum == values["min"]
        if values.get("max") is not None:
            assert param.maximum == values["max"]
    elif (
        isinstance(values, list)
        and values
        and not isinstance(values[0], list)
        and (param.concept == "input_mime_type" or param.enum is not None)
    ):
        assert param.enum is not None and set(param.enum) == set(values), param.name
    if row.get("values_filled_from_upstream"):
        assert param.values_from is not None and param.values_from.ref == "upstream-imagen"
    limit = row.get("limit")
    if limit:
        assert param.max_length is not None
        assert (param.max_length.value, param.max_length.unit) == (limit["value"], limit["unit"])
        expected = "advisory" if limit.get("advisory") else "enforced"
        assert param.max_length.enforcement == expected


def model(spec: Spec, provider: str, model_id: str) -> Model:
    p = spec.provider(provider)
    assert p is not None
    m = p.model(model_id)
    assert m is not None
    return m


def enum_of(spec: Spec, provider: str, model_id: str, name: str) -> tuple[Any, ...] | None:
    param = find(spec, provider, model_id, name)
    assert param is not None
    return param.enum


def test_imagen_rules(spec: Spec) -> None:
    for provider in ("google", "routescope"):
        for m in (
            "imagen-4.0-fast-generate-001",
            "imagen-4.0-generate-001",
            "imagen-4.0-ultra-generate-001",
        ):
            assert enum_of(spec, provider, m, "parameters.aspectRatio") == (
                "1:1",
                "3:4",
                "4:3",
                "9:16",
                "16:9",
            )
            count = find(spec, provider, m, "parameters.sampleCount")
            assert count and (count.minimum, count.maximum, count.default) == (1, 4, 4)
            assert enum_of(spec, provider, m, "parameters.personGeneration") == (
                "dont_allow",
                "allow_adult",
                "allow_all",
            )
    fast_size = find(spec, "routescope", "imagen-4.0-fast-generate-001", "parameters.imageSize")
    assert fast_size and fast_size.enforcement == "channel-dependent" and fast_size.default == "1K"
    std_size = find(spec, "routescope", "imagen-4.0-generate-001", "parameters.imageSize")
    assert std_size and std_size.enum == ("1K", "2K") and std_size.enforcement == "enforced"
    assert (
        find(spec, "google", "imagen-4.0-fast-generate-001", "parameters.sampleImageSize") is None
    )


def test_gemini_rules(spec: Spec) -> None:
    ratio = "generationConfig.imageConfig.aspectRatio"
    size = "generationConfig.imageConfig.imageSize"
    for provider in ("google", "routescope"):
        assert len(enum_of(spec, provider, "gemini-2.5-flash-image", ratio) or ()) == 10
        assert len(enum_of(spec, provider, "gemini-3-pro-image-preview", ratio) or ()) == 10
        assert len(enum_of(spec, provider, "gemini-3.1-flash-image-preview", ratio) or ()) == 14
        assert enum_of(spec, provider, "gemini-3-pro-image-preview", size) == ("1K", "2K", "4K")
        assert enum_of(spec, provider, "gemini-2.5-flash-image", size) == ("1K",)
    mime = find(
        spec, "routescope", "gemini-2.5-flash-image", "contents[].parts[].inline_data.mime_type"
    )
    assert mime and mime.enum == (
        "image/png",
        "image/jpeg",
        "image/webp",
        "image/heic",
        "image/heif",
    )
    part = find(spec, "google", "gemini-2.5-flash-image", "contents[].parts[]")
    assert part and {"text", "inline_data", "inlineData"} <= set(part.exactly_one_of)


def test_apiframe_and_aimlapi_rules(spec: Spec) -> None:
    params = find(spec, "apiframe", "imagen-4", "imagenParams")
    assert params and params.closed
    assert enum_of(spec, "apiframe", "imagen-4", "imagenParams.output_format") == ("jpg", "png")
    assert model(spec, "apiframe", "imagen-4").price is not None
    fast = "google/imagen-4.0-fast-generate-001"
    prompt = find(spec, "aimlapi", fast, "prompt")
    assert prompt and prompt.max_length is not None
    assert (prompt.max_length.value, prompt.max_length.unit) == (400, "characters")
    seed = find(spec, "aimlapi", fast, "seed")
    assert seed and seed.maximum == 4294967295
    upstream_prompt = find(spec, "google", "imagen-4.0-fast-generate-001", "instances[].prompt")
    assert upstream_prompt and upstream_prompt.max_length is not None
    assert (upstream_prompt.max_length.unit, upstream_prompt.max_length.enforcement) == (
        "tokens",
        "advisory",
    )


def test_default_image_counts_have_sources(spec: Spec) -> None:
    counts = {
        (p.id, m.id): (m.default_image_count, m.default_image_count_source.ref)
        for p in spec.providers
        for m in p.models
    }
    assert counts[("routescope", "imagen-4.0-generate-001")] == (4, "seed-routescope-imagen")
    assert counts[("google", "gemini-2.5-flash-image")] == (1, "upstream-gemini-image")
    assert counts[("aimlapi", "google/imagen-4.0-fast-generate-001")] == (
        1,
        "seed-aimlapi-imagen-fast",
    )
    assert counts[("apiframe", "imagen-4")] == (1, "assumed")


def test_lifecycles(spec: Spec) -> None:
    google_imagen = model(spec, "google", "imagen-4.0-generate-001")
    assert google_imagen.status == "retired"
    retired = google_imagen.upstream_lifecycle[-1]
    assert (retired.date, retired.source.ref) == ("2026-08-20", "upstream-imagen-retirement")
    relay = model(spec, "routescope", "imagen-4.0-generate-001")
    assert relay.status == "ga" and relay.upstream_status == "retired"
    assert model(spec, "routescope", "gemini-3-pro-image-preview").status == "preview"


def test_pixel_tables(spec: Spec) -> None:
    def size(provider: str, m: str, ratio: str, tier: str) -> tuple[str, str]:
        entry = model(spec, provider, m).pixel_size(ratio, tier)
        assert entry is not None
        return str(entry.size), entry.enforcement

    assert size("tokaify", "imagen-4.0-generate-001", "16:9", "1K") == ("1408x768", "enforced")
    assert size("apiframe", "imagen-4", "3:4", "2K") == ("1792x2560", "enforced")
    assert size("google", "gemini-3-pro-image-preview", "21:9", "4K") == ("6336x2688", "enforced")
    assert size("google", "gemini-3.1-flash-image-preview", "1:8", "4K") == (
        "1536x12288",
        "advisory",
    )
    assert size("google", "gemini-2.5-flash-image", "21:9", "1K") == ("1536x672", "enforced")
    assert model(spec, "google", "imagen-4.0-fast-generate-001").pixel_size("1:1", "2K") is None


def test_conflicts_are_recorded_with_a_choice(spec: Spec) -> None:
    topics = {c.topic for p in spec.providers for c in p.conflicts}
    topics |= {c.topic for p in spec.providers for m in p.models for c in m.conflicts}
    for expected in (
        "sampleCount on Ultra",
        "status for a wrong API key",
        "Imagen 4 lifecycle",
        "aspect ratios of gemini-3.1-flash-image",
        "prompt length limit",
        "empty enum lists",
        "is `contents` required on :generateContent",
    ):
        assert expected in topics
    for p in spec.providers:
        for c in p.conflicts:
            assert c.choice and c.why and c.sources


def test_every_source_can_be_followed_from_the_repo() -> None:
    """A citation is a public URL or a file inside this repository, never a path outside it."""
    repo = Path(__file__).resolve().parents[2]
    entries = yaml.safe_load((repo / "specs" / "sources.yaml").read_text())["sources"]
    for name, entry in entries.items():
        document = entry["document"]
        if document.startswith(("https://", "http://")):
            continue
        path = (repo / document).resolve()
        assert path.is_relative_to(repo), (name, document)
        assert path.is_file(), (name, document)
