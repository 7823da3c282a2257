"""Where spec trees come from and how several of them layer into one.

The built-in tree ships inside the package (`conformance/builtin_specs`, mapped from the repo's
top-level `specs/` by pyproject.toml), so every command has a complete spec wherever it runs. A
user's trees are laid over it in order: a later tree's provider, family, upstream model, pixel
table, source or envelope replaces an earlier one with the same id. A tree holding a single
provider file is therefore complete: everything it names comes from the trees below it.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

from conformance.spec.files import SpecFiles, load_spec_files

# Kinds whose files define one thing each, named by their top-level `id`.
_SINGLE = ("provider", "family")
# Catalogue kinds: one file defines many entries under these keys.
_CATALOGUES = {
    "sources": ("sources",),
    "envelopes": ("envelopes",),
    "models": ("models", "pixel_tables"),
}


def builtin_specs_dir() -> Path:
    """The spec tree that ships with the package (in a checkout: the repo's `specs/`)."""
    package = Path(__file__).resolve().parents[1]
    packaged = package / "builtin_specs"
    if packaged.is_dir():
        return packaged
    return package.parent / "specs"  # an editable install or a plain checkout


def spec_roots(user_trees: Sequence[str | Path]) -> list[Path]:
    """The built-in tree, then each user tree in order; a tree named twice counts once (last)."""
    roots = [builtin_specs_dir(), *(Path(t) for t in user_trees)]
    seen: dict[Path, int] = {}
    for index, root in enumerate(roots):
        seen[root.resolve()] = index
    return [root for index, root in enumerate(roots) if seen[root.resolve()] == index]


def load_layered_files(roots: Sequence[Path]) -> SpecFiles:
    """Load every tree and lay them over each other; diagnostics of all trees are kept."""
    layers = [load_spec_files(root) for root in roots]
    merged = SpecFiles(root=roots[-1])
    for upper_index, upper in enumerate(layers):
        for lower in layers[:upper_index]:
            _shadow(lower, upper)
    for layer in layers:
        merged.diagnostics.extend(layer.diagnostics)
        merged.broken_kinds |= layer.broken_kinds
        for kind, docs in layer.by_kind.items():
            merged.by_kind.setdefault(kind, []).extend(docs)
    return merged


def _shadow(lower: SpecFiles, upper: SpecFiles) -> None:
    """Drop from `lower` whatever `upper` defines again (later wins, by id)."""
    for kind in _SINGLE:
        ids = {doc.data["id"] for doc in upper.of(kind)}
        if ids and kind in lower.by_kind:
            lower.by_kind[kind] = [d for d in lower.of(kind) if d.data["id"] not in ids]
    for kind, keys in _CATALOGUES.items():
        for key in keys:
            defined: set[str] = set()
            for doc in upper.of(kind):
                defined |= set(_entries(doc.data, key))
            for doc in lower.of(kind):
                entries = _entries(doc.data, key)
                for name in defined & set(entries):
                    del entries[name]


def _entries(data: Any, key: str) -> dict[str, Any]:
    entries = data.get(key) if isinstance(data, dict) else None
    return entries if isinstance(entries, dict) else {}
