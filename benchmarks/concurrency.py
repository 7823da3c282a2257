"""How close concurrent sending gets to the ideal: wall time / (requests / concurrency x latency).

Sends ~200 planned requests with `--concurrency 16` to a reference relay that answers after a
fixed latency (default 0.5 s), and divides the wall time of the run by the ideal: with N cases in
flight and every answer taking exactly `latency`, `requests / N` rounds of `latency` each. The
ratio is what the engine itself costs (building requests, reading answers, running every check,
scheduling) on top of waiting; a ratio, because seconds depend on the machine.

Only providers that answer in one request per case (inline base64 images: no job polls, no URL
fetches) are planned, so the request count, and with it the ideal, is exact.

Setup (`--relay`):

- `process` (default, the realistic one): `conformance serve --latency L` runs in its own process
  on 127.0.0.1 and the run goes over TCP to `--base-url`-style transports, as against a live
  provider. The relay is primed first (one untimed pass), so that its one-off work (first image
  of each size, schema compilation) does not stretch the fixed latency the ideal assumes.
- `inprocess`: the relay runs on the run's own event loop through httpx's ASGI transport, as in
  a plain `conformance run`; its validation and image synthesis then share the engine's core.

Each round is a fresh interpreter: the client starts cold (connections, schema compilation), as
a user's run does; spec loading and planning are outside the timing. The figure is the median
round.

    python benchmarks/concurrency.py [--latency 0.5] [--concurrency 16] [--requests 208]
        [--rounds 3] [--relay process|inprocess] [--json FILE]
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import os
import statistics
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from relay_process import relay_process, serve_command

ROOT = Path(__file__).resolve().parents[1]
PROVIDERS = ("routescope", "tokaify")  # inline base64 answers: exactly one request per case
KEY = "test-key"


def _planned(requests: int) -> Any:
    """The first `requests` cases of the inline-answer providers' plan (no exploration)."""
    from conformance.plan.planner import PlanOptions, plan
    from conformance.spec.resolve import load_spec

    spec = load_spec(ROOT / "specs")
    planned = plan(spec, PlanOptions(providers=PROVIDERS, max_examples=0, triggers=False))
    if len(planned.cases) < requests:
        raise SystemExit(f"the plan has only {len(planned.cases)} cases, {requests} asked for")
    return spec, type(planned)(planned.cases[:requests], planned.coverage)


def one_round(
    latency: float, concurrency: int, requests: int, base_url: str | None
) -> dict[str, Any]:
    """One timed run in this interpreter: against `base_url` (a served relay) or in-process."""
    from conformance.runner import TargetOptions, open_transports, run_plan
    from conformance.transport.base import Transport
    from conformance.transport.flow import FlowOptions
    from conformance.transport.live import live_transport

    spec, planned = _planned(requests)

    async def go() -> tuple[float, float, Any]:
        async with contextlib.AsyncExitStack() as stack:
            transports: dict[str, Transport]
            if base_url is None:
                target = TargetOptions(latency=(latency, latency), concurrency=concurrency)
                transports = await stack.enter_async_context(
                    open_transports(spec, list(PROVIDERS), target)
                )
            else:
                os.environ["CONFORMANCE_BENCH_KEY"] = KEY
                transports = {}
                for pid in PROVIDERS:
                    transport = live_transport(
                        f"{base_url}/{pid}", "CONFORMANCE_BENCH_KEY", concurrency=concurrency
                    )
                    stack.push_async_callback(transport.aclose)
                    transports[pid] = transport
            cpu0, t0 = time.process_time(), time.perf_counter()
            result = await run_plan(
                planned, transports, flow=FlowOptions(), concurrency=concurrency
            )
            return time.perf_counter() - t0, time.process_time() - cpu0, result

    wall, cpu, result = asyncio.run(go())
    sent = result.requests_sent
    ideal = sent / concurrency * latency
    outcomes = result.counts()
    # The latency each answer actually took (send to last byte): above `latency` by the relay's
    # own work and queueing, which the ideal does not count against the engine but the wall does.
    answered = [
        r.exchange.response.elapsed for r in result.results if r.exchange and r.exchange.response
    ]
    observed = statistics.fmean(answered) if answered else 0.0
    return {
        "requests": sent,
        "wall_seconds": round(wall, 3),
        "ideal_seconds": round(ideal, 3),
        "ratio": round(wall / ideal, 3),
        "client_cpu_seconds": round(cpu, 3),
        "observed_latency_mean": round(observed, 4),
        "failed_cases": outcomes.get("fail", 0),
        "error_cases": outcomes.get("error", 0),
    }


