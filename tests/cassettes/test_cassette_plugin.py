"""The pytest plugin honours pytest-recording's --record-mode and --block-network: it replays the
committed cassettes offline, records what is missing, and fails on a recorded fault or a missing
recording."""

from __future__ import annotations

from pathlib import Path

import pytest
from cassette_testkit import CASSETTES, SPECS, run

pytest_plugins = ["pytester"]

BASE = [
    "--conformance-provider",
    "tokaify",
    "--conformance-specs",
    str(SPECS),
    "-p",
    "no:cacheprovider",
]


def test_replays_the_committed_cassettes_with_the_network_blocked(
    pytester: pytest.Pytester,
) -> None:
    result = pytester.runpytest(
        *BASE, "--record-mode=none", "--block-network", "--conformance-cassettes", str(CASSETTES)
    )
    result.assert_outcomes(passed=7)


def test_once_records_then_replays(pytester: pytest.Pytester, tmp_path: Path) -> None:
    where = ["--conformance-cassettes", str(tmp_path / "c")]
    pytester.runpytest(*BASE, "--record-mode=once", *where).assert_outcomes(passed=7)
    assert (tmp_path / "c" / "tokaify" / "manifest.json").is_file()
    assert (tmp_path / "c" / "tokaify" / "imagen-4.0-generate-001.yaml").is_file()
    result = pytester.runpytest(*BASE, "--record-mode=none", "--block-network", *where)
    result.assert_outcomes(passed=7)


def test_a_recorded_fault_fails_its_family(pytester: pytest.Pytester, tmp_path: Path) -> None:
    cassettes = tmp_path / "c"
    args = ["--provider", "tokaify", "--fault", "ignore-count", "--record", str(cassettes)]
    assert run(args)[0] == 1
    result = pytester.runpytest(
        *BASE, "--record-mode=none", "--conformance-cassettes", str(cassettes), "-k", "images"
    )
    result.assert_outcomes(failed=1)
    result.stdout.fnmatch_lines(["*image-count (count)*expected*"])


def test_a_missing_recording_fails_every_item(pytester: pytest.Pytester, tmp_path: Path) -> None:
    result = pytester.runpytest(
        *BASE, "--record-mode=none", "--conformance-cassettes", str(tmp_path / "none")
    )
    result.assert_outcomes(failed=7)
    result.stdout.fnmatch_lines(["*no recording at*"])
