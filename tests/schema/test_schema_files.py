"""The generated schema files: the index contract, determinism, offline validity, freshness."""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import Any

import pytest
from jsonschema import Draft202012Validator
from referencing import Registry

from conformance.cli.main import main
from conformance.schema.emit import check_schemas, schema_files
from conformance.spec.model import Spec
from conformance.spec.resolve import load_spec

REPO = Path(__file__).resolve().parents[2]
SCHEMAS = REPO / "schemas"
SPECS = REPO / "specs"


ENTRY_KEYS = ["provider", "model", "operation", "method", "path", "request", "response", "error"]


def test_index_has_all_fifteen_pairs_in_the_documented_format() -> None:
    index = json.loads((SCHEMAS / "index.json").read_text())
    assert list(index) == ["schemas"]
    entries = index["schemas"]
    assert all(list(e) == ENTRY_KEYS for e in entries)
    pairs = {(e["provider"], e["model"]) for e in entries}
    per_provider: dict[str, int] = {}
    for provider, _ in pairs:
        per_provider[provider] = per_provider.get(provider, 0) + 1
    assert per_provider == {
        "google": 6,
        "routescope": 6,
        "tokaify": 1,
        "apiframe": 1,
        "aimlapi": 1,
        "openrouter": 1,
        "vertex": 5,
    }
    routescope = next(
        e
        for e in entries
        if e["provider"] == "routescope" and e["model"] == "imagen-4.0-generate-001"
    )
    assert routescope == {
        "provider": "routescope",
        "model": "imagen-4.0-generate-001",
        "operation": "predict",
        "method": "POST",
        "path": "/v1beta/models/imagen-4.0-generate-001:predict",
        "request": "routescope/imagen-4.0-generate-001/predict.request.json",
        "response": "routescope/imagen-4.0-generate-001/predict.response.json",
        "error": "routescope/error.json",
    }
    job = next(e for e in entries if e["operation"] == "jobs.get")
    assert job["request"] is None and job["method"] == "GET" and job["path"] == "/v2/jobs/{id}"
    for entry in entries:
        for key in ("request", "response", "error"):
            if entry[key] is not None:
                assert (SCHEMAS / entry[key]).is_file(), entry[key]


def all_schema_files() -> list[Path]:
    return sorted(p for p in SCHEMAS.rglob("*.json") if p.name != "index.json")


@pytest.mark.parametrize("path", all_schema_files(), ids=lambda p: str(p.relative_to(SCHEMAS)))
def test_each_file_declares_its_dialect_and_resolves_offline(path: Path) -> None:
    schema = json.loads(path.read_text())
    assert schema["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    Draft202012Validator.check_schema(schema)
    refs = [r for r in _refs(schema) if not r.startswith("#")]
    assert refs == [], f"{path} points outside itself: {refs}"
    # An empty registry: any remote $ref would fail to resolve instead of going to the network.
    Draft202012Validator(schema, registry=Registry()).is_valid({})


def _refs(node: Any) -> list[str]:
    if isinstance(node, dict):
        found = [node["$ref"]] if isinstance(node.get("$ref"), str) else []
        return found + [r for v in node.values() for r in _refs(v)]
    if isinstance(node, list):
        return [r for v in node for r in _refs(v)]
    return []


def test_emission_is_deterministic(spec: Spec) -> None:
    again = load_spec(SPECS)
    assert schema_files(spec) == schema_files(again)


def test_committed_schemas_are_fresh(spec: Spec) -> None:
    assert check_schemas(spec, SCHEMAS).fresh


def test_check_names_stale_missing_and_extra_files(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "schemas"
    shutil.copytree(SCHEMAS, out)
    assert main(["--specs", str(SPECS), "schemas", "--check", "--out", str(out)]) == 0
    (out / "tokaify" / "error.json").write_text("{}\n")
    (out / "aimlapi" / "error.json").unlink()
    (out / "stray.json").write_text("{}\n")
    capsys.readouterr()
    assert main(["--specs", str(SPECS), "schemas", "--check", "--out", str(out)]) == 1
    err = capsys.readouterr().err
    assert f"stale: {out / 'tokaify/error.json'}" in err
    assert f"missing: {out / 'aimlapi/error.json'}" in err
    assert f"not generated: {out / 'stray.json'}" in err
    assert main(["--specs", str(SPECS), "schemas", "--out", str(out)]) == 0
    assert main(["--specs", str(SPECS), "schemas", "--check", "--out", str(out)]) == 0
    assert not (out / "stray.json").exists()


def test_a_spec_change_makes_the_schemas_stale(tmp_path: Path) -> None:
    specs = tmp_path / "specs"
    shutil.copytree(SPECS, specs)
    path = specs / "providers" / "aimlapi.yaml"
    path.write_text(path.read_text().replace("maximum: 4\n", "maximum: 8\n", 1))
    stale = check_schemas(load_spec(specs), SCHEMAS)
    assert stale.changed == (
        "aimlapi/google/imagen-4.0-fast-generate-001/images.generations.request.json",
    )


def test_advisory_limits_are_annotated_not_enforced(spec: Spec) -> None:
    schema = json.loads(
        (SCHEMAS / "google/imagen-4.0-generate-001/predict.request.json").read_text()
    )
    prompt = schema["properties"]["instances"]["items"]["properties"]["prompt"]
    assert "maxLength" not in prompt
    assert prompt["x-advisory"]["maxLength"] == {"value": 480, "unit": "tokens"}
    aiml = json.loads(
        (
            SCHEMAS / "aimlapi/google/imagen-4.0-fast-generate-001/images.generations.request.json"
        ).read_text()
    )
    assert aiml["properties"]["prompt"]["maxLength"] == 400
