"""Entry point of the `conformance` console script.

Each command lives in its own module exposing `register(subparsers)`; this module only wires them
and turns usage errors and unexpected exceptions into exit codes (2 and 3) without tracebacks.
Only the module of the command being run is imported: the others are listed from `COMMANDS` by
name and help line. Importing them all cost ~0.3 s on every invocation (`--help` took 0.46 s);
tests/cli/test_main.py holds the help lines here equal to the ones the modules register.
"""

from __future__ import annotations

import argparse
import importlib
import sys
from collections.abc import Sequence

from conformance import __version__
from conformance.cli.exits import EXIT_INTERNAL, EXIT_USAGE, UsageError

# Command modules under conformance.cli, in the order `--help` lists them, with the commands each
# registers and their help lines.
COMMANDS: dict[str, dict[str, str]] = {
    "run": {"run": "run the conformance suite (default: against the built-in reference relay)"},
    "serve": {"serve": "run the reference relay (every provider of the specs, offline)"},
    "list_cmd": {"list": "list providers, models, operations and lifecycle"},
    "lint": {"lint": "check the specs; print file:line:col errors"},
    "schemas": {"schemas": "generate schemas/ from the specs"},
    "validate": {
        "validate-request": "validate a request body (JSON)",
        "validate-response": "validate a response body (JSON)",
    },
    "docs": {"docs": "generate the parameter pages in docs/params/"},
    "openapi": {"openapi": "export one provider's specs as OpenAPI 3.1"},
}


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
    parser.add_argument("--specs", metavar="DIR", help="spec tree to use (default: ./specs)")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=_Parser)
    chosen = None if argv is None else _command_in(parser, argv)
    for name, commands in COMMANDS.items():
        if argv is not None and chosen not in commands:
            for command, help_line in commands.items():
                sub.add_parser(command, help=help_line, add_help=False)
            continue
        try:
            module = importlib.import_module(f"conformance.cli.{name}")
        except ModuleNotFoundError as exc:
            if exc.name == f"conformance.cli.{name}":
                continue  # command not part of this build
            raise
        module.register(sub)
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


def main(argv: Sequence[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    parser = build_parser(argv)
    args = parser.parse_args(argv)
    if not getattr(args, "func", None):
        parser.print_help(sys.stderr)
        return EXIT_USAGE
    try:
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
        print(f"conformance: internal error: {type(exc).__name__}: {exc}", file=sys.stderr)
        print("please report this with the command you ran", file=sys.stderr)
        return EXIT_INTERNAL


if __name__ == "__main__":
    raise SystemExit(main())
