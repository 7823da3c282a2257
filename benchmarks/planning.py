"""How many requests the covering plan needs to show every documented value, vs the lower bound.

For every provider x model x operation of the specs, the planner's covering positives
(`cover/...` cases) are counted against the lower bound: the size of the largest value set among
the enforced covered parameters (enum values, both booleans, range boundaries). No plan can show
every value of that parameter in fewer requests, so the ratio (sum of requests / sum of bounds)
is 1.0 at best. The covering itself is verified here, independently of the planner's
bookkeeping: every value of every covered parameter must appear, at the parameter's path, in at
least one planned positive body (the `advisory/...` singletons count for parameters whose
enforcement is channel-dependent). For scale, `values` is what one request per documented value
would cost.

    python benchmarks/planning.py [--json FILE]
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]


def _same(a: Any, b: Any) -> bool:
    """Equal as JSON values (so True is not 1, and 1 equals 1.0)."""
    if isinstance(a, bool) or isinstance(b, bool):
        return isinstance(a, bool) and isinstance(b, bool) and a == b
    return bool(a == b)


def measure() -> dict[str, Any]:
    """Per-operation covering requests, lower bounds and uncovered values; the sum ratio."""
    from conformance.plan.bodies import covered_parameters, get_param
    from conformance.plan.covering import lower_bound, render_value, value_set
    from conformance.plan.planner import PlanOptions, plan
    from conformance.spec.resolve import load_spec

    started = time.perf_counter()
    spec = load_spec(ROOT / "specs")
    operations: list[dict[str, Any]] = []
    for provider in spec.providers:
        for model in provider.models:
            for operation in model.entry_operations:
                planned = plan(
                    spec,
                    PlanOptions(
                        providers=(provider.id,),
                        models=(model.id,),
                        kinds=("positive",),
                        max_examples=0,
                        triggers=False,
                    ),
                )
                mine = [
                    c
                    for c in planned.cases
                    if c.operation.name == operation.name and c.provider.id == provider.id
                ]
                covering = [c for c in mine if "/cover/" in c.id]
                advisory = [c for c in mine if "/advisory/" in c.id]
                documented = 0
                missing: list[str] = []
                for param in covered_parameters(operation):
                    values = value_set(param)
                    pool = covering if param.enforcement == "enforced" else covering + advisory
                    for value in values:
                        documented += 1
                        seen = (get_param(c.request.body, param) for c in pool)
                        if not any(ok and _same(v, value) for ok, v in seen):
                            missing.append(f"{param.name}={render_value(value)}")
                operations.append(
                    {
                        "provider": provider.id,
                        "model": model.id,
                        "operation": operation.name,
                        "requests": len(covering),
                        "lower_bound": lower_bound(operation),
                        "advisory_requests": len(advisory),
                        "values": documented,
                        "uncovered": missing,
                    }
                )
    requests = sum(o["requests"] for o in operations)
    bound = sum(o["lower_bound"] for o in operations)
    advisory = sum(o["advisory_requests"] for o in operations)
    uncovered = sum(len(o["uncovered"]) for o in operations)
    return {
        "planning_ratio": round(requests / bound, 3) if bound else None,
        "covering_requests": requests,
        "lower_bound": bound,
        "advisory_requests": advisory,
        "values": sum(o["values"] for o in operations),
        "uncovered_values": uncovered,
        "operations": operations,
        "seconds": round(time.perf_counter() - started, 2),
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--json", type=Path, help="also write the figures as JSON")
    args = parser.parse_args()
    result = measure()
    for op in result["operations"]:
        flag = f"  UNCOVERED: {', '.join(op['uncovered'])}" if op["uncovered"] else ""
        extra = f" +{op['advisory_requests']} adv." if op["advisory_requests"] else ""
        print(
            f"{op['provider']:11} {op['model']:36} {op['operation']:18} "
            f"{op['requests']:3} / {op['lower_bound']:3}{extra}{flag}"
        )
    print(
        f"planning ratio {result['planning_ratio']} ({result['covering_requests']} covering "
        f"requests / lower bound {result['lower_bound']}; {result['advisory_requests']} advisory "
        f"singletons; {result['values']} documented values, {result['uncovered_values']} "
        f"uncovered)"
    )
    if args.json:
        args.json.write_text(json.dumps(result, indent=2) + "\n", encoding="utf-8")
    return 1 if result["uncovered_values"] else 0


if __name__ == "__main__":
    sys.exit(main())
