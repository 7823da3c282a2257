"""Reports of a run: terminal (progress and summary), JSON, HTML, JUnit XML and a Markdown matrix.

Every file report renders one structure (`model.Report`), built from a live run or loaded from
a JSON report, so `conformance report merge` renders the same files a run writes.
"""

from conformance.report.html import to_html, write_html
from conformance.report.json_report import ReportError, load_report, write_json
from conformance.report.junit import to_xml, write_junit
from conformance.report.markdown import to_markdown, write_markdown
from conformance.report.merge import MergeError, merge
from conformance.report.model import Report, from_run, without_timings

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
