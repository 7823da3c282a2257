"""`--json FILE`: the report structure as written, and read back (validated against its schema).

Reading is the other half: `conformance report merge` and the renderers take a JSON report as
it was written, so a file that is not one (truncated, hand-edited, another tool's) is an error
value with the path, the JSON pointer and the rule it breaks, never a traceback.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

import orjson

from conformance.report.model import Report
from conformance.schema.report import report_schema

if TYPE_CHECKING:
    import jsonschema


@dataclass(frozen=True)
class ReportError:
    """Why a file is not a usable report."""

    path: str
    message: str
    pointer: str = ""
    hint: str = "write it with `conformance run --json FILE` (or `conformance report merge`)"

    def __str__(self) -> str:
        where = f" at {self.pointer}" if self.pointer else ""
        return f"{self.path}{where}: {self.message} ({self.hint})"


def render_json(report: Report) -> str:
    return encode_json(report).decode("utf-8")


def write_json(report: Report, path: Path) -> None:
    path.write_bytes(encode_json(report))


def encode_json(report: Report | dict[str, Any], *, newline: bool = True) -> bytes:
    """The report as indented UTF-8 JSON, the bytes `json.dumps(indent=2, ensure_ascii=False)`
    writes. The standard library's encoder is pure Python once it indents: 1.1 s for a 38 MB
    report (4x the providers), ~18 s at 64x; orjson takes 0.07 s. What orjson refuses (an
    integer beyond 64 bits or a non-string key, e.g. in a hostile answer body kept in the
    report) goes through the standard library as before. Non-finite floats, which are not JSON,
    are written as null."""
    end = "\n" if newline else ""
    option = orjson.OPT_INDENT_2 | (orjson.OPT_APPEND_NEWLINE if newline else 0)
    try:
        return orjson.dumps(report, option=option)
    except (TypeError, orjson.JSONEncodeError):
        return (json.dumps(report, indent=2, ensure_ascii=False) + end).encode("utf-8")


@cache
def _validator() -> jsonschema.Draft202012Validator:
    # Imported here: only loading a report checks it (~70 ms of a run's start-up otherwise).
    import jsonschema

    return jsonschema.Draft202012Validator(report_schema())


def schema_errors(data: Any) -> list[str]:
    """Every way `data` breaks the report schema, as `pointer: message` lines."""
    return [
        f"/{'/'.join(str(p) for p in e.absolute_path)}: {e.message}"
        for e in _validator().iter_errors(data)
    ]


def load_report(path: Path) -> Report | ReportError:
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        return ReportError(str(path), f"cannot read: {exc.strerror}")
    except UnicodeDecodeError:
        return ReportError(str(path), "not UTF-8 text")
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        return ReportError(f"{path}:{exc.lineno}:{exc.colno}", f"not JSON: {exc.msg}")
    from jsonschema.exceptions import best_match

    error = best_match(_validator().iter_errors(data))
    if error is not None:
        pointer = "/" + "/".join(str(p) for p in error.absolute_path)
        return ReportError(str(path), error.message[:200], pointer)
    report: Report = data
    return report
