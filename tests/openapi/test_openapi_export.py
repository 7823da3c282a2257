"""Every provider's OpenAPI export is valid 3.1, complete, discriminator-free and tool-ready."""

from __future__ import annotations

import dataclasses
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml
from openapi_spec_validator import validate

from conformance.cli.main import main
from conformance.openapi.export import openapi_document, operation_id
from conformance.schema.build import request_schema
from conformance.spec.model import Provider, Spec
from conformance.spec.resolve import load_spec

ROOT = Path(__file__).resolve().parents[2]
METHODS = {"get", "put", "post", "delete", "patch", "head", "options", "trace"}


@pytest.fixture(scope="module")
def spec() -> Spec:
    return load_spec(ROOT / "specs")


def get_provider(spec: Spec, provider_id: str) -> Provider:
    found = spec.provider(provider_id)
    assert found is not None, provider_id
    return found


def operations(document: dict[str, Any]) -> Iterator[tuple[str, str, dict[str, Any]]]:
    for path, item in document["paths"].items():
        for method, operation in item.items():
            if method in METHODS:
                yield path, method, operation


def keys(node: Any) -> Iterator[str]:
    if isinstance(node, dict):
        for key, value in node.items():
            yield key
            yield from keys(value)
    elif isinstance(node, list):
        for value in node:
            yield from keys(value)


@pytest.mark.parametrize(
    "provider_id",
    ["aimlapi", "apiframe", "google", "openrouter", "routescope", "tokaify", "vertex"],
)
def test_every_provider_export_validates(spec: Spec, provider_id: str) -> None:
    provider = spec.provider(provider_id)
    assert provider is not None
    document = openapi_document(spec, provider)
    validate(document)
    assert document["openapi"] == "3.1.0"
    assert document["servers"] == [{"url": provider.base_url}]
    assert "discriminator" not in set(keys(document))
    assert "$schema" not in set(keys(document["components"]["schemas"]))
    pairs = [(m, o) for m in provider.models for o in m.operations]
    found = list(operations(document))
    assert len(found) == len(pairs)
    ids = {op["operationId"] for _, _, op in found}
    assert ids == {operation_id(m, o) for m, o in pairs}
    by_id = {op["operationId"]: (path, method, op) for path, method, op in found}
    for model, operation in pairs:
        path, method, op = by_id[operation_id(model, operation)]
        assert (path, method) == (operation.path, operation.method.lower())
        assert str(operation.success_status) in op["responses"]
        assert {"4XX", "default"} <= set(op["responses"])
        has_body = request_schema(provider, model, operation) is not None
        assert ("requestBody" in op) == has_body


def test_all_providers_are_covered(spec: Spec) -> None:
    assert {p.id for p in spec.providers} == {
        "aimlapi",
        "apiframe",
        "google",
        "openrouter",
        "routescope",
        "tokaify",
        "vertex",
    }


def test_security_schemes_follow_auth(spec: Spec) -> None:
    google = openapi_document(spec, get_provider(spec, "google"))
    schemes = google["components"]["securitySchemes"]
    assert schemes["header_x-goog-api-key"]["in"] == "header"
    assert schemes["query_key"] == {**schemes["query_key"], "type": "apiKey", "in": "query"}
    assert google["security"] == [{"header_x-goog-api-key": []}, {"query_key": []}]
    routescope = openapi_document(spec, get_provider(spec, "routescope"))
    bearer = routescope["components"]["securitySchemes"]["bearer_Authorization"]
    assert (bearer["type"], bearer["scheme"]) == ("http", "bearer")
    apiframe = openapi_document(spec, get_provider(spec, "apiframe"))
    header = apiframe["components"]["securitySchemes"]["header_X-API-Key"]
    assert (header["type"], header["in"], header["name"]) == ("apiKey", "header", "X-API-Key")


def test_job_read_has_its_path_parameter_and_a_link(spec: Spec) -> None:
    document = openapi_document(spec, get_provider(spec, "apiframe"))
    get = document["paths"]["/v2/jobs/{id}"]["get"]
    assert [(p["name"], p["in"], p["required"]) for p in get["parameters"]] == [
        ("id", "path", True)
    ]
    submit = document["paths"]["/v2/images/generate"]["post"]
    link = submit["responses"]["200"]["links"]["jobs.get"]
    assert link == {
        **link,
        "operationId": get["operationId"],
        "parameters": {"id": "$response.body#/id"},
    }


def test_concrete_model_paths(spec: Spec) -> None:
    document = openapi_document(spec, get_provider(spec, "google"))
    assert "/v1beta/models/imagen-4.0-generate-001:predict" in document["paths"]
    post = document["paths"]["/v1beta/models/imagen-4.0-generate-001:predict"]["post"]
    assert "parameters" not in post  # the model id is part of the concrete path
    ref = post["requestBody"]["content"]["application/json"]["schema"]["$ref"]
    schema = document["components"]["schemas"][ref.rsplit("/", 1)[1]]
    assert schema["properties"]["parameters"]["properties"]["sampleCount"]["default"] == 4


def test_models_sharing_a_route_share_one_operation(spec: Spec) -> None:
    provider = spec.provider("aimlapi")
    assert provider is not None
    twin = dataclasses.replace(provider.models[0], id="google/imagen-4.0-generate-001")
    doubled = dataclasses.replace(provider, models=(provider.models[0], twin))
    document = openapi_document(spec, doubled)
    validate(document)
    found = list(operations(document))
    assert len(found) == 1
    _, _, op = found[0]
    assert op["x-models"] == [
        "google/imagen-4.0-fast-generate-001",
        "google/imagen-4.0-generate-001",
    ]
    assert len(op["requestBody"]["content"]["application/json"]["schema"]["anyOf"]) == 2


def test_cli_stdout_file_and_unknown_provider(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    specs = str(ROOT / "specs")
    assert main(["--specs", specs, "openapi", "--provider", "tokaify"]) == 0
    document = json.loads(capsys.readouterr().out)
    validate(document)

    out = tmp_path / "apiframe.yaml"
    assert main(["--specs", specs, "openapi", "--provider", "apiframe", "--out", str(out)]) == 0
    assert "2 operation(s)" in capsys.readouterr().err
    validate(yaml.safe_load(out.read_text("utf-8")))

    assert main(["--specs", specs, "openapi", "--provider", "nope"]) == 2
    err = capsys.readouterr().err
    assert "unknown provider 'nope'" in err
    assert "aimlapi, apiframe, google, openrouter, routescope, tokaify, vertex" in err


def test_export_is_deterministic(spec: Spec) -> None:
    provider = spec.provider("routescope")
    assert provider is not None
    first = json.dumps(openapi_document(spec, provider))
    again = load_spec(ROOT / "specs").provider("routescope")
    assert again is not None
    assert json.dumps(openapi_document(spec, again)) == first
