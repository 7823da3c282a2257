"""The report files of `conformance run` (--json, --html, --junit, --markdown) and `--shard`.

One report structure is built from the run (with the shard's place in the whole plan, when
sharded) and every requested file is rendered from it, as `conformance report merge` does.
"""

from __future__ import annotations

import argparse
import importlib
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from conformance.cli.common import UsageError
from conformance.plan.planner import Plan
from conformance.plan.shard import Shard, ShardPlan, parse_shard, shard_plan

if TYPE_CHECKING:
    from conformance.report.model import Report
    from conformance.runner import RunResult

Writer = Callable[["Report", Path], None]

# Each renderer is imported only when its file is asked for (Jinja2 for HTML): a run that writes
# no file, or only the streamed JSON, imports none of them.
_WRITERS = (
    ("json", "json_report", "write_json"),
    ("html", "html", "write_html"),
    ("junit", "junit", "write_junit"),
    ("markdown", "markdown", "write_markdown"),
)


def shard_option(args: argparse.Namespace) -> Shard | None:
    """The shard `--shard K/N` asks for (None without it); usage errors raise UsageError."""
    if args.shard is None:
        return None
    if args.record is not None or args.replay is not None:
        raise UsageError("--shard splits a planned run; it does not combine with --record/--replay")
    shard = parse_shard(args.shard)
    if isinstance(shard, str):
        raise UsageError(shard)
    return shard


def sharded(args: argparse.Namespace, the_plan: Plan) -> ShardPlan | None:
    """This shard's part of the plan (None without `--shard`)."""
    shard = shard_option(args)
    return shard_plan(the_plan, shard) if shard is not None else None


def wants_thumbnails(args: argparse.Namespace) -> bool:
    """Thumbnails cost a decode per image: only runs that write HTML keep them, and sharded
    runs, whose JSON reports `report merge` renders as HTML."""
    return args.html is not None or args.shard is not None


def requested(args: argparse.Namespace) -> list[tuple[Path, Writer]]:
    """(path, writer) of every report file the options ask for."""
    return [
        (path, getattr(importlib.import_module(f"conformance.report.{module}"), writer))
        for option, module, writer in _WRITERS
        if (path := getattr(args, option)) is not None
    ]


def write_files(report: Report, files: list[tuple[Path, Writer]]) -> None:
    for path, writer in files:
        try:
            writer(report, path)
        except OSError as exc:
            raise UsageError(f"cannot write {path}: {exc.strerror}") from None


def write_reports(
    args: argparse.Namespace,
    result: RunResult,
    base_urls: Mapping[str, str],
    shard: ShardPlan | None = None,
    *,
    spools: Sequence[Path] = (),
) -> None:
    """Every report file asked for (`spools`: where a `--jobs` run's workers encoded their
    cases' JSON report entries, `report/json_spool.py`)."""
    files = requested(args)
    if [path for path, _ in files] == [args.json]:  # no renderer needs the whole report
        from conformance.report.json_stream import write_run_json

        try:
            write_run_json(
                result,
                args.json,
                base_urls,
                shard=(shard.shard.index, shard.shard.count) if shard else None,
                plan_cases=shard.plan_cases if shard else None,
                indices=shard.indices if shard else None,
                spools=spools,
            )
        except OSError as exc:
            raise UsageError(f"cannot write {args.json}: {exc.strerror}") from None
        return
    if not files:
        return
    from conformance.report.model import from_run

    report = from_run(
        result,
        base_urls,
        shard=(shard.shard.index, shard.shard.count) if shard else None,
        plan_cases=shard.plan_cases if shard else None,
        indices=shard.indices if shard else None,
    )
    write_files(report, files)


def hand_off(args: argparse.Namespace) -> str:
    """What a `--jobs` worker sends the parent of each finished case: `whole` results when a
    report renders whole ones (HTML, JUnit, Markdown), else `brief` ones (`BriefResult`), their
    JSON report entries encoded by the worker (`entries`) when the JSON report is asked for."""
    if any(getattr(args, option) is not None for option, _, _ in _WRITERS if option != "json"):
        return "whole"
    return "entries" if args.json is not None else "brief"
