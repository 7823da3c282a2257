"""Write the generated schemas and `schemas/index.json`, or check that the committed ones are fresh.

Output is a pure function of the spec: same spec, same bytes. `index.json` is the contract other
tools read (format fixed in DESIGN.md): one entry per provider x model x operation.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from conformance.schema.build import error_schema, request_schema, response_schema
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
    return files


@dataclass(frozen=True)
class Staleness:
    missing: tuple[str, ...]
    changed: tuple[str, ...]
    extra: tuple[str, ...]

    @property
    def fresh(self) -> bool:
        return not (self.missing or self.changed or self.extra)


def _existing(out: Path) -> set[str]:
    if not out.is_dir():
        return set()
    return {p.relative_to(out).as_posix() for p in out.rglob("*.json") if p.is_file()}


def check_schemas(spec: Spec, out: Path) -> Staleness:
    files = schema_files(spec)
    existing = _existing(out)
    missing = sorted(p for p in files if p not in existing)
    changed = sorted(
        p for p in files if p in existing and (out / p).read_text(encoding="utf-8") != files[p]
    )
    extra = sorted(p for p in existing if p not in files)
    return Staleness(tuple(missing), tuple(changed), tuple(extra))


def write_schemas(spec: Spec, out: Path) -> list[str]:
    """Write every file (only those whose bytes changed) and remove stale ones; returns changes."""
    files = schema_files(spec)
    changed: list[str] = []
    for rel, text in files.items():
        target = out / rel
        if target.is_file() and target.read_text(encoding="utf-8") == text:
            continue
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(text, encoding="utf-8")
        changed.append(rel)
    for rel in sorted(_existing(out) - set(files)):
        (out / rel).unlink()
        changed.append(rel)
    for directory in sorted((p for p in out.rglob("*") if p.is_dir()), reverse=True):
        if not any(directory.iterdir()):
            directory.rmdir()
    return changed
