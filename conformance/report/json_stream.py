"""`--json FILE` for a live run without the whole report in memory at once.

`write_json(from_run(run), path)` builds every case's entry first: at 16x the providers that
dict is ~300 MB on top of the results it is made from. When the JSON report is the only file
asked for, this writes the same bytes one entry at a time: each entry is encoded as it is built
(indented as inside the report's `cases` list) into a spool file, the report's head (totals,
checks, coverage) is encoded around an empty list once every entry has been seen, and the file
is the head with the spooled entries in place of that list. tests/report/test_json_stream.py
holds it to the bytes of `write_json(from_run(...))`.
"""

from __future__ import annotations

import shutil
import tempfile
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from conformance.report.json_report import encode_json
from conformance.report.model import assemble, case_entries
from conformance.runner.results import RunResult

_ITEM_INDENT = b"    "  # an entry of the top-level "cases" list
_EMPTY_CASES = b'"cases": []\n}\n'


def _summary(entry: dict[str, Any]) -> dict[str, Any]:
    """The keys of an entry that `model.totals` and `model.checks_of` read."""
    exchange = entry["exchange"]
    return {
        "outcome": entry["outcome"],
        "checks": entry["checks"],
        "exchange": (
            None
            if exchange is None
            else {"requests_sent": exchange["requests_sent"], "retries": exchange["retries"]}
        ),
    }


def write_run_json(
    run: RunResult,
    path: Path,
    base_urls: Mapping[str, str] | None = None,
    *,
    shard: tuple[int, int] | None = None,
    plan_cases: int | None = None,
    indices: Mapping[str, int] | None = None,
) -> None:
    """The bytes `write_json(from_run(run, base_urls, ...), path)` writes."""
    summaries: list[dict[str, Any]] = []
    with tempfile.TemporaryFile() as spool:
        for entry in case_entries(run, base_urls, indices):
            if summaries:
                spool.write(b",\n")
            encoded = encode_json(entry, newline=False)
            spool.write(_ITEM_INDENT + encoded.replace(b"\n", b"\n" + _ITEM_INDENT))
            summaries.append(_summary(entry))
        head = encode_json(assemble(run, summaries, [], shard=shard, plan_cases=plan_cases))
        if not summaries:
            path.write_bytes(head)
            return
        # "cases" is the report's last key (model.assemble), so its empty list ends the head.
        assert head.endswith(_EMPTY_CASES), "the report's last key is no longer cases"
        with path.open("wb") as out:
            out.write(head[: -len(_EMPTY_CASES)] + b'"cases": [\n')
            spool.seek(0)
            shutil.copyfileobj(spool, out)
            out.write(b"\n  ]\n}\n")
