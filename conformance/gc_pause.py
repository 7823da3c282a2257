"""`paused()`: no automatic cyclic garbage collections inside a block, the previous state after.

Stages that build much and no reference cycles (resolving a spec tree; a finished run's report
data) run without the collector walking what they build again and again; reference counting
frees as before. At the foundation layer so that `spec` (layer 0) and `plan/collector.py`
(layer 2) share one definition.
"""

from __future__ import annotations

import contextlib
import gc
from collections.abc import Iterator


@contextlib.contextmanager
def paused() -> Iterator[None]:
    """Automatic collections off inside (a collection asked for explicitly still runs)."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()
