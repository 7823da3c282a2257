"""Entry point of the `conformance` console script.

Each command lives in its own module exposing `register(subparsers)`; this module only wires them
and turns usage errors and unexpected exceptions into exit codes (2 and 3) without tracebacks.
"""

from __future__ import annotations

import argparse
import importlib
import os
import sys
from collections.abc import Sequence

from conformance import __version__
from conformance.cli.common import EXIT_INTERNAL, EXIT_USAGE, UsageError
from conformance.transport.redaction import environment_redactor

# Command modules under conformance.cli, in the order `--help` lists them.
COMMANDS = ("run", "serve", "list_cmd", "lint", "schemas", "validate", "docs", "openapi")


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
    parser.add_argument("--specs", metavar="DIR", help="spec tree to use (default: ./specs)")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=_Parser)
    for name in COMMANDS:
        try:
            module = importlib.import_module(f"conformance.cli.{name}")
        except ModuleNotFoundError as exc:
            if exc.name == f"conformance.cli.{name}":
                continue  # command not part of this build
            raise
        module.register(sub)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
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
        text = environment_redactor(os.environ).text(f"{type(exc).__name__}: {exc}")
        print(f"conformance: internal error: {text}", file=sys.stderr)
        print("please report this with the command you ran", file=sys.stderr)
        return EXIT_INTERNAL


if __name__ == "__main__":
    raise SystemExit(main())
