"""`conformance schemas [--check]`: write the generated JSON Schemas, or check they are fresh."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

from conformance.cli.common import (
    EXIT_OK,
    EXIT_USAGE,
    add_generator_arguments,
    beside_specs,
    load_or_report,
    report_check,
    report_written,
)
from conformance.schema.emit import check_schemas, write_schemas


def register(sub: Any) -> None:
    parser = sub.add_parser("schemas", help="generate schemas/ from the specs")
    add_generator_arguments(parser, "schemas/")
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    spec = load_or_report(args)
    if spec is None:
        return EXIT_USAGE
    out = Path(args.out) if args.out else beside_specs(spec, "schemas")
    if args.check:
        return report_check(check_schemas(spec, out), out, "schemas")
    report_written(write_schemas(spec, out), out, "schemas")
    return EXIT_OK
