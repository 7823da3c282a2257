"""Reports: JSON (full cases, schema-valid, loadable), JUnit and Markdown agree with the run."""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET
from pathlib import Path
from typing import Any

import pytest
from report_testkit import relay_run, small_plan

from conformance.checks.registry import OUTCOMES
from conformance.report import (
    Report,
    ReportError,
    from_run,
    load_report,
    write_json,
    write_junit,
    write_markdown,
)
from conformance.report.json_report import schema_errors
from conformance.runner import Budget
from conformance.schema import report as report_schema_module


@pytest.fixture(scope="module")
def report() -> Report:
    run = relay_run(
        small_plan("tokaify"), frozenset({"ignore-count"}), budget=Budget(max_requests=20)
    )
    return from_run(run, {"tokaify": "https://api.tokaify.example"})


@pytest.fixture(scope="module")
def clean() -> Report:
    return from_run(relay_run(small_plan("routescope", "google")), {})


def test_json_has_every_case_in_full(report: Report, tmp_path: Path) -> None:
    path = tmp_path / "r.json"
    write_json(report, path)
    data = json.loads(path.read_text())
    assert data["failed"] is True and not schema_errors(data)
    sent = [c for c in data["cases"] if c["exchange"] is not None]
    assert sent and len(data["cases"]) > len(sent)  # the budget cut the rest
    for case in sent:
        response = case["exchange"]["response"]
        assert response["status"] >= 200 and response["headers"]
        assert case["curl"].startswith("curl ")
        valid = case["request"]["auth"]["mode"] == "valid"
        assert ("$TOKAIFY_API_KEY" in case["curl"]) == valid
    failing = [f for c in data["cases"] for f in c["findings"] if f["outcome"] == "fail"]
    assert failing and all(f["spec"] and f["check"] for f in failing)
    assert {"image-count"} <= {f["check"] for f in failing}
    assert data["coverage"][0]["positive"] == data["coverage"][0]["lower_bound"]


def test_json_slims_image_payloads(report: Report) -> None:
    with_images = [c for c in report["cases"] if c["images"]]
    assert with_images
    for case in with_images:
        text = json.dumps(case["exchange"])
        assert "<image #0>" in text and len(text) < 20_000
        for image in case["images"]:
            assert image["size"] == f"{image['width']}x{image['height']}"
            assert image["bytes"] > 0 and len(image["sha256"]) == 64
            assert image["thumbnail"].startswith("data:image/")


def test_loaded_report_is_the_written_one(report: Report, tmp_path: Path) -> None:
    path = tmp_path / "r.json"
    write_json(report, path)
    assert load_report(path) == report


@pytest.mark.parametrize(
    ("text", "says"),
    [
        ("{", "not JSON"),
        ('{"format": "imagegen-conformance-report/1"}', "required"),
        ("[]", "not of type"),
    ],
)
def test_broken_reports_are_error_values(tmp_path: Path, text: str, says: str) -> None:
    path = tmp_path / "bad.txt"
    path.write_text(text)
    error = load_report(path)
    assert isinstance(error, ReportError) and says in str(error) and str(path) in str(error)


def test_schema_rejects_a_case_without_its_curl(report: Report) -> None:
    broken: dict[str, Any] = json.loads(json.dumps(report))
    del broken["cases"][0]["curl"]
    assert any("curl" in e for e in schema_errors(broken))


def test_schema_outcomes_match_the_registry() -> None:
    assert report_schema_module.OUTCOMES == OUTCOMES


def test_committed_report_schema_is_the_generated_one() -> None:
    committed = Path(__file__).resolve().parents[2] / "schemas" / "report.schema.json"
    assert json.loads(committed.read_text()) == report_schema_module.report_schema()


def test_junit(report: Report, tmp_path: Path) -> None:
    path = tmp_path / "r.xml"
    write_junit(report, path)
    root = ET.parse(path).getroot()
    suite = root.find("testsuite")
    assert suite is not None and suite.get("name") == "tokaify/imagen-4.0-generate-001"
    cases = suite.findall("testcase")
    assert len(cases) == int(suite.get("tests", 0)) == len(report["cases"])
    assert {c.get("classname") for c in cases} == {"tokaify.imagen-4_0-generate-001.predict"}
    failures = [c.find("failure") for c in cases if c.find("failure") is not None]
    assert len(failures) == int(suite.get("failures", 0)) == report["counts"]["fail"] > 0
    for failure in failures:
        assert failure is not None and failure.text
        assert "image-count" in failure.text and "reproduce: curl " in failure.text
    assert int(suite.get("skipped", 0)) >= report["counts"]["skipped"]


def test_markdown_failing(report: Report, tmp_path: Path) -> None:
    path = tmp_path / "r.md"
    write_markdown(report, path)
    text = path.read_text()
    assert text.startswith("## Conformance FAILED: relay")
    assert "| provider | model | verdict | cases | status |" in text
    row = next(line for line in text.splitlines() if line.startswith("| tokaify |"))
    assert "| ❌ |" in row and "❌ " in row.split("|", 5)[5] and "### Failures" in text


def test_markdown_green_rows_read_green(clean: Report) -> None:
    text = _markdown(clean)
    header = next(line for line in text.splitlines() if line.startswith("| provider |"))
    columns = [c.strip() for c in header.strip("|").split("|")]
    rows = [line for line in text.splitlines() if line.startswith(("| routescope", "| google"))]
    assert rows and clean["counts"]["blocked"] > 0 and not clean["failed"]
    for line in rows:
        cells = dict(zip(columns, (c.strip() for c in line.strip("|").split("|")), strict=True))
        assert cells["verdict"] == "✅"
        assert "🚫" not in line and "❌" not in line
        count = cells["image-count"]
        assert count == "·" or (count.startswith("✅ ") and int(count.split()[1]) > 0)
    assert (
        sum(int(r.strip("|").split("|")[-2].strip().replace("·", "0")) for r in rows)
        == (clean["counts"]["blocked"])
    )


def _markdown(report: Report) -> str:
    from conformance.report import to_markdown

    return to_markdown(report)


def test_the_package_names_resolve_lazily() -> None:
    """`conformance.report` imports its renderers on first use: every exported name resolves,
    to the function of that name (not a submodule it shadows)."""
    import conformance.report as package

    for name in package.__all__:
        value = getattr(package, name)
        assert not isinstance(value, type(package)), name
        assert getattr(value, "__name__", name) == name or name == "Report"
