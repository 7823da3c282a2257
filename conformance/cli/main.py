"""Entry point of the `conformance` console script.

Each command lives in its own module exposing `register(subparsers)`; this module only wires them
and turns usage errors and unexpected exceptions into exit codes (2 and 3) without tracebacks.
Only the module of the command being run is imported: the others are listed from `COMMANDS` by
name and help line. Importing them all cost ~0.3 s on every invocation (`--help` took 0.46 s);
tests/cli/test_main.py holds the help lines here equal to the ones the modules register.
"""

from __future__ import annotations

import argparse
import gc
import importlib
import os
import sys
import tempfile
from collections.abc import Sequence
from pathlib import Path

from conformance import __version__
from conformance.cli.config import Applied, apply_to_run, find_config, finish
from conformance.cli.exits import EXIT_INTERNAL, EXIT_USAGE, UsageError
from conformance.gc_pause import paused

# Command modules under conformance.cli, in the order `--help` lists them, with the commands each
# registers and their help lines.
COMMANDS: dict[str, dict[str, str]] = {
    "run": {"run": "run the conformance suite (default: against the built-in reference relay)"},
    "report": {"report": "combine sharded runs' JSON reports and render them"},
    "serve": {"serve": "run the reference relay (every provider of the specs, offline)"},
    "list_cmd": {"list": "list providers, models, operations and lifecycle"},
    "init_provider": {
        "init-provider": (
            "write a commented skeleton for your own provider (a variant of a known one)"
        )
    },
    "lint": {"lint": "check the specs; print file:line:col errors"},
    "schemas": {"schemas": "generate schemas/ from the specs"},
    "draws": {"draws": "record the built-in specs' exploration draws (or --check them)"},
    "validate": {
        "validate-request": "validate a request body (JSON)",
        "validate-response": "validate a response body (JSON)",
    },
    "docs": {"docs": "generate the parameter pages in docs/params/"},
    "openapi": {"openapi": "export one provider's specs as OpenAPI 3.1"},
}


_SPECS_HELP = (
    "a spec tree laid over the built-in one (repeatable; later trees win, by id); "
    "a directory holding one provider file is enough"
)


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> None:  # type: ignore[override]
        self.print_usage(sys.stderr)
        print(f"{self.prog}: error: {message}", file=sys.stderr)
        raise SystemExit(EXIT_USAGE)


def build_parser(argv: Sequence[str] | None = None) -> argparse.ArgumentParser:
    """The full parser, or with `argv`, one where only the command named in it is imported."""
    parser = _Parser(
        prog="conformance",
        description="Spec-driven conformance suite for image-generation APIs and their relays.",
    )
    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    parser.add_argument("--specs", metavar="DIR", action="append", help=_SPECS_HELP)
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=_Parser)
    chosen = None if argv is None else _command_in(parser, argv)
    for name, commands in COMMANDS.items():
        if argv is not None and chosen not in commands:
            for listed, help_line in commands.items():
                sub.add_parser(listed, help=help_line, add_help=False)
            continue
        try:
            module = importlib.import_module(f"conformance.cli.{name}")
        except ModuleNotFoundError as exc:
            if exc.name == f"conformance.cli.{name}":
                continue  # command not part of this build
            raise
        module.register(sub)
    for command in sub.choices.values():
        # Also after the command; kept apart so the command's parse does not drop the earlier ones.
        command.add_argument(
            "--specs", metavar="DIR", action="append", dest="specs_after", help=_SPECS_HELP
        )
    return parser


def _command_in(parser: argparse.ArgumentParser, argv: Sequence[str]) -> str | None:
    """The command `argv` names: its first word that is not a top-level option or its value."""
    takes_value = False
    for word in argv:
        if takes_value:
            takes_value = False
        elif word.startswith("-"):
            action = parser._option_string_actions.get(word.split("=", 1)[0])
            takes_value = action is not None and action.nargs != 0 and "=" not in word
        else:
            return word
    return None


def _commands(parser: argparse.ArgumentParser) -> dict[str, argparse.ArgumentParser]:
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            return dict(action.choices)
    return {}


def _without_httpx_cli() -> None:
    """httpx imports its own command line (`httpx._main`: click, pygments, rich's syntax and
    tables) on import when those are installed, ~45 ms of every run's start-up; this process
    never runs it, so httpx sees it as missing and binds its placeholder `main` instead."""
    if "httpx" not in sys.modules:
        sys.modules.setdefault("httpx._main", None)  # type: ignore[arg-type]


def _importing(argv: Sequence[str]) -> argparse.ArgumentParser:
    """`build_parser(argv)`, which imports the command's modules, with the cyclic collector
    paused: a run's imports allocate ~100k long-lived objects (functions, classes, code) and
    set off ~110 collections that walk them again and again (~20 ms of CPU, to free ~500
    objects). What they built is then frozen (`gc.freeze`): later collections skip it, reference
    counting still frees it, and the few cycles the imports dropped stay until exit."""
    with paused():
        parser = build_parser(argv)
        gc.freeze()  # before the collector is back on: its first pass would walk it all
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    _without_httpx_cli()
    # hypothesis makes a `.hypothesis` directory wherever it is imported; the commands keep no
    # example database (they draw with database=None), so it goes to the temp dir, not the user's.
    os.environ.setdefault(
        "HYPOTHESIS_STORAGE_DIRECTORY", str(Path(tempfile.gettempdir()) / "conformance-hypothesis")
    )
    # Hypothesis runs every installed "hypothesis" entry point when imported (a scan of every
    # installed distribution's metadata, ~3 ms here); a plugin may register a settings profile or
    # a backend that changes what a seed draws, and a plan depends only on the spec and the seed.
    os.environ.setdefault("HYPOTHESIS_NO_PLUGINS", "1")
    argv = sys.argv[1:] if argv is None else argv
    parser = _importing(argv)
    try:
        config = find_config(Path.cwd())
        # The config sets `run`'s defaults; only a run loads that command's real parser.
        run_loaded = _command_in(parser, argv) == "run"
        applied = apply_to_run(_commands(parser)["run"], config) if run_loaded else Applied()
    except UsageError as exc:
        print(f"conformance: error: {exc}", file=sys.stderr)
        return EXIT_USAGE
    args = parser.parse_args(argv)
    if not getattr(args, "func", None):
        parser.print_help(sys.stderr)
        return EXIT_USAGE
    try:
        finish(args, config, applied)
        return int(args.func(args))
    except UsageError as exc:
        print(f"conformance: error: {exc}", file=sys.stderr)
        return EXIT_USAGE
    except KeyboardInterrupt:
        print("conformance: interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:
        return 0
    except Exception as exc:
        # Imported here: the transport pulls in the planner and hypothesis, which `--help`,
        # `lint` and `list` never need (~0.3 s of start-up).
        from conformance.transport.redaction import environment_redactor

        text = environment_redactor(os.environ).text(f"{type(exc).__name__}: {exc}")
        print(f"conformance: internal error: {text}", file=sys.stderr)
        print("please report this with the command you ran", file=sys.stderr)
        return EXIT_INTERNAL


if __name__ == "__main__":
    raise SystemExit(main())
