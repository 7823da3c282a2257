"""Write the generated schemas and `schemas/index.json`, or check that the committed ones are fresh.

Output is a pure function of the spec: same spec, same bytes. `index.json` is the contract other
tools read (format fixed in DESIGN.md): one entry per provider x model x operation.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from conformance.generated import Staleness, compare_tree, write_tree
from conformance.schema.build import error_schema, request_schema, response_schema
from conformance.schema.report import REPORT_SCHEMA_FILE, report_schema
from conformance.spec.meta_schema import meta_schema
from conformance.spec.model import Spec

INDEX = "index.json"
META = "spec.meta.json"


def render_json(data: Any) -> str:
    return json.dumps(data, indent=2, ensure_ascii=False) + "\n"


def schema_files(spec: Spec) -> dict[str, str]:
    """Every generated file: relative path -> exact text."""
    files: dict[str, str] = {}
    entries: list[dict[str, Any]] = []
    for provider in spec.providers:
        error_path = f"{provider.id}/error.json"
        files[error_path] = render_json(error_schema(provider))
        for model in provider.models:
            for operation in model.operations:
                stem = f"{provider.id}/{model.id}/{operation.name}"
                request = request_schema(provider, model, operation)
                request_path = None
                if request is not None:
                    request_path = f"{stem}.request.json"
                    files[request_path] = render_json(request)
                response_path = f"{stem}.response.json"
                files[response_path] = render_json(response_schema(provider, model, operation))
                entries.append(
                    {
                        "provider": provider.id,
                        "model": model.id,
                        "operation": operation.name,
                        "method": operation.method,
                        "path": operation.path,
                        "request": request_path,
                        "response": response_path,
                        "error": error_path,
                    }
                )
    files[INDEX] = render_json({"schemas": entries})
    files[META] = render_json(meta_schema())
    files[REPORT_SCHEMA_FILE] = render_json(report_schema())
    return files


def check_schemas(spec: Spec, out: Path) -> Staleness:
    return compare_tree(schema_files(spec), out, ".json")


def write_schemas(spec: Spec, out: Path) -> list[str]:
    """Write every file whose bytes changed and remove stale ones; returns the changes."""
    changed, _ = write_tree(schema_files(spec), out, ".json")
    return changed
