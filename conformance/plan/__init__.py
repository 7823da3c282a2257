"""Planning: cases derived from the spec (covering positives, defaults, negatives, auth matrix,
blocked outcomes and hypothesis exploration), deterministic for a given spec and seed."""

from conformance.plan.case import AuthSlot, Case, CaseKind, Expect, Request, Target
from conformance.plan.planner import ALL_CHECKS, Coverage, Plan, PlanOptions, plan

__all__ = [
    "ALL_CHECKS",
    "AuthSlot",
    "Case",
    "CaseKind",
    "Coverage",
    "Expect",
    "Plan",
    "PlanOptions",
    "Request",
    "Target",
    "plan",
]
