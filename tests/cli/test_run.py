"""`conformance run`: the clean relay passes, each of the relay's faults is caught by its check,
dry runs send nothing, budget cuts are reported, and usage errors exit 2."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from conformance.cli.main import main
from conformance.server.faults import FAULTS

ROOT = Path(__file__).resolve().parents[2]
SPECS = ["--specs", str(ROOT / "specs")]
# A small selection that exercises every fault: Imagen over :predict, Gemini, and the async job.
SMALL = [
    "--provider",
    "routescope",
    "--provider",
    "apiframe",
    "--model",
    "imagen-4.0-generate-001",
    "--model",
    "gemini-3-pro-image-preview",
    "--model",
    "imagen-4",
    "--max-examples",
    "1",
]

EXPECTED_CHECK = {
    "foreign-shape": "response-schema",
    "ignore-count": "image-count",
    "ignore-aspect-ratio": "pixel-size",
    "ignore-image-size": "pixel-size",
    "mime-mismatch": "image-payload",
    "truncate-image": "image-payload",
    "no-auth": "auth",
    "accept-invalid": "status",
    "server-error": "status",
    "error-envelope": "error-envelope",
    "wrong-default": "defaults",
    "stuck-job": "job-lifecycle",
    "invalid-as-not-found": "error-class",
    "inconsistent-envelope": "error-envelope",
    "drop-error-details": "error-class",
    "leak-traceback": "error-leak",
    "echo-key": "error-leak",
    "strip-metadata": "required-fields",
    "inflate-usage": "image-tokens",
    "ignore-modalities": "modalities",
    "case-sensitive-enums": "status",
    "camel-case-only": "status",
    "open-polls": "auth",
    "keyed-image-urls": "image-payload",
    "unbounded-body": "status",
    "drop-chat-images": "image-count",
}
# Faults whose finding needs a provider outside SMALL: Google's wrong-key reason API_KEY_INVALID,
# OpenRouter's chat completions.
EXTRA_ARGS = {
    "drop-error-details": ["--provider", "google"],
    # only chat completions carry it
    "drop-chat-images": [
        "--provider",
        "openrouter",
        "--model",
        "google/gemini-3-pro-image-preview",
    ],
}


def _run(args: list[str], tmp_path: Path) -> tuple[int, dict[str, object]]:
    out = tmp_path / "r.json"
    code = main([*SPECS, "run", *args, "--json", str(out)])
    return code, json.loads(out.read_text()) if out.exists() else {}


def _failing_checks(report: dict[str, object]) -> set[str]:
    cases = report["cases"]
    assert isinstance(cases, list)
    return {f["check"] for c in cases for f in c["findings"] if f["outcome"] == "fail"}


def test_every_fault_has_an_expected_check() -> None:
    assert set(EXPECTED_CHECK) == set(FAULTS) and len(FAULTS) == 26


def test_default_run_passes(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, report = _run([], tmp_path)
    assert code == 0, _failing_checks(report)
    counts = report["counts"]
    assert isinstance(counts, dict) and counts.get("fail", 0) == 0 and counts["pass"] > 500
    assert counts.get("blocked", 0) > 0
    out = capsys.readouterr().out
    assert "conformance against built-in reference relay" in out and " 0 fail" in out


def test_small_selection_passes_clean(tmp_path: Path) -> None:
    code, report = _run(SMALL, tmp_path)
    assert code == 0, _failing_checks(report)


@pytest.mark.parametrize("fault", sorted(EXPECTED_CHECK))
def test_fault_is_caught(fault: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, report = _run([*SMALL, *EXTRA_ARGS.get(fault, []), "--fault", fault], tmp_path)
    assert code == 1
    assert EXPECTED_CHECK[fault] in _failing_checks(report)
    out = capsys.readouterr().out
    assert "FAIL " in out and "reproduce: curl" in out
    assert not [line for line in out.splitlines() if "reproduce:" in line and "test-key" in line]


def test_dry_run_sends_nothing(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    import conformance.runner.targets as targets

    def boom(*args: object, **kwargs: object) -> None:
        raise AssertionError("dry run opened a transport")

    monkeypatch.setattr(targets, "open_transports", boom)
    monkeypatch.setattr("conformance.cli.run_jobs.open_transports", boom)
    assert main([*SPECS, "run", "--dry-run", "--provider", "apiframe"]) == 0
    out = capsys.readouterr().out
    assert "nothing is sent" in out and "credits" in out and "5 / 5" in out


def test_budget_cut_cases_are_skipped(tmp_path: Path) -> None:
    code, report = _run(["--provider", "tokaify", "--max-requests", "7"], tmp_path)
    assert code == 0
    counts = report["counts"]
    assert isinstance(counts, dict) and counts["skipped"] > 0
    assert counts["pass"] + counts.get("blocked", 0) == 7


@pytest.mark.parametrize(
    "args",
    [
        ["--provider", "nope"],
        ["--check", "nope"],
        ["--fault", "nope"],
        ["--base-url", "http://x"],
        ["--base-url", "http://x", "--provider", "tokaify", "--fault", "no-auth"],
        ["--api-key-env", "X"],
        ["--concurrency", "0"],
        ["--latency", "fast"],
    ],
)
def test_usage_errors_exit_2(args: list[str], capsys: pytest.CaptureFixture[str]) -> None:
    assert main([*SPECS, "run", *args]) == 2
    assert "error" in capsys.readouterr().err


def test_live_target_without_key_is_a_usage_error(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.delenv("TOKAIFY_API_KEY", raising=False)
    code = main([*SPECS, "run", "--base-url", "http://127.0.0.1:9", "--provider", "tokaify"])
    assert code == 2 and "TOKAIFY_API_KEY" in capsys.readouterr().err


def test_an_accepted_wire_form_is_named_in_the_finding(tmp_path: Path) -> None:
    code, report = _run([*SMALL, "--fault", "unbounded-body"], tmp_path)
    assert code == 1
    cases = report["cases"]
    assert isinstance(cases, list)
    messages = [
        f["message"]
        for c in cases
        if c["id"].endswith("wire/oversized-body")
        for f in c["findings"]
        if f["check"] == "status" and f["outcome"] == "fail"
    ]
    assert messages
    # The request was refused for its size, not its key: the finding says which form it was.
    assert all(m.startswith("the oversized-body request was accepted with 200") for m in messages)


@pytest.mark.parametrize("report", ["--json", "--html"])
def test_an_unwritable_report_is_a_usage_error_after_the_summary(
    report: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """The report files are written while the summary prints (`run._finish`): a file that
    cannot be written still ends the run with exit 2 and its reason, the summary complete."""
    folder = tmp_path / "a-folder"
    folder.mkdir()
    assert main([*SPECS, "run", "--provider", "tokaify", report, str(folder)]) == 2
    captured = capsys.readouterr()
    assert f"cannot write {folder}" in captured.err
    assert "conformance against built-in reference relay" in captured.out
    assert " 0 fail" in captured.out