@contextlib.contextmanager
def served_relay(latency: float) -> Iterator[str]:
    """`conformance serve --latency L` on a free 127.0.0.1 port; yields its base URL."""
    providers = [arg for pid in PROVIDERS for arg in ("--provider", pid)]
    command = serve_command("--latency", f"{latency:g}", "--key", KEY, *providers)
    with relay_process(command) as (_, base):
        yield base


def _round_in_subprocess(
    latency: float, concurrency: int, requests: int, base_url: str | None
) -> dict[str, Any]:
    command = [
        sys.executable,
        __file__,
        "--one-round",
        "--latency",
        f"{latency:g}",
        "--concurrency",
        str(concurrency),
        "--requests",
        str(requests),
    ]
    if base_url is not None:
        command += ["--base-url", base_url]
    done = subprocess.run(command, capture_output=True, text=True, timeout=600)
    if done.returncode != 0:
        raise RuntimeError(f"a concurrency round failed ({done.returncode}): {done.stderr[-2000:]}")
    result: dict[str, Any] = json.loads(done.stdout.strip().splitlines()[-1])
    return result


def measure(
    latency: float = 0.5,
    concurrency: int = 16,
    requests: int = 208,
    rounds: int = 3,
    relay: str = "process",
) -> dict[str, Any]:
    """The concurrency figure: median ratio over `rounds` fresh runs, with every round's data.

    Raises RuntimeError when a round fails or any case fails or errors (the relay is correct, so
    a failure means the measurement is broken, not fast).
    """
    if relay not in ("process", "inprocess"):
        raise ValueError(f"relay must be 'process' or 'inprocess', not {relay!r}")
    started = time.perf_counter()
    results: list[dict[str, Any]] = []
    with contextlib.ExitStack() as stack:
        base = stack.enter_context(served_relay(latency)) if relay == "process" else None
        if base is not None:
            # Priming pass, untimed: at high concurrency so it costs about two latencies.
            _round_in_subprocess(latency, max(concurrency, requests // 2), requests, base)
        for _ in range(rounds):
            results.append(_round_in_subprocess(latency, concurrency, requests, base))
    for result in results:
        if result["failed_cases"] or result["error_cases"]:
            raise RuntimeError(f"the concurrency run against a correct relay went wrong: {result}")
    ratios = [r["ratio"] for r in results]
    median = statistics.median(ratios)
    chosen = min(results, key=lambda r: abs(r["ratio"] - median))
    return {
        "relay": relay,
        "requests": chosen["requests"],
        "concurrency": concurrency,
        "latency": latency,
        "rounds": rounds,
        "wall_seconds": chosen["wall_seconds"],
        "ideal_seconds": chosen["ideal_seconds"],
        "concurrency_ratio": round(median, 3),
        "round_ratios": ratios,
        "client_cpu_seconds": [r["client_cpu_seconds"] for r in results],
        "observed_latency_mean": [r["observed_latency_mean"] for r in results],
        "seconds": round(time.perf_counter() - started, 2),
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--latency", type=float, default=0.5)
    parser.add_argument("--concurrency", type=int, default=16)
    parser.add_argument(
        "--requests", type=int, default=208, help="requests per round (a multiple of concurrency)"
    )
    parser.add_argument("--rounds", type=int, default=3, help="fresh runs; the median is kept")
    parser.add_argument("--relay", choices=("process", "inprocess"), default="process")
    parser.add_argument("--json", type=Path, help="also write the figures as JSON")
    parser.add_argument("--one-round", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--base-url", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.one_round:
        result = one_round(args.latency, args.concurrency, args.requests, args.base_url)
        print(json.dumps(result))
        return 0
    report = measure(args.latency, args.concurrency, args.requests, args.rounds, args.relay)
    print(
        f"{report['requests']} requests, concurrency {report['concurrency']}, latency "
        f"{report['latency']:g} s, relay {report['relay']}: median wall "
        f"{report['wall_seconds']:.2f} s, ideal {report['ideal_seconds']:.2f} s, ratio "
        f"{report['concurrency_ratio']:.3f} (rounds: "
        f"{', '.join(f'{r:.3f}' for r in report['round_ratios'])}; target < 1.1)"
    )
    if args.json:
        args.json.write_text(json.dumps(report, indent=2) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
