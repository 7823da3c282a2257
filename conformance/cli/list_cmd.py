"""`conformance list`: providers, models, operations and lifecycle, as the specs say."""

from __future__ import annotations

import argparse
import json
from typing import Any

from rich.console import Console
from rich.table import Table
from rich.text import Text

from conformance.cli.common import EXIT_OK, EXIT_USAGE, load_or_report
from conformance.spec.model import LifecycleEvent


def register(sub: Any) -> None:
    parser = sub.add_parser("list", help="list providers, models, operations and lifecycle")
    parser.add_argument("--provider", action="append", help="only these providers")
    parser.add_argument("--json", action="store_true", help="machine-readable output")
    parser.set_defaults(func=run)


def _lifecycle(events: tuple[LifecycleEvent, ...]) -> str:
    if not events:
        return "-"
    last = events[-1]
    return f"{last.status}" + (f" ({last.scope} {last.date})" if last.date else f" ({last.scope})")


def run(args: argparse.Namespace) -> int:
    spec = load_or_report(args)
    if spec is None:
        return EXIT_USAGE
    providers = [p for p in spec.providers if not args.provider or p.id in args.provider]
    rows: list[dict[str, Any]] = [
        {
            "provider": p.id,
            "model": m.id,
            "upstream": m.upstream,
            "operations": [f"{o.method} {o.path}" for o in m.operations],
            "auth": [f"{s.kind}:{s.name}" for s in p.auth.schemes],
            "status": m.status,
            "status_from": m.status_origin,
            "lifecycle": _lifecycle(m.lifecycle),
            "upstream_lifecycle": _lifecycle(m.upstream_lifecycle),
        }
        for p in providers
        for m in p.models
    ]
    if args.json:
        print(json.dumps(rows, indent=2))
        return EXIT_OK
    table = Table(title="Providers and models", show_lines=False)
    columns = ("provider", "model", "operations", "auth", "status (from)", "lifecycle", "upstream")
    for column in columns:
        table.add_column(column, overflow="fold")
    for row in rows:
        table.add_row(  # as written: a str cell would be read as console markup
            *map(
                Text,
                (
                    row["provider"],
                    row["model"],
                    "\n".join(row["operations"]),
                    ", ".join(row["auth"]),
                    f"{row['status']} ({row['status_from']})",
                    row["lifecycle"],
                    row["upstream_lifecycle"],
                ),
            )
        )
    Console(width=200).print(table)
    return EXIT_OK
