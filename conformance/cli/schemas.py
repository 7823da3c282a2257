"""`conformance schemas [--check]`: write the generated JSON Schemas, or check they are fresh."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

from conformance.cli.common import EXIT_FINDINGS, EXIT_OK, EXIT_USAGE, load_or_report
from conformance.schema.emit import check_schemas, write_schemas


def register(sub: Any) -> None:
    parser = sub.add_parser("schemas", help="generate schemas/ from the specs")
    parser.add_argument(
        "--check", action="store_true", help="exit 1 and name stale files instead of writing"
    )
    parser.add_argument(
        "--out",
        default=None,
        metavar="DIR",
        help="output directory (default: schemas/ beside the spec tree)",
    )
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    spec = load_or_report(args)
    if spec is None:
        return EXIT_USAGE
    out = Path(args.out) if args.out else Path(spec.root).resolve().parent / "schemas"
    if args.check:
        stale = check_schemas(spec, out)
        if stale.fresh:
            print(f"schemas are up to date ({out})")
            return EXIT_OK
        for line in stale.lines(out):
            print(line, file=sys.stderr)
        print("run `conformance schemas` and commit the result", file=sys.stderr)
        return EXIT_FINDINGS
    changed = write_schemas(spec, out)
    print(
        f"wrote {len(changed)} changed file(s) under {out}"
        if changed
        else f"schemas already up to date ({out})"
    )
    return EXIT_OK
