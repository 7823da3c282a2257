"""After a spec change, replay names exactly the cases that need re-recording; each is an `error`
naming the closest recorded request and what differs; re-recording just that model fixes it."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from cassette_testkit import SPECS, run

from conformance.cassettes.manifest import case_fingerprint
from conformance.plan.planner import PlanOptions, plan
from conformance.spec.resolve import load_spec

SELECTION = ["--provider", "tokaify", "--max-examples", "1"]
PERSON = (
    '      parameters.personGeneration: {source: {ref: seed-tokaify-imagen, section: "Request '
    'Parameters"}}'
)


def _changed_specs(tmp_path: Path) -> Path:
    """Tokaify narrows personGeneration and caps instances at one: some requests change, one
    negative case appears."""
    specs = tmp_path / "specs"
    shutil.copytree(SPECS, specs)
    provider = specs / "providers" / "tokaify.yaml"
    text = provider.read_text()
    assert PERSON in text and "max_items: null," in text
    text = text.replace(PERSON, PERSON[:-1] + ", enum: [dont_allow, allow_adult]}")
    provider.write_text(text.replace("max_items: null,", "max_items: 1,"))
    return specs


def _fingerprints(specs: Path) -> dict[str, str]:
    options = PlanOptions(providers=("tokaify",), max_examples=1)
    return {c.id: case_fingerprint(c) for c in plan(load_spec(specs), options).cases}


def test_a_spec_change_names_the_cases_to_rerecord(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    cassettes = tmp_path / "cassettes"
    assert run([*SELECTION, "--record", str(cassettes)])[0] == 0
    capsys.readouterr()
    specs = _changed_specs(tmp_path)
    before, after = _fingerprints(SPECS), _fingerprints(specs)
    expected = {cid for cid, fp in after.items() if before.get(cid) != fp}
    assert len(expected) >= 2 and any(cid not in before for cid in expected)

    code, report = run(["--replay", str(cassettes)], tmp_path / "r.json", specs=specs)
    out = capsys.readouterr().out
    assert code == 1
    errors = {c["id"]: c for c in report["cases"] if c["outcome"] == "error"}
    assert set(errors) == expected
    assert {c["outcome"] for c in report["cases"] if c["id"] not in expected} <= {"pass", "blocked"}
    new = next(cid for cid in expected if cid not in before)
    changed = next(cid for cid in expected if cid in before)
    message = errors[new]["findings"][0]["message"]
    assert message.startswith("no answer: not recorded (new case); closest recorded request: ")
    assert "differs: /body/instances/1: added" in message
    message = errors[changed]["findings"][0]["message"]
    assert f"(request changed); closest recorded request: {changed}" in message
    assert "/body/parameters/personGeneration: " in message
    assert f"{len(expected)} case(s) need re-recording" in out
    for cid in expected:
        assert f"  {cid}: " in out
    command = (
        f"conformance run --record {cassettes} --provider tokaify "
        "--model imagen-4.0-generate-001 --max-examples 1"
    )
    assert command in out

    # re-recording what was named is enough
    args = command.split()[2:]
    assert run(args, specs=specs)[0] == 0
    assert run(["--replay", str(cassettes), "--block-network"], specs=specs)[0] == 0


def test_a_partial_recording_replays_its_own_selection(tmp_path: Path) -> None:
    """Recording one model, then another, into a directory: both replay, nothing is stale."""
    cassettes = tmp_path / "cassettes"
    models = ["imagen-4.0-generate-001", "gemini-2.5-flash-image"]
    for model in models:
        args = ["--provider", "routescope", "--model", model, "--max-examples", "0"]
        assert run([*args, "--record", str(cassettes)])[0] == 0
    code, report = run(["--replay", str(cassettes)], tmp_path / "r.json")
    assert code == 0
    assert {c["model"] for c in report["cases"]} == set(models)
    # a different seed for part of a provider would mix two plans in one recording: refused
    args = ["--provider", "routescope", "--model", models[0], "--max-examples", "0"]
    assert run([*args, "--seed", "5", "--record", str(cassettes)])[0] == 2
