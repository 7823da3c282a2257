"""`cassettes/`: a labelled reference recording of the full default run for every provider, under
10 MB with 4K images, holding no key, and replaying (network blocked) to the live run's results."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from cassette_testkit import CASSETTES, files_under, run

from conformance.cassettes import REFERENCE_LABEL, Store
from conformance.runner.targets import RELAY_KEY
from conformance.spec.model import Spec

LIMIT = 10 * 1024 * 1024


def test_every_provider_has_a_labelled_reference_recording(spec: Spec) -> None:
    store = Store(CASSETTES)
    assert store.providers() == sorted(p.id for p in spec.providers)
    for provider in spec.providers:
        manifest = store.manifest(provider.id)
        assert manifest is not None
        assert manifest.label == REFERENCE_LABEL
        assert manifest.target == "built-in reference relay" and manifest.faults == ()
        assert (manifest.plan.seed, manifest.plan.max_examples, manifest.plan.triggers) == (
            0,
            3,
            True,
        )
        assert manifest.selection.models is None and manifest.selection.checks is None
        assert set(manifest.models) == {m.id for m in provider.models}
        for name in manifest.models.values():
            assert (CASSETTES / provider.id / name).is_file()
    assert "reference recording" in (CASSETTES / "README.md").read_text()


def test_size_and_secrets() -> None:
    files = files_under(CASSETTES)
    total = sum(p.stat().st_size for p in files)
    assert total < LIMIT, f"cassettes/ is {total / 1e6:.1f} MB"
    recorded = Store(CASSETTES).files()  # the README names the relay's key; recordings must not
    assert len(recorded) > 10
    for path in recorded:
        assert RELAY_KEY.encode() not in path.read_bytes(), path


def test_replay_matches_the_live_default_run(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, replayed = run(["--replay", str(CASSETTES), "--block-network"], tmp_path / "replay.json")
    assert code == 0, capsys.readouterr().out[-3000:]
    assert "need re-recording" not in capsys.readouterr().out
    live_code, live = run([], tmp_path / "live.json")
    assert live_code == 0
    outcomes = {c["id"]: c["outcome"] for c in live["cases"]}
    assert {c["id"]: c["outcome"] for c in replayed["cases"]} == outcomes
    assert replayed["counts"] == live["counts"]
    assert len(outcomes) > 600 and replayed["counts"].get("blocked", 0) > 0
    manifests = [json.loads(p.read_text()) for p in CASSETTES.glob("*/manifest.json")]
    assert sum(len(m["cases"]) for m in manifests) == len(outcomes)


def test_replay_takes_the_run_filters(capsys: pytest.CaptureFixture[str]) -> None:
    args = ["--provider", "google", "--model", "imagen-4.0-generate-001", "--check", "pixel-size"]
    code, _ = run(["--replay", str(CASSETTES), *args, "--block-network"])
    out = capsys.readouterr().out
    assert code == 0 and "0 error" in out and "cases (" in out
    assert "no longer planned" not in out and "need re-recording" not in out
