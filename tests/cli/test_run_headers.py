"""`conformance run --header/--secret-header`: parsed and checked up front (exit 2 on a bad or
unexpandable header), sent on every request, and kept out of recordings when secret."""

from __future__ import annotations

from pathlib import Path

import pytest

from conformance.cli.main import main

ROOT = Path(__file__).resolve().parents[2]
SPECS = ["--specs", str(ROOT / "specs")]
ONE = ["--provider", "tokaify", "--max-examples", "0"]


@pytest.mark.parametrize(
    ("args", "says"),
    [
        (["--header", "no colon"], "Name: value"),
        (["--header", "Content-Length: 3"], "set by the transport"),
        (["--header", "Authorization: Bearer x"], "API-key header"),
        (["--header", "x-a: 1", "--header", "X-A: 2"], "given twice"),
        (["--secret-header", "x-k: ${CONFORMANCE_TEST_UNSET}"], "CONFORMANCE_TEST_UNSET"),
        (["--replay", "cassettes", "--header", "x-a: 1"], "--header cannot be used with --replay"),
    ],
)
def test_bad_headers_are_usage_errors(
    args: list[str], says: str, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.delenv("CONFORMANCE_TEST_UNSET", raising=False)
    assert main([*SPECS, "run", *ONE, *args]) == 2
    assert says in capsys.readouterr().err


def test_a_secret_header_is_recorded_only_as_its_variable(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("GW_VIRTUAL_KEY", "vk-very-secret-4711")
    out = tmp_path / "tapes"
    args = ["--header", "x-gw-route: images", "--secret-header", "x-gw-key: ${GW_VIRTUAL_KEY}"]
    assert main([*SPECS, "run", *ONE, *args, "--record", str(out)]) == 0
    written = "".join(p.read_text() for p in out.rglob("*") if p.is_file())
    assert "vk-very-secret-4711" not in written
    assert "x-gw-key" in written and "$GW_VIRTUAL_KEY" in written
    assert "x-gw-route" in written and "images" in written
    assert main([*SPECS, "run", "--replay", str(out), "--block-network"]) == 0
