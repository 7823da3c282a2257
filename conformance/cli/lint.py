"""`conformance lint`: check the spec tree and report every problem at once, compiler-style."""

from __future__ import annotations

import argparse
import json
import sys
from typing import Any

from conformance.cli.common import EXIT_OK, EXIT_USAGE, spec_roots_of
from conformance.spec.resolve import check_layers


def register(sub: Any) -> None:
    parser = sub.add_parser("lint", help="check the specs; print file:line:col errors")
    parser.add_argument("--json", action="store_true", help="machine-readable diagnostics")
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    roots = spec_roots_of(args)
    root = ", ".join(map(str, roots))
    spec, diagnostics = check_layers(roots)
    if args.json:
        print(
            json.dumps(
                [
                    {
                        "file": d.location.file,
                        "line": d.location.line,
                        "column": d.location.column,
                        "severity": d.severity,
                        "code": d.code,
                        "message": d.message,
                        "pointer": d.pointer,
                        "hint": d.hint,
                    }
                    for d in diagnostics
                ],
                indent=2,
            )
        )
    else:
        for diagnostic in diagnostics:
            print(diagnostic.render(), file=sys.stderr)
    if spec is None:
        errors = sum(1 for d in diagnostics if d.severity == "error")
        if not args.json:
            print(f"{errors} error(s) in {root}", file=sys.stderr)
        return EXIT_USAGE
    if not args.json:
        operations = sum(1 for _ in spec.iter_operations())
        models = sum(len(p.models) for p in spec.providers)
        print(
            f"ok: {len(spec.providers)} providers, {models} models, {operations} operations "
            f"in {root}"
        )
    return EXIT_OK
