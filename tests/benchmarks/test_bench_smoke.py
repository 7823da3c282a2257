"""benchmarks/run.py: the results document's shape from a tiny configuration, and the docs section.

Not a benchmark: nothing here asserts a speed. It checks that the orchestrator assembles the keys
the issue promises, that a missing benchmark is an error rather than a gap, and that the numbers
in docs/benchmarks.md are exactly what `run.py --render-docs` makes of benchmarks/results.json.
"""

from __future__ import annotations

import importlib.util
import json
import sys
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest

BENCH = Path(__file__).resolve().parents[2] / "benchmarks"


def _load() -> ModuleType:
    spec = importlib.util.spec_from_file_location("bench_run", BENCH / "run.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules["bench_run"] = module
    spec.loader.exec_module(module)
    return module


run = _load()


def test_results_shape_from_a_tiny_configuration() -> None:
    import concurrency  # importable: run.py put benchmarks/ on sys.path

    def tiny_concurrency(settings: dict[str, Any]) -> dict[str, Any]:
        result: dict[str, Any] = concurrency.measure(
            latency=0.05, concurrency=4, requests=8, rounds=1, relay="inprocess"
        )
        return result

    settings = run.settings_for(quick=True)
    figures = [("planning", run.run_planning), ("concurrency", tiny_concurrency)]
    results, errors = run.collect(settings, figures, say=lambda message: None)
    assert errors == {}
    assert results["planning_ratio"] == 1.0
    assert results["concurrency_ratio"] > 0
    assert results["figures"]["concurrency"]["requests"] == 8
    for key in ("wall_times", "machine", "date", "settings", "targets", "figures"):
        assert key in results
    assert set(results["wall_times"]) == {"planning", "concurrency", "total"}
    assert results["machine"]["cpu_count"] and results["machine"]["python"]
    json.dumps(results)  # JSON-ready
    rows = {row[0]: row for row in run.summary_rows(results)}
    assert rows["replay_cases_per_s"][1] == "not measured"


def test_a_missing_or_failing_benchmark_is_an_error(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(run, "HERE", tmp_path)  # no replay.py there
    with pytest.raises(run.BenchmarkError, match=r"replay\.py is missing"):
        run.run_replay(run.settings_for(quick=True))

    def broken(settings: dict[str, Any]) -> dict[str, Any]:
        raise run.BenchmarkError("a measured tool failed: schemathesis exited 2")

    results, errors = run.collect(
        run.settings_for(quick=True), [("detection", broken)], say=lambda message: None
    )
    assert "detection" not in results and "schemathesis exited 2" in errors["detection"]


def test_docs_results_section_is_generated_from_results_json() -> None:
    results_file = BENCH / "results.json"
    assert results_file.exists(), "benchmarks/results.json is committed; run benchmarks/run.py"
    results = json.loads(results_file.read_text(encoding="utf-8"))
    for key in (
        "validation_ratio",
        "concurrency_ratio",
        "planning_ratio",
        "replay_cases_per_s",
        "cassette_bytes_per_case",
        "detection",
        "wall_times",
        "machine",
        "date",
        "settings",
    ):
        assert key in results, key
    faults = results["figures"]["detection"]["faults"]
    from conformance.server import FAULTS

    assert faults == list(FAULTS), "the detection matrix covers the relay's whole fault catalogue"
    for tool in ("conformance", "schemathesis"):
        assert set(results["detection"][tool]) == set(faults)
    docs = run.DOCS.read_text(encoding="utf-8")
    section = docs.split(run.BEGIN, 1)[1].split(run.END, 1)[0].strip()
    assert section == run.render_results(results).strip(), (
        "docs/benchmarks.md is stale: python benchmarks/run.py --render-docs"
    )
