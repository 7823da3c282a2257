"""Keeps Python's cyclic garbage collector off what a run has already built: cases, results.

A plan's cases and a run's results pile up until the report is written, and every collection
walks every tracked object it has not been told to skip: at 16x the providers the collector took
4.4 s of 13.7 s of planning and 5.2 s of the run (20 full collections), growing with what is
held (the collector's 25% rule makes full collections a multiple of the final heap, paid again
at every size). Every `BATCH` cases planned or finished, this collects once what is not frozen
yet (the young objects, cyclic garbage of hypothesis's draws and of finished requests included)
and freezes the survivors (`gc.freeze`), so later collections walk only what came after.
Frozen objects are still freed by reference counting; only a cycle among them would outlive
the process. The planner uses it per operation, the engine per finished case; `paused` keeps
the collector off while a finished run's reports are built (only acyclic JSON-ready data).
"""

from __future__ import annotations

import gc

from conformance.gc_pause import paused

__all__ = ["BATCH", "Collector", "paused"]  # paused: a finished run's reports are built in it

#: Cases between two collect-and-freeze steps (a default run plans ~1,200 cases).
BATCH = 2000


class Collector:
    """Counts cases; each time the count passes a multiple of `batch`, collects and freezes."""

    def __init__(self, batch: int = BATCH) -> None:
        self.batch = batch
        self.count = 0
        self.frozen_batches = 0

    def start(self) -> None:
        """Freeze what is already held (the spec, the modules): it outlives what is built next.
        Hypothesis's first draw of a process walks the whole heap twice (`register_random`
        runs `gc.collect` and `gc.get_referrers` on its own PRNG): 40 ms of a 1x plan, under
        1 ms once the heap is frozen. The young generations are collected first (a full
        collection would be the same walk again), so recent cyclic garbage is not kept."""
        if gc.isenabled():
            gc.collect(1)
            gc.freeze()

    def advance(self, cases: int = 1) -> None:
        before, self.count = self.count, self.count + cases
        if self.count // self.batch > before // self.batch and gc.isenabled():
            gc.collect()
            gc.freeze()
            self.frozen_batches += 1
