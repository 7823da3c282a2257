"""Generated file trees (schemas/, docs/params/): write only what changed, or say what is stale.

Both generators are pure functions of the specs returning {relative path: text}; this module is
the one place that compares such a tree with what is committed and writes it, so `--check` means
the same thing for every generated artefact.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class Staleness:
    missing: tuple[str, ...]
    changed: tuple[str, ...]
    extra: tuple[str, ...]

    @property
    def fresh(self) -> bool:
        return not (self.missing or self.changed or self.extra)

    def lines(self, out: Path) -> list[str]:
        """One line per problem, e.g. `stale: schemas/tokaify/error.json`."""
        return [
            f"{label}: {out / name}"
            for label, names in (
                ("missing", self.missing),
                ("stale", self.changed),
                ("not generated", self.extra),
            )
            for name in names
        ]


def existing_files(out: Path, suffix: str) -> set[str]:
    if not out.is_dir():
        return set()
    return {p.relative_to(out).as_posix() for p in out.rglob(f"*{suffix}") if p.is_file()}


def compare_tree(files: Mapping[str, str], out: Path, suffix: str) -> Staleness:
    existing = existing_files(out, suffix)
    missing = sorted(p for p in files if p not in existing)
    changed = sorted(
        p for p in files if p in existing and (out / p).read_text(encoding="utf-8") != files[p]
    )
    extra = sorted(p for p in existing if p not in files)
    return Staleness(tuple(missing), tuple(changed), tuple(extra))


def write_tree(
    files: Mapping[str, str],
    out: Path,
    suffix: str,
    removable: Callable[[Path], bool] = lambda _: True,
) -> tuple[list[str], list[str]]:
    """Write changed files, delete stale ones that `removable` allows, prune empty folders.

    Returns (changed or removed paths, stale paths kept because they are not removable).
    """
    changed: list[str] = []
    kept: list[str] = []
    for rel, text in files.items():
        target = out / rel
        if target.is_file() and target.read_text(encoding="utf-8") == text:
            continue
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(text, encoding="utf-8")
        changed.append(rel)
    for rel in sorted(existing_files(out, suffix) - set(files)):
        if removable(out / rel):
            (out / rel).unlink()
            changed.append(rel)
        else:
            kept.append(rel)
    if out.is_dir():
        for directory in sorted((p for p in out.rglob("*") if p.is_dir()), reverse=True):
            if not any(directory.iterdir()):
                directory.rmdir()
    return changed, kept
