"""The pytest11 plugin collects one item per model x check family, passes against the relay,
catches a fault with a shrunk request, and spreads items under pytest-xdist."""

from __future__ import annotations

from pathlib import Path

import pytest

pytest_plugins = ["pytester"]

SPECS = str(Path(__file__).resolve().parents[2] / "specs")


def run_plugin(pytester: pytest.Pytester, provider: str, *extra: str) -> pytest.RunResult:
    """The plugin against `provider` with the repo's specs and no cache, plus `extra` args."""
    return pytester.runpytest(
        "--conformance-provider",
        provider,
        "--conformance-specs",
        SPECS,
        "-p",
        "no:cacheprovider",
        *extra,
    )


def test_items_per_model_and_family(pytester: pytest.Pytester) -> None:
    result = run_plugin(pytester, "tokaify", "--collect-only", "-q")
    lines = [line for line in result.outlines if "::" in line]
    assert len(lines) == 7
    assert any(line.endswith("tokaify/imagen-4.0-generate-001/predict::images") for line in lines)


def test_passes_against_the_relay(pytester: pytest.Pytester) -> None:
    result = run_plugin(pytester, "tokaify", "--conformance-max-examples", "3")
    result.assert_outcomes(passed=7)


def test_fault_fails_with_a_minimal_request(pytester: pytest.Pytester) -> None:
    result = run_plugin(
        pytester,
        "tokaify",
        "--conformance-fault",
        "ignore-count",
        "--conformance-max-examples",
        "5",
        "-k",
        "images",
    )
    result.assert_outcomes(failed=1)
    # hypothesis shrinks the failing request to the minimal body: the one-character prompt.
    result.stdout.fnmatch_lines(
        [
            "*image-count*expected*",
            '*reproduce: curl*$TOKAIFY_API_KEY*{"instances":?{"prompt":"0"}?}*',
        ]
    )


def test_xdist(pytester: pytest.Pytester) -> None:
    result = run_plugin(pytester, "tokaify", "--conformance-max-examples", "1", "-n", "2", "-v")
    result.assert_outcomes(passed=7)
    # the items really spread: both workers ran some
    workers = {w for w in ("[gw0]", "[gw1]") if any(w in line for line in result.outlines)}
    assert workers == {"[gw0]", "[gw1]"}


def test_unknown_provider_is_a_usage_error(pytester: pytest.Pytester) -> None:
    result = run_plugin(pytester, "nope")
    assert result.ret != 0
    result.stderr.fnmatch_lines(["*unknown conformance provider 'nope'*"])
