"""Sandwich runs end to end: client -> a loopback relay of our own -> `conformance serve`.

A faithful relay passes every forwarding check; a relay broken in one way fails exactly the
forwarding check that names that way, and no other.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from sandwich_testkit import (
    BREAKAGES,
    CLIENT_KEY,
    UPSTREAM_KEY,
    relay_app,
    serving,
    translating_app,
)

from conformance.cli.main import main
from conformance.plan.planner import PlanOptions, plan
from conformance.runner.sandwich import REQUEST_CHECKS, marker_text, sandwich_plan
from conformance.server import RelayOptions, create_app
from conformance.spec.model import Spec

MODELS = ("imagen-4.0-generate-001", "gemini-3-pro-image-preview")
#: The breakages only a Gemini model shows; the others are shown on Imagen (fewer cases).
GEMINI_ONLY = ("strip-signature", "wrong-model")


@pytest.fixture(scope="module")
def sandwich(spec: Spec) -> Iterator[tuple[str, str]]:
    """(relay base URL without its variant, upstream URL)."""
    options = RelayOptions(keys=(UPSTREAM_KEY,), journal=5000, providers=("google",))
    with serving(create_app(spec, options)) as upstream, serving(relay_app(upstream)) as relay:
        yield relay, upstream


def _run(
    sandwich: tuple[str, str],
    variant: str,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    models: tuple[str, ...] = MODELS,
) -> tuple[int, dict[str, set[str]]]:
    """Exit code and, per forward-* check, the outcomes it had."""
    relay, upstream = sandwich
    monkeypatch.setenv("ROUTESCOPE_API_KEY", CLIENT_KEY)
    report = tmp_path / "report.json"
    args = ["run", "--base-url", f"{relay}/{variant}", "--provider", "routescope"]
    args += ["--upstream", upstream, "--retries", "0", "--max-examples", "0"]
    args += [f"--model={m}" for m in models] + ["--json", str(report)]
    code = main(args)
    outcomes: dict[str, set[str]] = {}
    for case in json.loads(report.read_text())["cases"]:
        for finding in case["findings"]:
            if finding["check"].startswith("forward"):
                outcomes.setdefault(finding["check"], set()).add(finding["outcome"])
    return code, outcomes


def _failing(outcomes: dict[str, set[str]]) -> set[str]:
    return {name for name, seen in outcomes.items() if seen & {"fail", "error"}}


def test_a_faithful_relay_passes_every_forwarding_check(
    sandwich: tuple[str, str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    code, outcomes = _run(sandwich, "faithful", tmp_path, monkeypatch)
    assert code == 0
    assert _failing(outcomes) == set()
    every = {*REQUEST_CHECKS, "forward-blocked", "forward-error", "forward-signature"}
    assert {name for name, seen in outcomes.items() if "pass" in seen} == every


@pytest.mark.parametrize("breakage", sorted(BREAKAGES))
def test_a_broken_relay_fails_exactly_the_matching_check(
    breakage: str, sandwich: tuple[str, str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    model = MODELS[1] if breakage in GEMINI_ONLY else MODELS[0]
    code, outcomes = _run(sandwich, breakage, tmp_path, monkeypatch, (model,))
    assert code == 1
    assert _failing(outcomes) == {BREAKAGES[breakage]}


def test_upstream_needs_a_live_relay_and_a_journal(
    sandwich: tuple[str, str],
    spec: Spec,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    relay, upstream = sandwich
    assert main(["run", "--upstream", upstream]) == 2
    assert "--upstream needs --base-url" in capsys.readouterr().err
    monkeypatch.setenv("ROUTESCOPE_API_KEY", CLIENT_KEY)
    with serving(create_app(spec, RelayOptions(providers=("google",)))) as no_journal:
        args = ["run", "--base-url", f"{relay}/faithful", "--provider", "routescope"]
        assert main([*args, "--upstream", no_journal, "--model", MODELS[0]]) == 2
    assert "--journal" in capsys.readouterr().err


def test_only_a_sandwich_plan_carries_markers(spec: Spec) -> None:
    ordinary = plan(spec, PlanOptions(providers=("routescope",), models=MODELS, max_examples=0))
    assert not any("conformance-case:" in json.dumps(c.request.body) for c in ordinary.cases)
    sandwiched, marks = sandwich_plan(ordinary, spec)
    by_id = {c.id: c for c in sandwiched.cases}
    for case in ordinary.cases:
        mark = marks[case.id]
        text = json.dumps(by_id[case.id].request.body)
        if mark.marker is None:
            assert "conformance-case:" not in text
            violation = case.expect.violation
            prompt = case.operation.by_concept("prompt")
            assert (violation and prompt and violation.parameter == prompt.name) or (
                "conformance-case:" not in json.dumps(case.request.body) and prompt is not None
            )
        else:
            assert marker_text(mark.marker) in text
            assert set(REQUEST_CHECKS) <= set(by_id[case.id].checks)
    scripted = {m.script for m in marks.values() if m.script}
    assert scripted == {"thought-signature", "rate-limit", "server-error", "bad-request"}
    assert len({m.marker for m in marks.values() if m.marker}) == sum(
        1 for m in marks.values() if m.marker
    )


def test_a_check_selection_keeps_only_the_selected_forwarding_check(
    sandwich: tuple[str, str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    relay, upstream = sandwich
    monkeypatch.setenv("ROUTESCOPE_API_KEY", CLIENT_KEY)
    report = tmp_path / "report.json"
    args = ["run", "--base-url", f"{relay}/client-key", "--provider", "routescope"]
    args += ["--upstream", upstream, "--model", MODELS[0], "--check", "forward-key"]
    assert main([*args, "--max-examples", "0", "--json", str(report)]) == 1
    checks = {f["check"] for c in json.loads(report.read_text())["cases"] for f in c["findings"]}
    assert checks == {"forward-key"}


def test_a_protocol_translating_relay_is_judged_by_concept(
    sandwich: tuple[str, str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """AI/ML API's names (num_images, aspect_ratio...) are followed to Imagen's by concept."""
    _, upstream = sandwich
    monkeypatch.setenv("AIMLAPI_API_KEY", CLIENT_KEY)
    failures: dict[str, set[tuple[str, str]]] = {}
    passes: dict[str, set[str]] = {}
    with serving(translating_app(upstream)) as relay:
        for variant in ("faithful", "omit-count"):
            report = tmp_path / f"{variant}.json"
            args = ["run", "--base-url", f"{relay}/{variant}", "--provider", "aimlapi"]
            args += ["--upstream", upstream, "--retries", "0", "--max-examples", "0"]
            main([*args, "--json", str(report)])
            failures[variant], passes[variant] = set(), set()
            for case in json.loads(report.read_text())["cases"]:
                for f in case["findings"]:
                    if not f["check"].startswith("forward"):
                        continue
                    if f["outcome"] in ("fail", "error"):
                        failures[variant].add((f["check"], f["message"]))
                    elif f["outcome"] == "pass":
                        passes[variant].add(f["check"])
    # AI/ML API sells safety_setting block_none, which the Gemini API refuses: no relay can
    # forward it faithfully, and forward-added says so.
    assert {c for c, m in failures["faithful"] if "block_none" not in m} == set()
    assert {"forward-params", "forward-route", "forward-key"} <= passes["faithful"]
    broken = {c for c, m in failures["omit-count"] if "block_none" not in m}
    assert broken == {"forward-added"}
    assert any("sampleCount left out upstream" in m for _, m in failures["omit-count"])
