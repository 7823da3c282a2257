"""`conformance openapi --provider P [--out FILE]`: one provider's specs as OpenAPI 3.1.

JSON on stdout by default; `--out x.yaml` (or `.yml`) writes YAML, any other name JSON.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

import yaml

from conformance.cli.common import EXIT_OK, EXIT_USAGE, UsageError, load_or_report
from conformance.openapi.export import openapi_document


def register(sub: Any) -> None:
    parser = sub.add_parser("openapi", help="export one provider's specs as OpenAPI 3.1")
    parser.add_argument("--provider", required=True, metavar="P", help="provider id")
    parser.add_argument(
        "--out",
        default=None,
        metavar="FILE",
        help="write here instead of stdout (.yaml/.yml for YAML, else JSON)",
    )
    parser.set_defaults(func=run)


def render(document: dict[str, Any], yaml_output: bool) -> str:
    if yaml_output:
        return yaml.safe_dump(document, sort_keys=False, allow_unicode=True, width=100)
    return json.dumps(document, indent=2, ensure_ascii=False) + "\n"


def run(args: argparse.Namespace) -> int:
    spec = load_or_report(args)
    if spec is None:
        return EXIT_USAGE
    provider = spec.provider(args.provider)
    if provider is None:
        known = ", ".join(p.id for p in spec.providers)
        raise UsageError(f"unknown provider {args.provider!r}; known providers: {known}")
    document = openapi_document(spec, provider)
    if args.out is None:
        sys.stdout.write(render(document, yaml_output=False))
        return EXIT_OK
    out = Path(args.out)
    text = render(document, yaml_output=out.suffix in (".yaml", ".yml"))
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(text, encoding="utf-8")
    operations = sum(len(item) for item in document["paths"].values())
    print(
        f"wrote {out} ({operations} operation(s), OpenAPI {document['openapi']})", file=sys.stderr
    )
    return EXIT_OK
