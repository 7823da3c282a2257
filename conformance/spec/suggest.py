"""The closest known name for a misspelled one, for hints: `did you mean 'upstream-imagen'?`."""

from __future__ import annotations

import difflib
from collections.abc import Iterable


def closest(name: str, known: Iterable[str]) -> str | None:
    """The known name most like `name`, if any is close enough to be a likely typo."""
    found = difflib.get_close_matches(name, list(known), n=1, cutoff=0.6)
    return found[0] if found else None


def known_hint(name: str, known: Iterable[str], what: str) -> str:
    """`did you mean X? known WHAT: a, b, c` (the question only when one is close)."""
    names = sorted(known)
    near = closest(name, names)
    ask = f"did you mean {near!r}? " if near is not None else ""
    return f"{ask}known {what}: {', '.join(names)}" if names else f"no {what} are defined"
