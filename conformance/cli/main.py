"""Entry point of the `conformance` console script.

Each command lives in its own module exposing `register(subparsers)`; this module only wires them
and turns usage errors and unexpected exceptions into exit codes (2 and 3) without tracebacks.
"""

from __future__ import annotations

import argparse
import importlib
import os
import sys
import tempfile
from collections.abc import Sequence
from pathlib import Path

from conformance import __version__
from conformance.cli.common import EXIT_INTERNAL, EXIT_USAGE, UsageError
from conformance.cli.config import apply_to_run, find_config, finish
from conformance.transport.redaction import environment_redactor

# Command modules under conformance.cli, in the order `--help` lists them.
COMMANDS = (
    "run",
    "report",
    "serve",
    "list_cmd",
    "init_provider",
    "lint",
    "schemas",
    "validate",
    "docs",
    "openapi",
)


_SPECS_HELP = (
    "a spec tree laid over the built-in one (repeatable; later trees win, by id); "
    "a directory holding one provider file is enough"
)


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> None:  # type: ignore[override]
        self.print_usage(sys.stderr)
        print(f"{self.prog}: error: {message}", file=sys.stderr)
        raise SystemExit(EXIT_USAGE)


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(
        prog="conformance",
        description="Spec-driven conformance suite for image-generation APIs and their relays.",
    )
    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    parser.add_argument("--specs", metavar="DIR", action="append", help=_SPECS_HELP)
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=_Parser)
    for name in COMMANDS:
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


def _commands(parser: argparse.ArgumentParser) -> dict[str, argparse.ArgumentParser]:
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            return dict(action.choices)
    return {}


def main(argv: Sequence[str] | None = None) -> int:
    # hypothesis makes a `.hypothesis` directory wherever it is imported; the commands keep no
    # example database (they draw with database=None), so it goes to the temp dir, not the user's.
    os.environ.setdefault(
        "HYPOTHESIS_STORAGE_DIRECTORY", str(Path(tempfile.gettempdir()) / "conformance-hypothesis")
    )
    parser = build_parser()
    try:
        config = find_config(Path.cwd())
        applied = apply_to_run(_commands(parser)["run"], config)
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
        text = environment_redactor(os.environ).text(f"{type(exc).__name__}: {exc}")
        print(f"conformance: internal error: {text}", file=sys.stderr)
        print("please report this with the command you ran", file=sys.stderr)
        return EXIT_INTERNAL


if __name__ == "__main__":
    raise SystemExit(main())
