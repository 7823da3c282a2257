"""`conformance init-provider NAME --extends P`: write a commented provider variant to fill in.

The shortest path to testing one's own relay: a relay reselling a known provider's routes is a
variant of it (see spec/extends.py), so the skeleton states only what usually differs (title,
base URL, key variable, the models sold) and shows, commented out, how to override a lifecycle or a
parameter's range. The file is a complete spec tree on its own, laid over the built-in one.
"""

from __future__ import annotations

import argparse
import re
import sys
from pathlib import Path
from typing import Any

from conformance.cli.common import EXIT_OK, EXIT_USAGE, UsageError, load_or_report
from conformance.spec.model import Provider

_NAME = re.compile(r"^[a-z][a-z0-9-]*$")


def register(sub: Any) -> None:
    parser = sub.add_parser(
        "init-provider",
        help="write a commented skeleton for your own provider (a variant of a known one)",
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("name", help="the new provider's id (lowercase, digits, dashes)")
    parser.add_argument(
        "--extends",
        required=True,
        metavar="P",
        help="the provider whose routes it resells (see `conformance list`)",
    )
    parser.add_argument(
        "--dir",
        default="specs",
        metavar="DIR",
        help="the spec tree to write into (default ./specs); pass it to --specs afterwards",
    )
    parser.add_argument("--force", action="store_true", help="overwrite an existing file")
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    if not _NAME.match(args.name):
        raise UsageError(f"provider id {args.name!r}: use lowercase letters, digits and dashes")
    spec = load_or_report(args)
    if spec is None:
        return EXIT_USAGE
    parent = spec.provider(args.extends)
    if parent is None:
        known = ", ".join(p.id for p in spec.providers)
        raise UsageError(f"unknown provider {args.extends!r}; known providers: {known}")
    if spec.provider(args.name) is not None and not args.force:
        raise UsageError(f"provider {args.name!r} already exists; pick another id")
    target = Path(args.dir) / "providers" / f"{args.name}.yaml"
    if target.exists() and not args.force:
        raise UsageError(f"{target} exists; pass --force to overwrite it")
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(skeleton(args.name, parent), encoding="utf-8")
    except OSError as exc:
        raise UsageError(f"cannot write {target}: {exc.strerror}") from None
    print(f"wrote {target}")
    print("next:", file=sys.stderr)
    print(f"  conformance lint --specs {args.dir}", file=sys.stderr)
    print(
        f"  conformance run --specs {args.dir} --provider {args.name} --base-url URL",
        file=sys.stderr,
    )
    return EXIT_OK


def skeleton(name: str, parent: Provider) -> str:
    """The variant file: what it inherits named in comments, what usually differs stated."""
    key_env = re.sub(r"[^A-Z0-9]", "_", name.upper()) + "_API_KEY"
    models = "\n".join(f"  - id: {m.id}" for m in parent.models)
    first = parent.models[0]
    param = next(
        (
            p
            for op in first.operations
            for p in op.parameters
            if p.minimum is not None or p.maximum is not None
        ),
        None,
    )
    range_example = (
        f"#    parameters:   # the range your relay accepts, if narrower\n"
        f"#      {param.name}: {{minimum: {param.minimum}, maximum: {param.maximum}}}\n"
        if param is not None
        else ""
    )
    return f"""\
# {name}: a relay reselling {parent.title}'s routes ({parent.id}), written by
# `conformance init-provider {name} --extends {parent.id}`.
#
# Everything not stated here is inherited from {parent.id}: its operations and their parameters,
# the models' upstream, lifecycle and notes, its auth rejections and documented conflicts.
# Mappings merge key by key (this file wins); lists are replaced. Check with
# `conformance lint --specs DIR` and see what you get with `conformance list --specs DIR`.
kind: provider
id: {name}
extends: {parent.id}
title: "{name}"
# Where your relay answers; `conformance run --base-url URL` overrides it for one run.
base_url: https://api.{name}.example
auth:
  # The environment variable holding your key (the suite reads it, never prints it).
  key_env: {key_env}
  # Your relay's auth scheme, if it differs from {parent.id}'s
  # ({", ".join(f"{s.kind} {s.name}" for s in parent.auth.schemes)}):
  # schemes:
  #   - {{kind: bearer, name: Authorization, source: {{ref: SOURCE}}}}
# The models your relay sells: delete the lines of those it does not. Each inherits
# {parent.id}'s entry of the same id; add keys to override, e.g. the lifecycle
# (cite a source; add your own in a sources.yaml beside providers/):
#  - id: {first.id}
#    lifecycle:
#      - {{status: ga, scope: {name}, date: "2026-01-01", source: {{ref: SOURCE}}}}
{range_example}models:
{models}
"""
