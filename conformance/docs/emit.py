"""Write the generated parameter pages under docs/params/, or check that the committed ones match.

Same contract as `conformance.schema.emit`: the pages are a pure function of the specs, only
changed files are rewritten, and `--check` names every missing, stale or extra page. Deletion is
limited to pages this generator wrote (they carry `MARKER`) inside the output directory, so a
hand-written guide elsewhere in docs/ — or one misplaced in docs/params/ — is never removed.
"""

from __future__ import annotations

from pathlib import Path

from conformance.docs.render import render_pages
from conformance.schema.emit import Staleness
from conformance.spec.model import Spec

MARKER = "Generated from specs/ by `conformance docs`"
SUFFIX = ".md"


def doc_files(spec: Spec) -> dict[str, str]:
    """Every generated page: path relative to the output directory -> exact text."""
    return render_pages(spec)


def _existing(out: Path) -> set[str]:
    if not out.is_dir():
        return set()
    return {p.relative_to(out).as_posix() for p in out.rglob(f"*{SUFFIX}") if p.is_file()}


def _generated(path: Path) -> bool:
    try:
        head = path.read_text(encoding="utf-8")[:400]
    except (OSError, UnicodeDecodeError):
        return False
    return MARKER in head


def check_docs(spec: Spec, out: Path) -> Staleness:
    files = doc_files(spec)
    existing = _existing(out)
    missing = sorted(p for p in files if p not in existing)
    changed = sorted(
        p for p in files if p in existing and (out / p).read_text(encoding="utf-8") != files[p]
    )
    extra = sorted(p for p in existing if p not in files)
    return Staleness(tuple(missing), tuple(changed), tuple(extra))


def write_docs(spec: Spec, out: Path) -> tuple[list[str], list[str]]:
    """Write changed pages and remove stale generated ones.

    Returns (changed paths, extra pages left alone because they were not generated).
    """
    files = doc_files(spec)
    changed: list[str] = []
    kept: list[str] = []
    for rel, text in files.items():
        target = out / rel
        if target.is_file() and target.read_text(encoding="utf-8") == text:
            continue
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(text, encoding="utf-8")
        changed.append(rel)
    for rel in sorted(_existing(out) - set(files)):
        if _generated(out / rel):
            (out / rel).unlink()
            changed.append(rel)
        else:
            kept.append(rel)
    if out.is_dir():
        for directory in sorted((p for p in out.rglob("*") if p.is_dir()), reverse=True):
            if not any(directory.iterdir()):
                directory.rmdir()
    return changed, kept
