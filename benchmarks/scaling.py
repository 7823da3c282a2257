"""How the suite grows with the spec tree: `conformance run` on 1x, 4x, 16x (and 64x) the providers.

The trees are generated (`spec_trees.grow`): every provider file copied `factor` times, so the
planned requests grow by that factor. Each copy sells its models under its own ids
(`distinct=True`), so no copy shares an operation's meaning with another and the planner's
within-run memory (`plan/memo.py`) has nothing to reuse: the figures are the general case, not
the best one. `scaling_64x_copies_seconds` is the 64x tree of plain copies (ids unchanged), where
every operation repeats 64 times, for comparison. Each point is one end-to-end CLI run in its
own process (default options, the in-process reference relay). `scaling_exponent` is the
least-squares slope of log(wall) over log(factor) on the 1x/4x/16x points: 1.0 is linear, above
it superlinear.
`scaling_64x_seconds` is the wall time of the 64x tree (960 provider x model pairs), when asked.

    python benchmarks/scaling.py [--factors 1 4 16] [--with-64x] [--json FILE]
"""

from __future__ import annotations

import argparse
import json
import math
import shutil
import tempfile
from pathlib import Path
from typing import Any

from processes import conformance, timed
from spec_trees import grow

FACTORS = (1, 4, 16)


def exponent(points: list[tuple[float, float]]) -> float:
    """Least-squares slope of log(y) over log(x)."""
    xs = [math.log(x) for x, _ in points]
    ys = [math.log(y) for _, y in points]
    mx, my = sum(xs) / len(xs), sum(ys) / len(ys)
    num = sum((x - mx) * (y - my) for x, y in zip(xs, ys, strict=True))
    den = sum((x - mx) ** 2 for x in xs)
    return num / den


def measure(factors: tuple[int, ...] = FACTORS, with_64x: bool = False) -> dict[str, Any]:
    points: list[dict[str, Any]] = []
    with tempfile.TemporaryDirectory(prefix="bench-scaling-") as tmp:
        trees = [(f, True) for f in (*factors, *((64,) if with_64x else ()))]
        for factor, distinct in (*trees, *(((64, False),) if with_64x else ())):
            tree = grow(factor, Path(tmp) / f"x{factor}-{distinct}", distinct=distinct)
            report = Path(tmp) / f"x{factor}.json"
            run = timed(conformance("--specs", str(tree), "run", "--json", str(report)))
            cases = len(json.loads(report.read_text(encoding="utf-8")).get("cases", []))
            points.append(
                {
                    "factor": factor,
                    "distinct": distinct,
                    "cases": cases,
                    "wall_seconds": round(run.wall, 3),
                    "cpu_seconds": round(run.cpu, 3),
                    "peak_rss_mb": round(run.rss_mb, 1),
                }
            )
            report.unlink()
            shutil.rmtree(tree)
    fitted = [p for p in points if p["factor"] in factors and p["distinct"]]
    result: dict[str, Any] = {
        "scaling_exponent": round(exponent([(p["factor"], p["wall_seconds"]) for p in fitted]), 3),
        "scaling_cpu_exponent": round(
            exponent([(p["factor"], p["cpu_seconds"]) for p in fitted]), 3
        ),
        "points": points,
    }
    big = next((p for p in points if p["factor"] == 64 and p["distinct"]), None)
    if big is not None:
        result["scaling_64x_seconds"] = big["wall_seconds"]
    copies = next((p for p in points if p["factor"] == 64 and not p["distinct"]), None)
    if copies is not None:
        result["scaling_64x_copies_seconds"] = copies["wall_seconds"]
    return result


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--factors", type=int, nargs="+", default=list(FACTORS))
    parser.add_argument("--with-64x", action="store_true", help="also run the 64x tree")
    parser.add_argument("--json", type=Path, help="also write the figures as JSON")
    args = parser.parse_args()
    result = measure(tuple(args.factors), args.with_64x)
    for point in result["points"]:
        print(point)
    print(f"exponent {result['scaling_exponent']} (CPU {result['scaling_cpu_exponent']})")
    if args.json:
        args.json.write_text(json.dumps(result, indent=2) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
