"""`--jobs N`: the selected operations split into N balanced parts before anything is planned.

`--shard` plans the whole plan in every job and keeps its part; worker processes of one run
instead plan only their own operations (planning is a pure function of one provider x model x
operation: `planner.plan_operation`), so planning is parallel too. The parts are balanced by an
estimate of each operation's cases, read off its parameters without planning it (one covering
request per value of the largest enum, one case per default and per bound, the auth, wire and
exploration cases), and assigned heaviest first to the lightest part (`shard.assign`):
deterministic, and every operation in exactly one part. Each part lists its operations in plan
order, so putting the parts' cases back in operation order gives the plan.
"""

from __future__ import annotations

from conformance.plan.planner import PlanOptions, operations
from conformance.plan.shard import assign
from conformance.spec.model import Operation, Spec

#: Cases every operation has whatever its parameters: auth slots, wire forms, the unknown
#: model, a default-body positive (measured on the built-in tree: 11 to 17).
_FIXED_CASES = 12


def estimate(operation: Operation, max_examples: int) -> int:
    """Roughly how many cases planning `operation` gives (its weight in the partition)."""
    widest = 1
    weight = _FIXED_CASES + max_examples
    for param in operation.parameters:
        values = len(param.enum or param.items_enum or ())
        widest = max(widest, values)
        bounds = (
            param.minimum,
            param.maximum,
            param.min_length,
            param.max_length,
            param.min_items,
            param.max_items,
        )
        weight += 1 + param.has_default + sum(b is not None for b in bounds) + (values > 0)
    return weight + widest


def partition(spec: Spec, options: PlanOptions, count: int) -> list[list[int]]:
    """`count` parts of the selected operations (indices into `planner.operations`, ascending
    in each part); a part may be empty when there are fewer operations than parts."""
    weights = [estimate(op, options.max_examples) for _, _, op in operations(spec, options)]
    parts: list[list[int]] = [[] for _ in range(count)]
    for index, owner in enumerate(assign(weights, count)):
        parts[owner].append(index)
    return parts
