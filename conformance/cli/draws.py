"""`conformance draws [--check]`: record the built-in tree's exploration draws, or check them.

The recording (`conformance/plan/recorded_draws.json`, shipped in the package) lets a run of the
packaged specs plan without importing hypothesis; `plan/recorded_draws.py` says what keeps it
honest. Only the built-in tree is recorded: a user's own tree is drawn live in every run.
"""

from __future__ import annotations

import argparse
import sys
from typing import Any

from conformance.cli.common import (
    EXIT_OK,
    EXIT_USAGE,
    load_or_report,
    report_check,
    report_written,
    spec_roots_of,
)
from conformance.plan import recorded_draws
from conformance.plan.planner import PlanOptions
from conformance.spec.trees import builtin_specs_dir


def register(sub: Any) -> None:
    parser = sub.add_parser(
        "draws", help="record the built-in specs' exploration draws (or --check them)"
    )
    parser.add_argument(
        "--check",
        action="store_true",
        help="draw them again and exit 1 when the recording differs, instead of writing",
    )
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    roots = [root.resolve() for root in spec_roots_of(args)]
    if roots != [builtin_specs_dir().resolve()]:
        print(
            "conformance draws: error: only the built-in spec tree is recorded "
            f"({builtin_specs_dir()}); drop --specs",
            file=sys.stderr,
        )
        return EXIT_USAGE
    spec = load_or_report(args)
    if spec is None:
        return EXIT_USAGE
    defaults = PlanOptions()
    try:
        text = recorded_draws.render(spec, defaults.max_examples, defaults.seed)
    except ValueError as exc:
        print(f"conformance draws: error: {exc}", file=sys.stderr)
        return EXIT_USAGE
    path = recorded_draws.PATH
    if args.check:
        return report_check(recorded_draws.staleness(text), path.parent, "draws")
    changed = [] if recorded_draws.staleness(text).fresh else [path.name]
    if changed:
        path.write_text(text, encoding="utf-8")
    report_written(changed, path.parent, "draws")
    return EXIT_OK
