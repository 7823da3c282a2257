"""How close concurrent sending gets to the ideal: wall time / (requests / concurrency x latency).

Runs ~200 planned requests against the in-process reference relay with a fixed answer latency
(default 0.5 s) at `--concurrency 16`. Only providers that answer in one request per case
(inline base64 images, no job polls, no URL fetches) are planned, so the request count is exact.

    python benchmarks/concurrency.py [--latency 0.5] [--concurrency 16] [--json FILE]
"""

from __future__ import annotations

import argparse
import asyncio
import json
import time
from pathlib import Path

from conformance.plan.planner import PlanOptions, plan
from conformance.runner import TargetOptions, open_transports, run_plan
from conformance.spec.resolve import load_spec
from conformance.transport.flow import FlowOptions

ROOT = Path(__file__).resolve().parents[1]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--latency", type=float, default=0.5)
    parser.add_argument("--concurrency", type=int, default=16)
    parser.add_argument(
        "--requests",
        type=int,
        default=208,
        help="about this many requests (a multiple of the concurrency)",
    )
    parser.add_argument("--json", type=Path)
    args = parser.parse_args()
    spec = load_spec(ROOT / "specs")
    planned = plan(
        spec, PlanOptions(providers=("routescope", "tokaify"), max_examples=0, triggers=False)
    )
    cases = planned.cases[: args.requests]
    planned = type(planned)(cases, planned.coverage)
    target = TargetOptions(latency=(args.latency, args.latency), concurrency=args.concurrency)

    async def go() -> tuple[float, int, int]:
        async with open_transports(spec, ["routescope", "tokaify"], target) as transports:
            t0 = time.perf_counter()
            result = await run_plan(
                planned, transports, flow=FlowOptions(), concurrency=args.concurrency
            )
            wall = time.perf_counter() - t0
        return wall, result.requests_sent, sum(r.outcome == "fail" for r in result.results)

    wall, sent, failed = asyncio.run(go())
    ideal = sent / args.concurrency * args.latency
    report = {
        "requests": sent,
        "concurrency": args.concurrency,
        "latency": args.latency,
        "wall_seconds": round(wall, 3),
        "ideal_seconds": round(ideal, 3),
        "ratio": round(wall / ideal, 3),
        "failed_cases": failed,
    }
    print(
        f"{sent} requests, concurrency {args.concurrency}, latency {args.latency:g} s: "
        f"wall {wall:.2f} s, ideal {ideal:.2f} s, ratio {wall / ideal:.3f}"
    )
    if args.json:
        args.json.write_text(json.dumps(report, indent=2) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
