"""`--json FILE` for a live run without the whole report in memory at once.

`write_json(from_run(run), path)` builds every case's entry first: at 16x the providers that
dict is ~300 MB on top of the results it is made from. When the JSON report is the only file
asked for, this writes the same bytes one entry at a time. The report's head (totals, checks,
coverage) is read off the results themselves (`_summary`: the keys `model.totals` and
`model.checks_of` read), so the head goes out first and every entry follows it straight into
the file as it is built (indented as inside the report's `cases` list): at 64x the providers
the file is 620 MB, and spooling the entries to write them again after the head took 2.4 s.

With `processes` above 1 (a `--jobs` run), the entries are built by that many processes: the
cases are cut into contiguous ranges, every range but the first is encoded by a child forked
from this process (it has the results already) into a temporary file, the first by this process
once the caller has done its other finishing (the terminal summary, meanwhile), and the ranges
are appended in order. A child that fails leaves its range to this process: the bytes are the
same either way. tests/report/test_json_stream.py holds it to the bytes of
`write_json(from_run(...))`.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import signal
import tempfile
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any

from conformance.report.json_report import encode_json
from conformance.report.model import assemble, case_entry
from conformance.runner.results import CaseResult, RunResult

_ITEM_INDENT = b"    "  # an entry of the top-level "cases" list
_EMPTY_CASES = b'"cases": []\n}\n'


def _summary(result: CaseResult) -> dict[str, Any]:
    """The keys of a case's entry that `model.totals` and `model.checks_of` read."""
    exchange = result.exchange
    return {
        "outcome": result.outcome,
        "checks": result.case.checks,
        "exchange": (
            None
            if exchange is None
            else {"requests_sent": exchange.requests_sent, "retries": exchange.retries}
        ),
    }


def _write_entries(
    out: IO[bytes],
    results: tuple[CaseResult, ...],
    start: int,
    stop: int,
    index: Callable[[CaseResult, int], int],
    base_urls: Mapping[str, str],
) -> None:
    for position in range(start, stop):
        result = results[position]
        if position:
            out.write(b",\n")
        encoded = encode_json(case_entry(result, index(result, position), base_urls), newline=False)
        out.write(_ITEM_INDENT + encoded.replace(b"\n", b"\n" + _ITEM_INDENT))


#: The first range's share, against 1 for each other: this process also prints the summary
#: meanwhile (at 64x the providers ~2 s, against ~9 s for all the entries).
_FIRST_SHARE = 0.75


def _ranges(total: int, count: int, first: float = 1.0) -> list[tuple[int, int]]:
    """`count` contiguous ranges of `total` cases, the first weighing `first` against 1."""
    weights = [first] + [1.0] * (count - 1)
    bounds = [0]
    for k in range(1, count + 1):
        bounds.append(round(total * sum(weights[:k]) / sum(weights)))
    return [(bounds[k], bounds[k + 1]) for k in range(count) if bounds[k] < bounds[k + 1]]


@dataclass
class _Child:
    """A forked child encoding cases [start, stop) into `part`."""

    start: int
    stop: int
    part: Path
    pid: int
    status: int | None = None

    def wait(self) -> bool:
        """True when the child encoded its range."""
        if self.status is None:
            self.status = os.waitstatus_to_exitcode(os.waitpid(self.pid, 0)[1])
        return self.status == 0


def _fork(
    ranges: list[tuple[int, int]], encode: Callable[[IO[bytes], int, int], None]
) -> list[_Child]:
    children: list[_Child] = []
    for start, stop in ranges:
        fd, name = tempfile.mkstemp(prefix="conformance-report-", suffix=".part")
        os.close(fd)
        pid = os.fork()
        if pid == 0:  # pragma: no cover - runs in the child; its exit status is what counts
            code = 1
            try:
                signal.signal(signal.SIGINT, signal.SIG_IGN)  # the parent stops it
                with open(name, "wb") as out:
                    encode(out, start, stop)
                code = 0
            finally:
                os._exit(code)
        children.append(_Child(start, stop, Path(name), pid))
    return children


def _reap(children: list[_Child]) -> None:
    """Stop the children still running (the parent failed or was interrupted), drop files."""
    for child in children:
        if child.status is None:
            with contextlib.suppress(ProcessLookupError):
                os.kill(child.pid, signal.SIGTERM)
            child.wait()
        child.part.unlink(missing_ok=True)


def write_run_json(
    run: RunResult,
    path: Path,
    base_urls: Mapping[str, str] | None = None,
    *,
    shard: tuple[int, int] | None = None,
    plan_cases: int | None = None,
    indices: Mapping[str, int] | None = None,
    processes: int = 1,
    meanwhile: Callable[[], None] | None = None,
) -> None:
    """The bytes `write_json(from_run(run, base_urls, ...), path)` writes; `meanwhile` runs
    while the child processes (if any) encode their ranges."""
    urls = base_urls or {}
    results = run.results
    head = encode_json(
        assemble(run, [_summary(r) for r in results], [], shard=shard, plan_cases=plan_cases)
    )

    def index(result: CaseResult, position: int) -> int:
        return indices[result.case.id] if indices is not None else position

    def encode(out: IO[bytes], start: int, stop: int) -> None:
        _write_entries(out, results, start, stop, index, urls)

    ranges = _ranges(len(results), max(1, processes), _FIRST_SHARE if meanwhile else 1.0)
    children = _fork(ranges[1:], encode)
    try:
        if meanwhile is not None:
            meanwhile()
        with path.open("wb") as out:
            if not results:
                out.write(head)
                return
            # "cases" is the report's last key (model.assemble), so its empty list ends the head.
            assert head.endswith(_EMPTY_CASES), "the report's last key is no longer cases"
            out.write(head[: -len(_EMPTY_CASES)] + b'"cases": [\n')
            encode(out, *ranges[0])
            for child in children:
                if child.wait():
                    with child.part.open("rb") as spooled:
                        shutil.copyfileobj(spooled, out, 1024 * 1024)
                else:  # the child failed: its range is encoded here, to the same bytes
                    encode(out, child.start, child.stop)
            out.write(b"\n  ]\n}\n")
    finally:
        _reap(children)
