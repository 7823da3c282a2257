"""Reports: JSON and JUnit parse and agree with the run; Markdown is a provider x model matrix."""

from __future__ import annotations

import asyncio
import json
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from conformance.plan.planner import PlanOptions, plan
from conformance.report import write_json, write_junit, write_markdown
from conformance.runner import Budget, RunResult, TargetOptions, open_transports, run_plan
from conformance.spec.resolve import load_spec
from conformance.transport.flow import FlowOptions


@pytest.fixture(scope="module")
def run() -> RunResult:
    spec = load_spec(Path(__file__).resolve().parents[2] / "specs")
    the_plan = plan(spec, PlanOptions(providers=("tokaify",), max_examples=0))

    async def go() -> RunResult:
        options = TargetOptions(faults=frozenset({"ignore-count"}))
        async with open_transports(spec, ["tokaify"], options) as transports:
            return await run_plan(
                the_plan,
                transports,
                flow=FlowOptions(),
                budget=Budget(max_requests=20),
                target="relay",
            )

    return asyncio.run(go())


def test_json(run: RunResult, tmp_path: Path) -> None:
    path = tmp_path / "r.json"
    write_json(run, path)
    data = json.loads(path.read_text())
    assert len(data["cases"]) == len(run.results) and data["failed"] is True
    failing = [f for c in data["cases"] for f in c["findings"] if f["outcome"] == "fail"]
    assert failing and all(f["spec"] and f["check"] for f in failing)
    assert {"image-count"} <= {f["check"] for f in failing}
    assert data["coverage"][0]["positive"] == data["coverage"][0]["lower_bound"]


def test_junit(run: RunResult, tmp_path: Path) -> None:
    path = tmp_path / "r.xml"
    write_junit(run, path)
    root = ET.parse(path).getroot()
    suite = root.find("testsuite")
    assert suite is not None and suite.get("name") == "tokaify/imagen-4.0-generate-001"
    assert int(suite.get("tests", 0)) == len(run.results)
    assert int(suite.get("failures", 0)) == run.counts()["fail"] > 0
    assert int(suite.get("skipped", 0)) >= run.counts()["skipped"]


def test_markdown(run: RunResult, tmp_path: Path) -> None:
    path = tmp_path / "r.md"
    write_markdown(run, path)
    text = path.read_text()
    assert text.startswith("## Conformance FAILED: relay")
    assert "| provider | model | status |" in text
    row = next(line for line in text.splitlines() if line.startswith("| tokaify |"))
    assert "❌" in row and "### Failures" in text
