"""A `--jobs` run's JSON report entries, encoded by the workers that ran the cases.

Building and encoding a case's entry is most of writing the JSON report (at 64x the providers
~9 s CPU for 75,968 entries, 620 MB), and pickling whole results to the parent so that it could
build them there cost as much again (the exchange is most of a result's pickle). So when the JSON
report is the only file asked for, each worker encodes the entry of every case it finishes, as
`json_stream` would write it inside the report's `cases` list, into its own spool file, and hands
the parent only a `BriefResult` naming where the entry went; the parent writes the report's head
and copies the entries in plan order (`json_stream.write_run_json`): the same bytes.

A case's `index` is its place in the whole plan, which a worker does not know (the parts'
operations interleave): the entry is spooled without its first line, `"index": 0,`, and the
parent writes that line with the case's index. Entries are kept in memory until `flush`, which
the worker's outbox calls before it sends a batch of briefs (`runner.workers.Outbox`): every
brief the parent holds names bytes that are in the file, even when the worker dies right after.
One write per batch (~256 entries, ~2 MB) instead of one per entry: the syscalls were ~3% of a
worker's CPU at 16x and 64x the providers (py-spy).
"""

from __future__ import annotations

import os
from collections.abc import Mapping, Sequence
from pathlib import Path
from types import TracebackType
from typing import IO

from conformance.report.json_report import encode_json
from conformance.report.model import case_entry
from conformance.runner.results import CaseResult, EntryPlace

ITEM_INDENT = b"    "  # an entry of the top-level "cases" list
#: The first line of every entry encoded with index 0 (`index` is `case_entry`'s first key).
_HEAD = ITEM_INDENT + b"{\n" + ITEM_INDENT + b'  "index": 0,'


def item(result: CaseResult, index: int, base_urls: Mapping[str, str]) -> bytes:
    """The case's entry, indented as an item of the report's `cases` list."""
    encoded = encode_json(case_entry(result, index, base_urls), newline=False)
    return ITEM_INDENT + encoded.replace(b"\n", b"\n" + ITEM_INDENT)


def item_head(index: int) -> bytes:
    """What a spooled entry lacks: its opening and its index line."""
    return b'%s{\n%s  "index": %d,' % (ITEM_INDENT, ITEM_INDENT, index)


class SpoolWriter:
    """A worker's spool: the entries of its cases, in the order they finished."""

    def __init__(self, path: Path, number: int, base_urls: Mapping[str, str]) -> None:
        self._file = path.open("ab", buffering=0)
        self._number, self._urls = number, base_urls
        self._offset = self._file.tell()
        self._pending: list[memoryview] = []

    def add(self, result: CaseResult) -> EntryPlace:
        """Spool the entry of `result` (on disk at the next `flush`); where it goes."""
        encoded = item(result, 0, self._urls)
        if not encoded.startswith(_HEAD):  # pragma: no cover - case_entry's first key changed
            raise ValueError("a report entry no longer starts with its index")
        body = memoryview(encoded)[len(_HEAD) :]
        place = (self._number, self._offset, len(body))
        self._pending.append(body)
        self._offset += place[2]
        return place

    def flush(self) -> None:
        """Write every entry added since the last flush."""
        if not self._pending:
            return
        data = memoryview(b"".join(self._pending))
        self._pending = []
        while data:
            written = self._file.write(data)
            data = data[written or 0 :]

    def close(self) -> None:
        self.flush()
        self._file.close()


class Spools:
    """The workers' spool files, read by the parent entry by entry (`pread`: neither read
    whole into memory nor mapped, whose pages would count in the parent's resident size)."""

    def __init__(self, paths: Sequence[Path]) -> None:
        self._files = [path.open("rb", buffering=0) if path.exists() else None for path in paths]

    def write(self, out: IO[bytes], index: int, place: EntryPlace) -> None:
        """Write the spooled entry at `place` as the report's entry number `index`."""
        number, offset, length = place
        spool = self._files[number] if 0 <= number < len(self._files) else None
        body = os.pread(spool.fileno(), length, offset) if spool is not None else b""
        if len(body) != length:
            raise ValueError(f"spooled report entry {place} is not in its worker's file")
        out.write(item_head(index))
        out.write(body)

    def __enter__(self) -> Spools:
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        value: BaseException | None,
        trace: TracebackType | None,
    ) -> None:
        for spool in self._files:
            if spool is not None:
                spool.close()
