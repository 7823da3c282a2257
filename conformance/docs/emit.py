"""Write the generated parameter pages under docs/params/, or check that the committed ones match.

Same contract as `conformance.schema.emit`: the pages are a pure function of the specs, only
changed files are rewritten, and `--check` names every missing, stale or extra page. Deletion is
limited to pages this generator wrote (they carry `MARKER`) inside the output directory, so a
hand-written guide elsewhere in docs/ — or one misplaced in docs/params/ — is never removed.
"""

from __future__ import annotations

from pathlib import Path

from conformance.docs.render import render_pages
from conformance.generated import Staleness, compare_tree, write_tree
from conformance.spec.model import Spec

MARKER = "Generated from specs/ by `conformance docs`"
SUFFIX = ".md"


def doc_files(spec: Spec) -> dict[str, str]:
    """Every generated page: path relative to the output directory -> exact text."""
    return render_pages(spec)


def _generated(path: Path) -> bool:
    try:
        head = path.read_text(encoding="utf-8")[:400]
    except (OSError, UnicodeDecodeError):
        return False
    return MARKER in head


def check_docs(spec: Spec, out: Path) -> Staleness:
    return compare_tree(doc_files(spec), out, SUFFIX)


def write_docs(spec: Spec, out: Path) -> tuple[list[str], list[str]]:
    """Write changed pages and remove stale generated ones.

    Returns (changed paths, extra pages left alone because they were not generated).
    """
    return write_tree(doc_files(spec), out, SUFFIX, removable=_generated)
