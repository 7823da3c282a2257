"""Spending caps and lifecycle: which planned cases are sent, and why the others are skipped.

`--max-requests` and `--max-images` keep cases in priority order (covering positives, defaults,
auth, negatives, wire forms, blocked, exploration; plan order within a kind) until the next
case would exceed a cap. Models the provider has retired are skipped against live targets.
Every case not sent becomes a `skipped` result with its reason: nothing is dropped silently.
"""

from __future__ import annotations

from dataclasses import dataclass

from conformance.plan.case import KINDS, Case


@dataclass(frozen=True)
class Budget:
    max_requests: int | None = None
    max_images: int | None = None


def select(
    cases: tuple[Case, ...], budget: Budget, *, live: bool = False, include_retired: bool = False
) -> tuple[list[Case], list[tuple[Case, str]]]:
    """(cases to send, in plan order; (case, reason) for each case cut)."""
    cut: dict[str, str] = {}
    eligible: list[tuple[int, Case]] = []
    for index, case in enumerate(cases):
        model = case.model
        if live and not include_retired and model.status == "retired":
            last = (model.lifecycle or model.upstream_lifecycle)[-1]
            cut[case.id] = (
                f"lifecycle: {model.id} is retired at {case.provider.id}"
                f"{' since ' + last.date if last.date else ''} "
                f"({last.source.cite()}); --include-retired sends it anyway"
            )
        else:
            eligible.append((index, case))
    eligible.sort(key=lambda item: (KINDS.index(item[1].kind), item[0]))
    requests = images = 0
    for _, case in eligible:
        over_requests = budget.max_requests is not None and requests + 1 > budget.max_requests
        over_images = (
            budget.max_images is not None and images + case.expected_images > budget.max_images
        )
        if over_requests or over_images:
            which = (
                f"--max-requests {budget.max_requests}"
                if over_requests
                else f"--max-images {budget.max_images}"
            )
            cut[case.id] = f"budget: {which} reached"
            continue
        requests += 1
        images += case.expected_images
    kept = [c for c in cases if c.id not in cut]
    return kept, [(c, cut[c.id]) for c in cases if c.id in cut]
