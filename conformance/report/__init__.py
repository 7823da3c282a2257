"""Reports of a run: terminal (progress and summary), JSON, JUnit XML and a Markdown matrix."""

from conformance.report.json_report import to_dict, write_json
from conformance.report.junit import to_xml, write_junit
from conformance.report.markdown import to_markdown, write_markdown

__all__ = ["to_dict", "to_markdown", "to_xml", "write_json", "write_junit", "write_markdown"]
