"""The collect-and-freeze steps: once per batch, and cyclic garbage is collected before it."""

from __future__ import annotations

import gc
import weakref

from conformance.plan.collector import Collector


class _Node:
    def __init__(self) -> None:
        self.me = self  # a reference cycle: only the cyclic collector frees it


def test_freezes_once_per_batch_after_collecting_cycles() -> None:
    gc.unfreeze()
    try:
        collector = Collector(batch=10)
        collector.advance(9)
        assert collector.frozen_batches == 0 and gc.get_freeze_count() == 0
        garbage = _Node()
        alive = weakref.ref(garbage)
        del garbage
        kept = [_Node() for _ in range(3)]
        collector.advance(1)  # 10: one step
        assert collector.frozen_batches == 1
        assert alive() is None  # collected, not frozen as a leak
        assert gc.get_freeze_count() >= len(kept)
        collector.advance(25)  # 35: passes 20 and 30 in one go, one step
        assert collector.frozen_batches == 2
    finally:
        gc.unfreeze()


def test_does_nothing_while_the_collector_is_disabled() -> None:
    gc.disable()
    try:
        collector = Collector(batch=1)
        collector.advance(5)
        assert collector.frozen_batches == 0
    finally:
        gc.enable()


def test_start_freezes_what_is_held_after_collecting_young_cycles() -> None:
    gc.unfreeze()
    try:
        garbage = _Node()
        alive = weakref.ref(garbage)
        del garbage
        Collector().start()
        assert alive() is None and gc.get_freeze_count() > 0
    finally:
        gc.unfreeze()
