"""The generated pages say what the seed pages say, row by row, and line providers up correctly.

The reference is tests/data/seed_parameters.yaml, a hand transcription of every parameter row of
the five seed pages. Each row must appear in the page of its provider and of every model it
applies to, in a parameter-table row whose cells carry its default, its values or range, its
length limit (with unit and enforcement) and its type and requiredness. Unmatched rows are all
listed in one failure, never skipped.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import yaml

from conformance.spec.model import Spec

PARAM_HEADER = "| Field | Type | Required | Default | Values / Range | Description | Source |"

# Seed spellings that are not one spec parameter name. Value: {param name: carries the row's
# default and values}. The 2.5 Flash row names two fields in one cell; its values (MIME types)
# belong to `mime_type`, while `data` only has to be documented.
SEED_FIELD_PARAMS: dict[str, dict[str, bool]] = {
    "contents[].parts[].inline_data.mime_type / data": {
        "contents[].parts[].inline_data.mime_type": True,
        "contents[].parts[].inline_data.data": False,
    },
}

# Seed types written differently from JSON Schema types.
SEED_TYPES = {"string[]": "array"}

# Rows where the page contradicts itself and the spec follows the other statement.
# (seed, section, field) -> why the requiredness is not compared.
PAGE_SELF_CONFLICTS = {
    ("001_e8ef137d5127df87.txt", "Request Body", "contents"): (
        'written "contents?" (optional) under Request Body but "Required: Yes" under Common '
        "Parameters; the spec enforces required"
    ),
}

CODE = re.compile(r"`([^`]*)`")
RANGE = re.compile(r"(?<![\w.])(-?\d+(?:\.\d+)?)\.\.(-?\d+(?:\.\d+)?)")


def split_row(line: str) -> list[str]:
    inner = line.strip()[1:-1]
    return [c.strip().replace("\\|", "|") for c in re.split(r"(?<!\\)\|", inner)]


def param_tables(page: str) -> dict[str, dict[str, str]]:
    """Every parameter-table row of a page, keyed by the field's name (its first code span)."""
    rows: dict[str, dict[str, str]] = {}
    header = split_row(PARAM_HEADER)
    in_table = False
    for line in page.splitlines():
        if line == PARAM_HEADER:
            in_table = True
            continue
        if not in_table or line.startswith("|---"):
            continue
        if not line.startswith("|"):
            in_table = False
            continue
        cells = dict(zip(header, split_row(line), strict=True))
        names = CODE.findall(cells["Field"])
        rows[names[0] if names else cells["Field"]] = cells
    return rows


def codes(cell: str) -> list[str]:
    return CODE.findall(cell)


