"""Replay speed and cassette weight: cases replayed per second, and cassette bytes per case.

The headline, `replay_cases_per_s`, is end to end from the CLI: `conformance run --replay
cassettes --block-network` in its own process (start-up, specs, plan, cassettes, checks,
report), the median of the rounds. The in-process figure beside it replays the committed
recording the way that command does — plan rebuilt from the manifests, vcrpy answering every
HTTP request, every check run — and times only the replay itself, warm (the median of the
rounds after a cold one); it is what the replay machinery costs, not what a user waits for.
Bytes are those of the manifests and cassettes.

    python benchmarks/replay.py [--cassettes DIR] [--rounds 3] [--json FILE]
"""

from __future__ import annotations

import argparse
import json
import statistics
import time
from pathlib import Path
from typing import Any

from processes import conformance, timed

ROOT = Path(__file__).resolve().parents[1]


def measure(cassettes: Path = ROOT / "cassettes", rounds: int = 3) -> dict[str, Any]:
    """The replay figures; raises RuntimeError if the replay is stale or any case errors."""
    from conformance.cassettes import Replaying, Store, load_manifests, replay_plan
    from conformance.cli.run_cassettes import replay_run
    from conformance.runner.blocking import run_sync
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
        result = run_sync(replay_run(replaying, block_network=True))
        walls.append(time.perf_counter() - t0)
        errors = result.counts().get("error", 0)
        if errors:
            raise RuntimeError(f"{errors} case(s) errored in the replay of {cassettes}")
        requests = result.requests_sent
    cases = len(the_plan.cases)
    seconds = statistics.median(walls[1:]) if rounds else walls[0]
    size = sum(path.stat().st_size for path in store.files())
    command = conformance("run", "--replay", str(cassettes), "--block-network")
    cli = [timed(command) for _ in range(max(1, rounds))]
    cli_seconds = statistics.median(r.wall for r in cli)
    return {
        "replay_cases_per_s": round(cases / cli_seconds, 1),
        "cassette_bytes_per_case": round(size / cases),
        "cases": cases,
        "requests": requests,
        "cli_seconds": round(cli_seconds, 3),
        "cli_peak_rss_mb": round(max(r.rss_mb for r in cli), 1),
        "inprocess_cases_per_s": round(cases / seconds, 1),
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
        f"replayed {report['cases']} cases ({report['requests']} requests) end to end in "
        f"{report['cli_seconds']:.2f} s: {report['replay_cases_per_s']:.0f} cases/s; in-process "
        f"{report['seconds']:.2f} s warm, {report['inprocess_cases_per_s']:.0f} cases/s "
        f"(cold {report['cold_seconds']:.2f} s; specs + plan {report['plan_seconds']:.2f} s); "
        f"cassettes {report['bytes'] / 1e6:.2f} MB, "
        f"{report['cassette_bytes_per_case']:,} bytes per case"
    )
    if args.json:
        args.json.write_text(json.dumps(report, indent=2) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
