"""Replay speed and cassette weight: cases replayed per second, and cassette bytes per case.

Replays the committed recording (`cassettes/`, the full default run of every provider) the way
`conformance run --replay cassettes` does — plan rebuilt from the manifests, vcrpy answering
every HTTP request, every check run — and times the replay itself (loading the cassettes,
sending, polling, fetching, checking); loading the specs and planning are reported apart. The
first round is cold (schema validators compiled, stand-in images decoded for the first time);
the figure is the median of the rounds after it. Bytes are those of the manifests and cassettes.

    python benchmarks/replay.py [--cassettes DIR] [--rounds 3] [--json FILE]
"""

from __future__ import annotations

import argparse
import asyncio
import json
import statistics
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]


def measure(cassettes: Path = ROOT / "cassettes", rounds: int = 3) -> dict[str, Any]:
    """The replay figures; raises RuntimeError if the replay is stale or any case errors."""
    from conformance.cassettes import Replaying, Store, load_manifests, replay_plan
    from conformance.cli.run_cassettes import replay_run
    from conformance.spec.resolve import load_spec

    started = time.perf_counter()
    spec = load_spec(ROOT / "specs")
    store = Store(cassettes)
    manifests = load_manifests(store)
    the_plan = replay_plan(spec, manifests)
    plan_seconds = time.perf_counter() - started
    walls: list[float] = []
    requests = 0
    for _ in range(rounds + 1):
        replaying = Replaying(store, spec, the_plan, manifests)
        if replaying.stale:
            raise RuntimeError(f"{len(replaying.stale)} case(s) need re-recording in {cassettes}")
        t0 = time.perf_counter()
        result = asyncio.run(replay_run(replaying, block_network=True))
        walls.append(time.perf_counter() - t0)
        errors = result.counts().get("error", 0)
        if errors:
            raise RuntimeError(f"{errors} case(s) errored in the replay of {cassettes}")
        requests = result.requests_sent
    cases = len(the_plan.cases)
    seconds = statistics.median(walls[1:]) if rounds else walls[0]
    size = sum(path.stat().st_size for path in store.files())
    return {
        "replay_cases_per_s": round(cases / seconds, 1),
        "cassette_bytes_per_case": round(size / cases),
        "cases": cases,
        "requests": requests,
        "seconds": round(seconds, 3),
        "cold_seconds": round(walls[0], 3),
        "plan_seconds": round(plan_seconds, 3),
        "bytes": size,
        "rounds": rounds,
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cassettes", type=Path, default=ROOT / "cassettes")
    parser.add_argument("--rounds", type=int, default=3, help="timed rounds after a cold one")
    parser.add_argument("--json", type=Path, help="also write the figures as JSON")
    args = parser.parse_args()
    report = measure(args.cassettes, max(args.rounds, 0))
    print(
        f"replayed {report['cases']} cases ({report['requests']} requests) in "
        f"{report['seconds']:.2f} s: {report['replay_cases_per_s']:.0f} cases/s "
        f"(cold {report['cold_seconds']:.2f} s; specs + plan {report['plan_seconds']:.2f} s); "
        f"cassettes {report['bytes'] / 1e6:.2f} MB, "
        f"{report['cassette_bytes_per_case']:,} bytes per case"
    )
    if args.json:
        args.json.write_text(json.dumps(report, indent=2) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
