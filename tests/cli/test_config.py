"""`[tool.conformance]` / conformance.toml: defaults for `run`; the command line wins."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from conformance.cli.config import Config, find_config
from conformance.cli.main import main


def plan_rows(tmp_path: Path, capsys: pytest.CaptureFixture[str], *argv: str) -> set[str]:
    """The providers of the planned cases (`run --dry-run`'s table)."""
    capsys.readouterr()
    assert main(["run", "--dry-run", *argv]) == 0
    return set(re.findall(r"^│ (\S+) +│", capsys.readouterr().out, re.M))


@pytest.fixture
def here(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.chdir(tmp_path)
    return tmp_path


def test_no_file_no_config(here: Path) -> None:
    assert find_config(here) == Config()


def test_conformance_toml_wins_over_pyproject(here: Path) -> None:
    (here / "pyproject.toml").write_text("[tool.conformance]\nprovider = ['google']\n")
    assert find_config(here).values == {"provider": ["google"]}
    (here / "conformance.toml").write_text("max-requests = 3\n")
    assert find_config(here).values == {"max_requests": 3}


def test_a_pyproject_without_the_table_is_no_config(here: Path) -> None:
    (here / "pyproject.toml").write_text("[project]\nname = 'x'\n")
    assert find_config(here).path is None


def test_the_table_gives_runs_defaults_and_the_cli_wins(
    here: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (here / "pyproject.toml").write_text("[tool.conformance]\nprovider = ['google', 'tokaify']\n")
    assert plan_rows(here, capsys) == {"google", "tokaify"}
    assert plan_rows(here, capsys, "--provider", "apiframe") == {"apiframe"}


def test_specs_in_the_table_are_relative_to_the_file(
    here: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    mine = here / "trees" / "mine" / "providers"
    mine.mkdir(parents=True)
    (mine / "myrelay.yaml").write_text(
        "kind: provider\nid: myrelay\nextends: tokaify\ntitle: Mine\n"
    )
    (here / "conformance.toml").write_text("specs = ['trees/mine']\nprovider = 'myrelay'\n")
    assert plan_rows(here, capsys) == {"myrelay"}
    assert main(["list", "--json"]) == 0
    assert "myrelay" in capsys.readouterr().out


@pytest.mark.parametrize(
    ("table", "message"),
    [
        (
            "max-request = 3",
            "unknown key 'max_request' in [tool.conformance]; did you mean 'max-requests'?",
        ),
        ("max-requests = 'many'", "`max_requests`: 'many' is not a valid N"),
        ("block-network = 'yes'", "`block_network` must be true or false"),
        ("seed = [1, 2]", "`seed` takes one value"),
        ("specs = 3", "`specs` must be a directory or a list of directories"),
        ("provider = [", "is not valid TOML"),
    ],
)
def test_bad_tables_are_usage_errors(
    here: Path, capsys: pytest.CaptureFixture[str], table: str, message: str
) -> None:
    (here / "pyproject.toml").write_text(f"[tool.conformance]\n{table}\n")
    assert main(["run", "--dry-run"]) == 2
    err = capsys.readouterr().err
    assert message in err and "Traceback" not in err


def test_specs_before_or_after_the_command_layer_in_order(
    here: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    for name, title in (("one", "One"), ("two", "Two")):
        tree = here / name / "providers"
        tree.mkdir(parents=True)
        (tree / "v.yaml").write_text(f"kind: provider\nid: v\nextends: tokaify\ntitle: {title}\n")
    assert main(["--specs", "one", "openapi", "--provider", "v", "--specs", "two"]) == 0
    assert json.loads(capsys.readouterr().out)["info"]["title"].startswith("Two")
    assert main(["--specs", "two", "--specs", "one", "openapi", "--provider", "v"]) == 0
    assert json.loads(capsys.readouterr().out)["info"]["title"].startswith("One")
