"""`--json FILE` for a live run without the whole report in memory at once.

`write_json(from_run(run), path)` builds every case's entry first: at 16x the providers that
dict is ~300 MB on top of the results it is made from. When the JSON report is the only file
asked for, this writes the same bytes one entry at a time. The report's head (totals, checks,
coverage) is read off the results themselves (`_summary`: the keys `model.totals` and
`model.checks_of` read), so the head goes out first and every entry follows it straight into
the file as it is built (indented as inside the report's `cases` list): at 64x the providers
the file is 620 MB, and spooling the entries to write them again after the head took 2.4 s.

A `--jobs` run's workers encode the entries of the cases they ran (`json_spool`), so there the
parent writes the head and copies their entries in plan order. tests/report/test_json_stream.py
holds both to the bytes of `write_json(from_run(...))`.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from typing import IO, Any

from conformance.report.json_report import encode_json
from conformance.report.json_spool import Spools, item
from conformance.report.model import assemble
from conformance.runner.results import BriefResult, CaseResult, RunResult

_EMPTY_CASES = b'"cases": []\n}\n'


def _summary(result: CaseResult) -> dict[str, Any]:
    """The keys of a case's entry that `model.totals` and `model.checks_of` read (a case
    without an exchange adds nothing to the request and retry totals, as zero does; `totals`
    takes only the length of `retries`, so a range of that length stands for the list)."""
    return {
        "outcome": result.outcome,
        "checks": result.case.checks,
        "exchange": {"requests_sent": result.requests_sent, "retries": range(result.retry_count)},
    }


def _write_entries(
    out: IO[bytes],
    results: tuple[CaseResult, ...],
    index: Callable[[CaseResult, int], int],
    base_urls: Mapping[str, str],
    spools: Spools,
) -> None:
    for position, result in enumerate(results):
        if position:
            out.write(b",\n")
        if isinstance(result, BriefResult):
            if result.entry is None:
                raise ValueError(f"{result.case.id}: a brief result without its spooled entry")
            spools.write(out, index(result, position), result.entry)
        else:
            out.write(item(result, index(result, position), base_urls))


def write_run_json(
    run: RunResult,
    path: Path,
    base_urls: Mapping[str, str] | None = None,
    *,
    shard: tuple[int, int] | None = None,
    plan_cases: int | None = None,
    indices: Mapping[str, int] | None = None,
    spools: Sequence[Path] = (),
) -> None:
    """The bytes `write_json(from_run(run, base_urls, ...), path)` writes. `spools`: the files
    a `--jobs` run's workers encoded the entries of their `BriefResult`s into (`json_spool`)."""
    urls = base_urls or {}
    results = run.results
    head = encode_json(
        assemble(run, [_summary(r) for r in results], [], shard=shard, plan_cases=plan_cases)
    )

    def index(result: CaseResult, position: int) -> int:
        return indices[result.case.id] if indices is not None else position

    # A large buffer: most entries are longer than the default 8 KiB, which passes each one
    # straight to its own write(2) (75,968 of them at 64x the providers, in the run's tail).
    with Spools(spools) as spooled, path.open("wb", buffering=1 << 20) as out:
        if not results:
            out.write(head)
            return
        # "cases" is the report's last key (model.assemble), so its empty list ends the head.
        assert head.endswith(_EMPTY_CASES), "the report's last key is no longer cases"
        out.write(head[: -len(_EMPTY_CASES)] + b'"cases": [\n')
        _write_entries(out, results, index, urls, spooled)
        out.write(b"\n  ]\n}\n")
