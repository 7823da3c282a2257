"""Reports of a run: terminal (progress and summary), JSON, HTML, JUnit XML and a Markdown matrix.

Every file report renders one structure (`model.Report`), built from a live run or loaded from
a JSON report, so `conformance report merge` renders the same files a run writes.

The names below are imported on first use (PEP 562): importing `conformance.report.terminal`
for a run's live view would otherwise import every renderer (Jinja2 and the HTML template
machinery, Python jsonschema for loading reports, the JUnit and Markdown writers), ~40 ms of
each run that writes none of them.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

# Imported here: the submodule `merge` would otherwise shadow the function of that name.
from conformance.report.merge import MergeError, merge
from conformance.report.model import Report, from_run, without_timings

if TYPE_CHECKING:
    from conformance.report.html import to_html, write_html
    from conformance.report.json_report import ReportError, load_report, write_json
    from conformance.report.junit import to_xml, write_junit
    from conformance.report.markdown import to_markdown, write_markdown

_HOME = {
    "ReportError": "json_report",
    "load_report": "json_report",
    "to_html": "html",
    "to_markdown": "markdown",
    "to_xml": "junit",
    "write_html": "html",
    "write_json": "json_report",
    "write_junit": "junit",
    "write_markdown": "markdown",
}

__all__ = [
    "MergeError",
    "Report",
    "ReportError",
    "from_run",
    "load_report",
    "merge",
    "to_html",
    "to_markdown",
    "to_xml",
    "without_timings",
    "write_html",
    "write_json",
    "write_junit",
    "write_markdown",
]


def __getattr__(name: str) -> Any:
    home = _HOME.get(name)
    if home is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(importlib.import_module(f"{__name__}.{home}"), name)
    globals()[name] = value
    return value
