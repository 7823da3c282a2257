"""Exploration reads the built-in specs' recorded draws and draws the rest with hypothesis: a
plan is the same either way, and planning the built-in specs never imports hypothesis."""

from __future__ import annotations

import subprocess
import sys

import pytest

from conformance.plan import explore, recorded_draws
from conformance.plan.memo import Memo, copy_json
from conformance.plan.planner import PlanOptions, plan
from conformance.spec.model import Spec


def test_a_plan_is_the_same_with_and_without_the_recording(
    spec: Spec, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(explore, "_DRAWN", Memo(copy_json))
    recorded = plan(spec, PlanOptions())
    monkeypatch.setattr(explore, "_DRAWN", Memo(copy_json))
    monkeypatch.setattr(recorded_draws, "lookup", lambda key: None)
    drawn = plan(spec, PlanOptions())
    assert [c.as_dict() for c in recorded.cases] == [c.as_dict() for c in drawn.cases]
    assert any(c.kind == "explore" for c in drawn.cases)


def test_what_is_not_recorded_is_drawn_live(spec: Spec, monkeypatch: pytest.MonkeyPatch) -> None:
    """Another seed is not in the recording: hypothesis draws it, deterministically."""
    asked: list[tuple[object, ...]] = []
    lookup = recorded_draws.lookup
    monkeypatch.setattr(recorded_draws, "lookup", lambda key: asked.append(key) or lookup(key))
    monkeypatch.setattr(explore, "_DRAWN", Memo(copy_json))
    model = next(m for p in spec.providers for m in p.models if m.entry_operations[0].has_body)
    operation = model.entry_operations[0]
    bodies = explore.explore(model, operation, 3, seed=7)
    assert asked and recorded_draws.lookup(asked[0]) is None
    assert len(bodies) == 3 and bodies == explore.draw(model, operation, 3, 7)
    assert explore.explore(model, operation, 0, seed=0) == []


def test_planning_the_built_in_specs_imports_no_hypothesis() -> None:
    probe = (
        "import sys\n"
        "from conformance.spec.resolve import load_spec\n"
        "from conformance.spec.trees import builtin_specs_dir\n"
        "from conformance.plan.planner import PlanOptions, plan\n"
        "cases = plan(load_spec(builtin_specs_dir()), PlanOptions()).cases\n"
        "explored = sum(1 for c in cases if c.kind == 'explore')\n"
        "print(explored, any(m.split('.')[0] == 'hypothesis' for m in sys.modules))\n"
    )
    done = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True)
    explored, imported = done.stdout.split()
    assert int(explored) > 0 and imported == "False"
