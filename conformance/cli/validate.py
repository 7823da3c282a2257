"""`conformance validate-request` / `validate-response`: check one body against the schemas."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

from conformance.cli.common import (
    EXIT_FINDINGS,
    EXIT_OK,
    EXIT_USAGE,
    UsageError,
    load_or_report,
    pick,
)
from conformance.schema.validate import SchemaKind, Violation, foreign_shape, validator_for


def register(sub: Any) -> None:
    for kind in ("request", "response"):
        parser = sub.add_parser(f"validate-{kind}", help=f"validate a {kind} body (JSON)")
        parser.add_argument("--provider", required=True)
        parser.add_argument("--model", required=True)
        parser.add_argument("--operation", default=None)
        if kind == "response":
            parser.add_argument(
                "--error",
                action="store_true",
                help="validate against the provider's error envelope instead",
            )
        parser.add_argument("--json", action="store_true", help="machine-readable result")
        parser.add_argument("file", nargs="?", default="-", help="JSON file, or - for stdin")
        parser.set_defaults(func=run, kind=kind)


def _read(path: str) -> Any:
    try:
        text = sys.stdin.read() if path == "-" else Path(path).read_text(encoding="utf-8")
    except OSError as exc:
        raise UsageError(f"cannot read {path}: {exc.strerror}") from None
    except UnicodeDecodeError:
        raise UsageError(f"{path} is not UTF-8 text") from None
    try:
        return json.loads(text)
    except json.JSONDecodeError as exc:
        raise UsageError(
            f"{path} is not JSON: {exc.msg} at line {exc.lineno} column {exc.colno}"
        ) from None


def run(args: argparse.Namespace) -> int:
    spec = load_or_report(args)
    if spec is None:
        return EXIT_USAGE
    provider, model, operation = pick(spec, args.provider, args.model, args.operation)
    kind: SchemaKind = "error" if getattr(args, "error", False) else args.kind
    validator = validator_for(provider, model, operation, kind)
    if validator is None:
        raise UsageError(f"{operation.name} has no request body to validate")
    body = _read(args.file)
    violations: list[Violation] = validator.violations(body)
    shape = foreign_shape(operation, body) if kind == "response" else None
    if args.json:
        print(
            json.dumps(
                {
                    "valid": not violations,
                    "provider": provider.id,
                    "model": model.id,
                    "operation": operation.name,
                    "schema": kind,
                    "foreign_shape": shape,
                    "violations": [v.as_dict() for v in violations],
                },
                indent=2,
            )
        )
    else:
        label = f"{provider.id} {model.id} {operation.name} {kind}"
        if not violations:
            print(f"valid: {label}")
        else:
            print(f"invalid: {label}: {len(violations)} violation(s)")
            if shape:
                print(f"  the body has the shape of {shape}, not {operation.family}")
            for violation in violations:
                print(f"  {violation.render()}")
    return EXIT_OK if not violations else EXIT_FINDINGS