def render_seed_value(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def flatten(values: list[Any]) -> list[Any]:
    out: list[Any] = []
    for value in values:
        out.extend(flatten(value) if isinstance(value, list) else [value])
    return out


def bounds(cell: str) -> tuple[float | None, float | None]:
    match = RANGE.search(cell)
    if match:
        return float(match.group(1)), float(match.group(2))
    exact = re.search(r"exactly (-?\d+)(?! item)", cell)
    if exact:
        return float(exact.group(1)), float(exact.group(1))
    low = re.search(r"≥ (-?\d+)(?! \w)", cell)
    high = re.search(r"≤ (-?\d+)(?! \w)", cell)
    return (float(low.group(1)) if low else None, float(high.group(1)) if high else None)


def check_row(seed: dict[str, Any], cells: dict[str, str], carries: bool) -> list[str]:
    """Everything the seed row states that the table row fails to carry."""
    problems: list[str] = []
    seed_type = SEED_TYPES.get(seed["type"], seed["type"])
    if carries and seed_type and not cells["Type"].startswith(seed_type):
        problems.append(f"type {cells['Type']!r}, seed says {seed['type']!r}")
    key = (seed["seed"], seed["section"], seed["field"])
    if carries and seed["required"] is not None and key not in PAGE_SELF_CONFLICTS:
        want = "yes" if seed["required"] else "no"
        if not cells["Required"].startswith(want):
            problems.append(f"required {cells['Required']!r}, seed says {want}")
    if not carries:
        return problems
    if seed["default"] is not None:
        want = render_seed_value(seed["default"])
        if want not in codes(cells["Default"]):
            problems.append(f"default {cells['Default']!r} lacks {want!r}")
    values = seed["values"]
    if isinstance(values, list):
        have = codes(cells["Values / Range"])
        missing = [v for v in flatten(values) if render_seed_value(v) not in have]
        if missing:
            problems.append(f"values {cells['Values / Range']!r} lack {missing}")
    elif isinstance(values, dict):
        low, high = bounds(cells["Values / Range"])
        if values.get("min") is not None and low != float(values["min"]):
            problems.append(f"range {cells['Values / Range']!r}, seed min {values['min']}")
        if values.get("max") is not None and high != float(values["max"]):
            problems.append(f"range {cells['Values / Range']!r}, seed max {values['max']}")
    limit = seed["limit"]
    if limit:
        text = f"≤ {limit['value']} {limit['unit']}"
        cell = cells["Values / Range"]
        if text not in cell:
            problems.append(f"limit {cell!r} lacks {text!r}")
        elif bool(limit.get("advisory")) != (f"{text} (advisory)" in cell):
            problems.append(f"limit {cell!r}: seed advisory={bool(limit.get('advisory'))}")
    if (
        seed["values_filled_from_upstream"]
        and "filled from upstream" not in cells["Values / Range"]
    ):
        problems.append("values not marked as filled from upstream")
    return problems


def test_every_seed_row_is_in_its_page(repo_root: Path, pages: dict[str, str]) -> None:
    data = yaml.safe_load((repo_root / "tests/data/seed_parameters.yaml").read_text("utf-8"))
    failures: list[str] = []
    checked = 0
    for seed in data["rows"]:
        params = SEED_FIELD_PARAMS.get(seed["field"], {seed["field"]: True})
        for model in seed["models"]:
            page_path = f"{seed['provider']}/{model}.md"
            where = f"{seed['seed']} [{seed['section']}] {seed['field']!r} @ {page_path}"
            if page_path not in pages:
                failures.append(f"{where}: no generated page")
                continue
            rows = param_tables(pages[page_path])
            for name, carries in params.items():
                checked += 1
                if name not in rows:
                    failures.append(f"{where}: no table row for {name!r}")
                    continue
                failures.extend(f"{where}: {p}" for p in check_row(seed, rows[name], carries))
    assert not failures, f"{len(failures)} seed row(s) not matched:\n" + "\n".join(failures)
    assert checked >= len(data["rows"])


def test_page_list(spec: Spec, pages: dict[str, str]) -> None:
    expected = {"index.md"}
    for provider in spec.providers:
        for model in provider.models:
            expected.add(f"{provider.id}/{model.id}.md")
            expected.add(f"models/{model.upstream}.md")
    assert set(pages) == expected
    assert "aimlapi/google/imagen-4.0-fast-generate-001.md" in pages


def test_every_parameter_of_every_operation_has_a_row(spec: Spec, pages: dict[str, str]) -> None:
    for provider in spec.providers:
        for model in provider.models:
            page = pages[f"{provider.id}/{model.id}.md"]
            rows = param_tables(page)
            for operation in model.operations:
                assert f"### `{operation.name}` — `{operation.method} {operation.path}`" in page
                for param in operation.parameters:
                    key = "*(request body)*" if param.name == "(body)" else param.name
                    assert key in rows, (provider.id, model.id, operation.name, param.name)
                    assert param.source.cite() in rows[key]["Source"]


def test_apiframe_page_documents_the_job_read(pages: dict[str, str]) -> None:
    page = pages["apiframe/imagen-4.md"]
    rows = param_tables(page)
    assert rows["id"]["Field"] == "`id` *(in path)*"
    assert "`GET /v2/jobs/{id}`" in page
    assert "starts an asynchronous job" in page


def test_model_page_sections(pages: dict[str, str]) -> None:
    page = pages["routescope/imagen-4.0-ultra-generate-001.md"]
    for heading in (
        "## Endpoint",
        "## Authentication",
        "## Parameters",
        "## Model-specific rules",
        "## Pixel sizes",
        "## Response",
        "## Errors",
        "## Lifecycle",
        "## Conflicts between sources",
    ):
        assert f"\n{heading}\n" in page, heading
    assert "| 16:9 | 1408x768 | 2816x1536 |" in page
    assert "`Authorization: Bearer $ROUTESCOPE_API_KEY` (header)" in page
    assert "### sampleCount on Ultra" in page
    assert "| Google (upstream) | gemini-api | retired | 2026-08-20 |" in page
    advisory = pages["google/gemini-3.1-flash-image-preview.md"]
    assert "| 1:4 | — | 512x2048 (advisory) |" in advisory


def matrix(page: str, heading: str) -> dict[str, dict[str, str]]:
    """A cross-provider matrix under `## heading`: concept label -> provider column -> cell."""
    lines = page.split(f"\n## {heading}\n", 1)[1].split("\n## ", 1)[0].strip().splitlines()
    header = split_row(lines[0])
    table: dict[str, dict[str, str]] = {}
    for line in lines[2:]:
        if not line.startswith("|"):
            break
        cells = split_row(line)
        table[cells[0]] = dict(zip(header[1:], cells[1:], strict=True))
    return table


def test_cross_page_imagen_4_standard(pages: dict[str, str]) -> None:
    page = pages["models/imagen-4.0-generate-001.md"]
    names = matrix(page, "Field names")["Number of images"]
    assert names == {
        "google": "`parameters.sampleCount`",
        "apiframe (`imagen-4`)": "none",
        "routescope": "`parameters.sampleCount`",
        "tokaify": "`parameters.sampleCount`",
        "vertex": "`parameters.sampleCount`",
    }
    defaults = matrix(page, "Defaults")["Number of images"]
    assert defaults["google"] == defaults["tokaify"] == defaults["routescope"] == "`4`"
    assert defaults["vertex"] == "`4`"
    assert defaults["apiframe (`imagen-4`)"] == "1 (no parameter)"
    assert "X-API-Key: $APIFRAME_API_KEY" in page
    assert "`result.images[]` (URI)" in page


def test_cross_page_imagen_4_fast_limits(pages: dict[str, str]) -> None:
    page = pages["models/imagen-4.0-fast-generate-001.md"]
    aimlapi = "aimlapi (`google/imagen-4.0-fast-generate-001`)"
    names = matrix(page, "Field names")["Number of images"]
    assert names[aimlapi] == "`num_images`"
    assert matrix(page, "Defaults")["Number of images"][aimlapi] == "`1`"
    prompt = matrix(page, "Values, ranges and limits")["Prompt"]
    assert "≤ 480 tokens (advisory)" in prompt["google"]
    assert "≤ 480 tokens (advisory)" in prompt["routescope"]
    assert "≤ 400 characters" in prompt[aimlapi]
    assert "advisory" not in prompt[aimlapi]
    assert "- Safety filter values differ: google lacks `block_none`." in page


def test_index_links_every_page(pages: dict[str, str]) -> None:
    index = pages["index.md"]
    for path in pages:
        if path != "index.md":
            assert f"]({path})" in index, path


def test_model_specific_rules_compare_sibling_models(pages: dict[str, str]) -> None:
    fast = pages["google/imagen-4.0-fast-generate-001.md"]
    assert (
        "- `parameters.sampleImageSize` is not offered for this model (it is for "
        "imagen-4.0-generate-001, imagen-4.0-ultra-generate-001)." in fast
    )
    flash = pages["routescope/gemini-3.1-flash-image-preview.md"]
    assert (
        "- `generationConfig.imageConfig.aspectRatio`: adds `1:4`, `1:8`, `4:1`, `8:1` compared "
        "with gemini-2.5-flash-image, gemini-3-pro-image-preview." in flash
    )
    channel = pages["routescope/imagen-4.0-fast-generate-001.md"]
    assert "- `parameters.imageSize`: channel-dependent (not enforced) compared with" in channel
