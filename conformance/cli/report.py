"""`conformance report merge SHARD.json...`: one report from the shards of a run, rendered.

`conformance run --shard K/N --json shard-K.json` in N parallel CI jobs, then one merge job:
the merged JSON is the report the unsharded run would have written (timings aside), and the
HTML, JUnit and Markdown files are rendered from it exactly as `conformance run` renders them.
Exit 0 when no case failed, 1 when any did (so the merge job carries the verdict), 2 when the
inputs are not one run's complete set of shard reports.
"""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

from conformance.cli.common import EXIT_FINDINGS, EXIT_OK, UsageError
from conformance.cli.run_reports import requested, write_files
from conformance.report import (
    MergeError,
    Report,
    ReportError,
    load_report,
    merge,
)


def register(sub: Any) -> None:
    p = sub.add_parser(
        "report",
        help="combine sharded runs' JSON reports and render them",
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    actions = p.add_subparsers(dest="action", metavar="ACTION", required=True)
    m = actions.add_parser(
        "merge",
        help="merge shards' --json reports into one; write JSON / HTML / JUnit / Markdown",
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    m.add_argument("reports", nargs="+", type=Path, metavar="SHARD.json")
    m.add_argument("--json", type=Path, metavar="FILE", help="the merged JSON report")
    m.add_argument("--html", type=Path, metavar="FILE", help="the self-contained HTML page")
    m.add_argument("--junit", type=Path, metavar="FILE", help="JUnit XML")
    m.add_argument("--markdown", type=Path, metavar="FILE", help="the Markdown matrix")
    m.set_defaults(func=run_merge)


def _load(paths: list[Path]) -> list[tuple[str, Report]]:
    loaded: list[tuple[str, Report]] = []
    for path in paths:
        report = load_report(path)
        if isinstance(report, ReportError):
            raise UsageError(str(report))
        loaded.append((str(path), report))
    return loaded


def run_merge(args: argparse.Namespace) -> int:
    merged = merge(_load(args.reports))
    if isinstance(merged, MergeError):
        raise UsageError(str(merged))
    write_files(merged, requested(args))
    counts = merged["counts"]
    print(
        f"merged {len(args.reports)} report(s): {len(merged['cases'])} cases ("
        + ", ".join(f"{n} {o}" for o, n in counts.items())
        + ")"
    )
    return EXIT_FINDINGS if merged["failed"] else EXIT_OK
