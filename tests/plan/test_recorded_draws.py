"""The recorded exploration draws of the built-in specs: fresh (what hypothesis draws now), used
only by the code that wrote them, and never an error when missing or broken."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from conformance.plan import explore, recorded_draws
from conformance.plan.planner import PlanOptions
from conformance.spec.model import Spec


def test_the_recording_holds_what_hypothesis_draws_now(spec: Spec) -> None:
    """`conformance draws --check` in a test: every entry drawn again, byte for byte."""
    defaults = PlanOptions()
    text = recorded_draws.render(spec, defaults.max_examples, defaults.seed)
    assert recorded_draws.staleness(text).fresh, "run `conformance draws` and commit the result"
    assert len(json.loads(text)["draws"]) >= 10


def test_every_operation_with_a_body_finds_its_draws(spec: Spec) -> None:
    defaults = PlanOptions()
    for provider in spec.providers:
        for model in provider.models:
            for operation in model.entry_operations:
                if not operation.has_body:
                    continue
                key = explore.draw_key(model, operation, defaults.max_examples, defaults.seed)
                found = recorded_draws.lookup(key)
                assert found is not None, f"{provider.id}/{model.id}/{operation.name}"
                assert found == explore.draw(model, operation, 3, 0)


def test_lookups_are_copies(spec: Spec) -> None:
    model = spec.providers[0].models[0]
    key = explore.draw_key(model, model.entry_operations[0], 3, 0)
    first = recorded_draws.lookup(key)
    assert first
    first[0]["changed"] = True
    assert "changed" not in (recorded_draws.lookup(key) or [{}])[0]


@pytest.mark.parametrize(
    "text",
    ["", "{", "[]", '{"code": null, "draws": {}}', '{"code": "other", "draws": {"k": []}}'],
)
def test_a_missing_broken_or_foreign_file_means_live_draws(tmp_path: Path, text: str) -> None:
    path = tmp_path / "recorded_draws.json"
    if text:
        path.write_text(text, encoding="utf-8")
    assert recorded_draws._entries(path) is None


def test_a_file_from_other_drawing_code_is_ignored(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The file names the digest of the code that drew it; any change to that code (here: a
    different digest) and nothing recorded is trusted."""
    recording = json.loads(recorded_draws.PATH.read_text(encoding="utf-8"))
    path = tmp_path / "recorded_draws.json"
    path.write_text(json.dumps(recording), encoding="utf-8")
    assert recorded_draws._entries(path) == recording["draws"]
    monkeypatch.setattr(recorded_draws, "code_digest", lambda: "f" * 64)
    assert recorded_draws._entries.__wrapped__(path) is None


def test_the_code_digest_covers_the_drawing_modules(monkeypatch: pytest.MonkeyPatch) -> None:
    assert recorded_draws.code_digest() is not None
    for name in recorded_draws.DRAWING_MODULES:
        assert (recorded_draws._PACKAGE / name).is_file(), name
    monkeypatch.setattr(recorded_draws, "DRAWING_MODULES", ("plan/no-such-module.py",))
    assert recorded_draws.code_digest.__wrapped__() is None


def test_two_operations_with_one_key_that_draw_differently_are_refused(
    spec: Spec, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A key that misses something the draws read must not be recorded."""
    calls: list[int] = []

    def drifting(*_: Any) -> list[dict[str, Any]]:
        calls.append(1)
        return [{"n": len(calls)}]

    monkeypatch.setattr(explore, "draw", drifting)
    with pytest.raises(ValueError, match="same draw key"):
        recorded_draws.render(spec, 3, 0)
