"""The order in which cases start: cases that wait on a job are spread among the others.

A case holds its concurrency slot through its job's polls, and between polls it sleeps (the
slot is kept on purpose: `--concurrency` then also bounds the jobs a run keeps open upstream,
which providers limit). The plan groups a provider's operations together, so its job cases sit
in one stretch; started in plan order, they took every slot at once and the run idled through
their sleeps (at 64x the providers both workers sat idle ~4 s, measured). Starting them evenly
spread keeps at most a few slots waiting while the others work. Only the start order changes:
what is sent, the slots, and the results (returned in plan order) stay the same.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import TypeVar

T = TypeVar("T")


def start_order(items: Sequence[T], waits: Callable[[T], bool]) -> list[int]:
    """Indexes of `items` in start order: the waiting ones (`waits`) evenly spread among the
    rest, each kind keeping its own relative order."""
    waiting = [i for i, item in enumerate(items) if waits(item)]
    if not waiting or len(waiting) == len(items):
        return list(range(len(items)))
    others = [i for i, item in enumerate(items) if not waits(item)]
    n = len(items)
    # Each kind's members at even steps over [0, n): the waiting ones at the middle of theirs.
    keyed = [((j + 0.5) * n / len(waiting), 0, i) for j, i in enumerate(waiting)]
    keyed += [(j * n / len(others), 1, i) for j, i in enumerate(others)]
    return [i for _, _, i in sorted(keyed)]
