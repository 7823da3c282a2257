"""The GitHub Actions example in docs/ci/ is a working workflow: parsed, its shard matrix is
1..N, artifacts carry the reports, and its `conformance` commands run locally (shards, then the
merge writing the step summary) and add up to the whole plan."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import yaml

from conformance.plan.planner import PlanOptions, plan
from conformance.spec.resolve import load_spec

ROOT = Path(__file__).resolve().parents[2]
WORKFLOW = ROOT / "docs" / "ci" / "github-actions.yml"


def load() -> dict[str, Any]:
    data: dict[str, Any] = yaml.safe_load(WORKFLOW.read_text())
    return data


def commands(job: dict[str, Any]) -> list[str]:
    return [s["run"] for s in job["steps"] if "conformance " in s.get("run", "")]


def test_workflow_shape() -> None:
    jobs = load()["jobs"]
    shard, report = jobs["shard"], jobs["report"]
    count = int(shard["env"]["SHARDS"])
    assert shard["strategy"]["matrix"]["shard"] == list(range(1, count + 1))
    assert shard["strategy"]["fail-fast"] is False
    assert report["needs"] == "shard" and report["if"] == "always()"
    uses = [s.get("uses", "") for s in report["steps"]]
    assert any(u.startswith("actions/download-artifact@") for u in uses)
    uploads = [s for s in report["steps"] if s.get("uses", "").startswith("actions/upload-")]
    assert uploads and {"conformance.json", "conformance.html", "conformance.xml"} <= set(
        uploads[0]["with"]["path"].split()
    )
    (merge,) = commands(report)
    assert "$GITHUB_STEP_SUMMARY" in merge and merge.startswith("conformance report merge")


def _expand(command: str, shard: int | None = None) -> str:
    if shard is not None:
        command = command.replace("${{ matrix.shard }}", str(shard))
    assert "${{" not in command, f"unexpanded expression in {command!r}"
    return command


@pytest.mark.slow
def test_workflow_commands_run_locally(tmp_path: Path) -> None:
    jobs = load()["jobs"]
    count = int(jobs["shard"]["env"]["SHARDS"])
    env = {
        **os.environ,
        "PATH": f"{Path(sys.executable).parent}{os.pathsep}{os.environ['PATH']}",
        "SHARDS": str(count),
        "GITHUB_STEP_SUMMARY": str(tmp_path / "summary.md"),
    }
    # the matrix jobs run in parallel, as on GitHub
    shards = [
        subprocess.Popen(
            ["bash", "-ec", _expand(command, k)],
            cwd=tmp_path,
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
            text=True,
        )
        for k in jobs["shard"]["strategy"]["matrix"]["shard"]
        for command in commands(jobs["shard"])
    ]
    for job in shards:
        _, err = job.communicate(timeout=300)
        assert job.returncode == 0, err[-2000:]
    (merge,) = commands(jobs["report"])
    done = subprocess.run(
        ["bash", "-ec", _expand(merge)],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert done.returncode == 0, done.stdout[-2000:] + done.stderr[-2000:]
    assert re.search(rf"merged {count} report\(s\)", done.stdout)
    merged = json.loads((tmp_path / "conformance.json").read_text())
    full = plan(load_spec(ROOT / "specs"), PlanOptions())
    assert [c["id"] for c in merged["cases"]] == [c.id for c in full.cases]
    assert (tmp_path / "summary.md").read_text().startswith("## Conformance passed")
    assert (tmp_path / "conformance.html").stat().st_size > 0
    assert (tmp_path / "conformance.xml").read_text().count("<testcase ") == len(full.cases)
