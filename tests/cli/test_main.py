"""The entry point imports only the command it runs, and lists the others as they register."""

from __future__ import annotations

import argparse
import gc
import os
import subprocess
import sys

import pytest

from conformance.cli.main import COMMANDS, build_parser, main


def _help_lines(parser: argparse.ArgumentParser) -> dict[str, str | None]:
    (sub,) = (a for a in parser._actions if isinstance(a, argparse._SubParsersAction))
    return {action.dest: action.help for action in sub._choices_actions}


def test_listed_help_lines_are_the_ones_the_modules_register() -> None:
    listed = {c: h for commands in COMMANDS.values() for c, h in commands.items()}
    assert _help_lines(build_parser()) == listed
    assert _help_lines(build_parser(["--help"])) == listed


@pytest.mark.parametrize(
    ("argv", "imported", "absent"),
    [
        (["--help"], [], ["conformance.cli.run", "conformance.cli.lint"]),
        (["lint"], ["conformance.cli.lint"], ["conformance.cli.run", "conformance.cli.serve"]),
        (
            ["--specs", "run", "list"],
            ["conformance.cli.list_cmd"],
            ["conformance.cli.run", "conformance.cli.docs"],
        ),
    ],
)
def test_only_the_chosen_command_is_imported(
    argv: list[str], imported: list[str], absent: list[str]
) -> None:
    probe = (
        "import sys\n"
        "from conformance.cli.main import build_parser\n"
        f"build_parser({argv!r})\n"
        "print(' '.join(m for m in sys.modules if m.startswith('conformance.cli.')))\n"
    )
    loaded = subprocess.run(
        [sys.executable, "-c", probe], capture_output=True, text=True, check=True
    ).stdout.split()
    assert all(m in loaded for m in imported)
    assert not any(m in loaded for m in absent)


def test_a_chosen_command_parses_its_own_options() -> None:
    args = build_parser(["--specs", "d", "lint", "--json"]).parse_args(
        ["--specs", "d", "lint", "--json"]
    )
    assert args.specs == ["d"] and args.json is True and callable(args.func)


def test_an_unknown_command_is_a_usage_error(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exit_info:
        main(["bogus"])
    assert exit_info.value.code == 2
    assert "invalid choice: 'bogus'" in capsys.readouterr().err


def test_a_live_dry_run_imports_only_what_it_uses() -> None:
    """A run against a --base-url writing no report file needs neither the relay (Starlette),
    nor the report renderers (Jinja2), nor httpx's own command line (click, pygments), nor
    Pillow's image module (the checks read images by header and structure; only decodes,
    thumbnails and encodes import it), nor rich's progress bar (drawn on terminals only), nor
    hypothesis (the built-in specs' exploration draws are recorded: plan/recorded_draws.py)."""
    probe = (
        "import sys\n"
        "from conformance.cli.main import main\n"
        "code = main(['run', '--dry-run', '--base-url', 'http://127.0.0.1:9/google',"
        " '--provider', 'google'])\n"
        "print(code, ' '.join(sorted(sys.modules)))\n"
    )
    done = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True)
    code, *loaded = done.stdout.splitlines()[-1].split()
    assert code == "0"
    for absent in (
        "starlette",
        "jinja2",
        "click",
        "pygments",
        "conformance.server",
        "vcr",
        "PIL.Image",
        "rich.progress",
        "hypothesis",
    ):
        assert not any(m == absent or m.startswith(absent + ".") for m in loaded), absent
    assert "httpx" in loaded and "conformance.plan" in loaded


def test_hypothesis_plugins_stay_out_of_a_plan(monkeypatch: pytest.MonkeyPatch) -> None:
    """Installed hypothesis plugins could change what a seed draws; the CLI turns them off
    (unless the environment says otherwise) before hypothesis is imported."""
    monkeypatch.delenv("HYPOTHESIS_NO_PLUGINS", raising=False)
    with pytest.raises(SystemExit):
        main(["--version"])
    assert os.environ["HYPOTHESIS_NO_PLUGINS"] == "1"


def test_the_command_modules_are_frozen_out_of_the_collector(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """What importing the command built is frozen (and then the loaded spec: `list` reads
    it), each while the collector is paused, with the collector on again afterwards."""
    frozen: list[int] = []
    monkeypatch.setattr(gc, "freeze", lambda: frozen.append(gc.isenabled()))
    main(["list"])
    assert frozen == [False, False] and gc.isenabled()
