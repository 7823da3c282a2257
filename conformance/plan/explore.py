"""Exploration's request bodies: read from the draws recorded for the built-in spec tree, or drawn
by hypothesis (`plan/strategies.py`) for anything else.

Importing hypothesis is ~40% of a run's start-up (0.2-0.4 s on 2 cores, `-X importtime`), and a
run of the packaged specs with the default seed draws exactly what `plan/recorded_draws.json`
holds. So this module imports hypothesis only when an operation's draws are not recorded (a
user's own tree, another seed or count, code that changed since the recording); the recorded
bodies are those hypothesis drew for the same key, and `conformance draws --check` (CI) draws them
again and fails when they differ.
"""

from __future__ import annotations

from typing import Any

from conformance.plan import recorded_draws
from conformance.plan.memo import Memo, copy_json, key_of
from conformance.spec.model import Model, Operation

#: The draws of one (model id, body parameters, count, seed): all the strategy and the bodies
#: it builds read (`base_body`, `covered_parameters`, `leaf_strategy`).
_DRAWN: Memo[list[dict[str, Any]]] = Memo(copy_json)


def draw_key(model: Model, operation: Operation, count: int, seed: int) -> tuple[Any, ...]:
    """What an operation's drawn bodies are a function of (with the drawing code itself)."""
    return (model.id, key_of(operation.parameters), count, seed)


def explore(model: Model, operation: Operation, count: int, seed: int) -> list[dict[str, Any]]:
    """`count` distinct bodies drawn from the strategy; the same seed gives the same bodies."""
    if count <= 0 or not operation.has_body:
        return []
    key = draw_key(model, operation, count, seed)
    return _DRAWN.get(key, lambda: _derive(key, model, operation, count, seed))


def _derive(
    key: tuple[Any, ...], model: Model, operation: Operation, count: int, seed: int
) -> list[dict[str, Any]]:
    recorded = recorded_draws.lookup(key)
    if recorded is not None:
        return recorded
    return draw(model, operation, count, seed)


def draw(model: Model, operation: Operation, count: int, seed: int) -> list[dict[str, Any]]:
    """The bodies hypothesis draws (never the recorded ones)."""
    from conformance.plan import strategies  # hypothesis: only when a draw is not recorded

    return strategies.draw(model, operation, count, seed)
