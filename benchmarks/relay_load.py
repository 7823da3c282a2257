"""Load on one reference relay process: throughput, errors and memory under realistic payloads.

Starts `conformance serve --payload realistic` on 127.0.0.1 (a free port), primes every request
variant once (so each distinct image is generated before timing starts), then drives `--clients`
concurrent httpx clients for `--seconds` across providers, models, ratios and size tiers (1K, 2K
and 4K; inline base64, URL answers fetched back, Apiframe jobs polled to completion and their
image downloaded). The server's RSS is sampled from /proc/<pid>/status every 0.5 s.

    python benchmarks/relay_load.py [--seconds 20] [--clients 64] [--json FILE]

Reports requests/s, flows/s, MB/s, latency percentiles, errors (must be 0), peak RSS, and RSS
after warm-up vs at the end (flat: the end within --flat-tolerance of the warm-up level). Exits 1
when any request failed or RSS was not flat. Traffic goes to 127.0.0.1 only; the run is bounded
in time and stops the server it started.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import multiprocessing
import os
import statistics
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpcore
import httpx
from relay_process import relay_process, serve_command

from conformance.server.samples import sample_body
from conformance.spec.model import Model, Operation, Provider, Spec
from conformance.spec.resolve import load_spec

ROOT = Path(__file__).resolve().parents[1]
KEY = "bench-key"

# (provider, model, operation, concepts, weight): every family, 1K/2K/4K, base64, URL and jobs.
MIX: list[tuple[str, str, str, dict[str, Any], int]] = [
    ("google", "imagen-4.0-generate-001", "predict", {}, 2),  # default: 4 images at 1K
    (
        "routescope",
        "imagen-4.0-ultra-generate-001",
        "predict",
        {"image_size": "2K", "aspect_ratio": "16:9", "image_count": 1},
        2,
    ),
    (
        "tokaify",
        "imagen-4.0-generate-001",
        "predict",
        {"image_size": "2K", "aspect_ratio": "3:4", "image_count": 2},
        1,
    ),
    ("google", "gemini-2.5-flash-image", "generateContent", {"aspect_ratio": "21:9"}, 2),
    (
        "google",
        "gemini-3-pro-image-preview",
        "generateContent",
        {"image_size": "4K", "aspect_ratio": "16:9"},
        2,
    ),
    (
        "routescope",
        "gemini-3.1-flash-image-preview",
        "generateContent",
        {"image_size": "2K", "aspect_ratio": "1:1"},
        2,
    ),
    (
        "aimlapi",
        "google/imagen-4.0-fast-generate-001",
        "images.generations",
        {"response_encoding": False, "aspect_ratio": "9:16", "image_count": 2},
        2,
    ),
    (
        "aimlapi",
        "google/imagen-4.0-fast-generate-001",
        "images.generations",
        {"aspect_ratio": "4:3"},
        2,
    ),  # URL answer, fetched back
    (
        "apiframe",
        "imagen-4",
        "images.generate",
        {"image_size": "2K", "output_format": "png", "aspect_ratio": "16:9"},
        2,
    ),  # job
]


@dataclass(frozen=True)
class Variant:
    label: str
    provider: Provider
    model: Model
    operation: Operation
    body: dict[str, Any]

    def auth(self) -> dict[str, Any]:
        scheme = self.provider.auth.schemes[0]
        if scheme.kind == "bearer":
            return {"headers": {scheme.name: f"Bearer {KEY}"}}
        if scheme.kind == "header":
            return {"headers": {scheme.name: KEY}}
        return {"params": {scheme.name: KEY}}


@dataclass
class Stats:
    requests: int = 0
    flows: int = 0
    bytes: int = 0
    errors: list[str] = field(default_factory=list)
    latencies: list[float] = field(default_factory=list)


def variants(spec: Spec) -> list[Variant]:
    chosen: list[Variant] = []
    for provider_id, model_id, op_name, concepts, weight in MIX:
        provider = spec.provider(provider_id)
        model = provider.model(model_id) if provider else None
        operation = model.operation(op_name) if model else None
        if provider is None or model is None or operation is None:
            raise SystemExit(f"the spec has no {provider_id} {model_id} {op_name}")
        body = sample_body(operation, model, concepts=concepts)
        assert body is not None
        label = f"{provider_id}/{model_id} {concepts or 'defaults'}"
        chosen.extend([Variant(label, provider, model, operation, body)] * weight)
    return chosen


async def fetch(
    client: httpx.AsyncClient, method: str, url: str, stats: Stats, **kwargs: Any
) -> tuple[int, bytes]:
    """Send one request and stream the answer away; keep only its first 64 KiB (the JSON of
    job and URL answers fits; multi-MB image bodies are counted, not kept)."""
    async with client.stream(method, url, **kwargs) as answer:
        head = bytearray()
        size = 0
        async for chunk in answer.aiter_raw():
            size += len(chunk)
            if len(head) < 65536:
                head += chunk
    stats.requests += 1
    stats.bytes += size
    if size == 0 and method != "HEAD":
        raise RuntimeError(f"{method} {url}: empty answer")
    return answer.status_code, bytes(head)


async def flow(client: httpx.AsyncClient, variant: Variant, stats: Stats) -> None:
    """One generation: the request, plus job polls and image downloads where the answer needs."""
    op = variant.operation
    url = f"/{variant.provider.id}{op.path}"
    status, head = await fetch(client, op.method, url, stats, json=variant.body, **variant.auth())
    if status != op.success_status:
        raise RuntimeError(f"{variant.label}: HTTP {status} {head[:200]!r}")
    if op.job is not None:
        job_id = json.loads(head)["id"]
        poll = variant.model.operation(op.job.poll_operation)
        assert poll is not None
        state = None
        for _ in range(20):
            status, head = await fetch(
                client,
                "GET",
                f"/{variant.provider.id}{poll.path.replace('{id}', job_id)}",
                stats,
                **variant.auth(),
            )
            state = json.loads(head)["status"]
            if state in op.job.terminal:
                break
        if state != op.job.success:
            raise RuntimeError(f"{variant.label}: job ended {state}")
        urls = json.loads(head)["result"]["images"]
    elif head.startswith(b'{"created"') and b'"url":"' in head:
        urls = [item["url"] for item in json.loads(head)["data"]]
    else:
        urls = []
    for image_url in urls:
        status, _ = await fetch(client, "GET", image_url, stats)
        if status != 200:
            raise RuntimeError(f"{variant.label}: image URL answered HTTP {status}")


async def client_loop(
    base: str, plan: list[Variant], offset: int, until: float, stats: Stats
) -> None:
    timeout = httpx.Timeout(120.0)
    limits = httpx.Limits(max_connections=2, max_keepalive_connections=2)
    async with httpx.AsyncClient(base_url=base, timeout=timeout, limits=limits) as client:
        i = offset
        while time.monotonic() < until:
            variant = plan[i % len(plan)]
            i += 1
            started = time.monotonic()
            try:
                await flow(client, variant, stats)
            except Exception as exc:  # every failure is counted, none stops the run
                stats.errors.append(f"{type(exc).__name__}: {exc}"[:300])
            else:
                stats.flows += 1
                stats.latencies.append(time.monotonic() - started)


def cpu_seconds(pid: int) -> float:
    """User + system CPU time the process has used (from /proc/<pid>/stat)."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def rss_kib(pid: int) -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1])
    return 0


def worker(
    base: str, clients: int, first: int, seconds: float, ready: Any, go: Any, results: Any
) -> None:
    """One load-generator process: `clients` concurrent httpx clients for `seconds`."""
    # httpcore reads 64 KiB at a time; multi-MB answers then cost the load generator more CPU
    # than the relay spends producing them. Reading up to 1 MiB keeps the generator light.
    httpcore.AsyncHTTP11Connection.READ_NUM_BYTES = 1 << 20
    plan = variants(load_spec(ROOT / "specs"))
    stats = Stats()
    ready.release()
    go.wait()

    async def drive() -> None:
        until = time.monotonic() + seconds
        await asyncio.gather(
            *(client_loop(base, plan, (first + i) * 3, until, stats) for i in range(clients))
        )

    cpu_before = time.process_time()
    asyncio.run(drive())
    results.put(
        (
            time.process_time() - cpu_before,
            stats.requests,
            stats.flows,
            stats.bytes,
            stats.errors[:20],
            len(stats.errors),
            stats.latencies,
        )
    )


def prime(base: str, plan: list[Variant]) -> float:
    """Every variant once, so each distinct image is generated before timing starts."""

    async def go() -> None:
        stats = Stats()
        async with httpx.AsyncClient(base_url=base, timeout=120.0) as client:
            for variant in {v.label: v for v in plan}.values():
                await flow(client, variant, stats)

    started = time.monotonic()
    asyncio.run(go())
    return time.monotonic() - started


def run(args: argparse.Namespace, pid: int, base: str, plan: list[Variant]) -> dict[str, Any]:
    prime_seconds = prime(base, plan)
    rss_primed = rss_kib(pid)
    context = multiprocessing.get_context("spawn")
    ready, go, results = context.Semaphore(0), context.Event(), context.Queue()
    shares = [
        args.clients // args.procs + (i < args.clients % args.procs) for i in range(args.procs)
    ]
    firsts = [sum(shares[:i]) for i in range(args.procs)]
    workers = [
        context.Process(
            target=worker, args=(base, n, first, args.seconds, ready, go, results), daemon=True
        )
        for n, first in zip(shares, firsts, strict=True)
        if n
    ]
    for process in workers:
        process.start()
    for _ in workers:
        ready.acquire(timeout=60)
    samples: list[tuple[float, int]] = []
    cpu0 = cpu_seconds(pid)
    t0 = time.monotonic()
    go.set()
    while time.monotonic() - t0 < args.seconds:
        samples.append((time.monotonic() - t0, rss_kib(pid)))
        time.sleep(0.5)
    stats = Stats()
    errors = 0
    load_cpu = 0.0
    for _ in workers:
        cpu, requests, flows, size, first_errors, count, latencies = results.get(timeout=180)
        load_cpu += cpu
        stats.requests += requests
        stats.flows += flows
        stats.bytes += size
        stats.errors.extend(first_errors)
        errors += count
        stats.latencies.extend(latencies)
    wall = time.monotonic() - t0
    samples.append((wall, rss_kib(pid)))
    server_cpu = (cpu_seconds(pid) - cpu0) / wall
    for process in workers:
        process.join(timeout=10)
    # Medians over 2 s windows, so one transient buffer does not decide; only growth counts
    # against flatness (memory given back after a burst is not a leak).
    window = 2.0
    warm = [kib for t, kib in samples if args.warmup <= t <= args.warmup + window]
    end = [kib for t, kib in samples if t >= wall - window]
    after = [kib for t, kib in samples if t >= args.warmup] or [samples[-1][1]]
    rss_warm = statistics.median(warm or [samples[0][1]])
    rss_end = statistics.median(end or [samples[-1][1]])
    drift = (rss_end - rss_warm) / rss_warm if rss_warm else 0.0
    latencies = sorted(stats.latencies)

    def pct(q: float) -> float:
        return latencies[min(len(latencies) - 1, int(q * len(latencies)))] if latencies else 0.0

    return {
        "seconds": round(wall, 2),
        "clients": args.clients,
        "load_processes": len(workers),
        "payload": "realistic",
        "prime_seconds": round(prime_seconds, 2),
        "requests": stats.requests,
        "requests_per_second": round(stats.requests / wall, 1),
        "flows": stats.flows,
        "flows_per_second": round(stats.flows / wall, 1),
        "megabytes_per_second": round(stats.bytes / wall / 1e6, 1),
        "latency_seconds": {
            "p50": round(pct(0.5), 3),
            "p95": round(pct(0.95), 3),
            "max": round(latencies[-1], 3) if latencies else 0.0,
            "mean": round(statistics.fmean(latencies), 3) if latencies else 0.0,
        },
        "server_cpu_cores": round(server_cpu, 2),
        "load_generator_cpu_cores": round(load_cpu / wall, 2),
        "host_cpus": os.cpu_count(),
        "errors": errors,
        "first_errors": stats.errors[:5],
        "rss_mib": {
            "after_priming": round(rss_primed / 1024, 1),
            "after_warmup": round(rss_warm / 1024, 1),
            "peak": round(max(kib for _, kib in samples) / 1024, 1),
            "peak_after_warmup": round(max(after) / 1024, 1),
            "end": round(rss_end / 1024, 1),  # median of the last 2 s
        },
        "rss_drift_after_warmup": round(drift, 3),
        "rss_flat": drift <= args.flat_tolerance,
        "rss_samples_mib": [(round(t, 1), round(kib / 1024, 1)) for t, kib in samples],
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=20.0)
    parser.add_argument("--clients", type=int, default=64)
    parser.add_argument(
        "--warmup",
        type=float,
        default=5.0,
        help="seconds of load before the RSS baseline is taken (default 5)",
    )
    parser.add_argument(
        "--flat-tolerance",
        type=float,
        default=0.10,
        help="largest RSS change after warm-up that counts as flat (0.10)",
    )
    parser.add_argument(
        "--procs",
        type=int,
        default=min(4, os.cpu_count() or 1),
        help="load-generator processes sharing the clients (default: up to 4); "
        "one Python process cannot read 64 multi-MB streams fast enough",
    )
    parser.add_argument("--json", type=Path, help="also write the report here")
    args = parser.parse_args()
    if args.seconds > 600 or args.clients > 512:
        parser.error("keep it bounded: at most 600 s and 512 clients")
    plan = variants(load_spec(ROOT / "specs"))
    command = serve_command("--payload", "realistic", "--key", KEY, "--log-level", "warning")
    with relay_process(command) as (proc, base):
        report = run(args, proc.pid, base, plan)
    samples = report.pop("rss_samples_mib")
    if args.json:
        args.json.write_text(json.dumps({**report, "rss_samples_mib": samples}, indent=2) + "\n")
    rss = report["rss_mib"]
    print(
        f"relay load: {report['clients']} clients in {report['load_processes']} processes x "
        f"{report['seconds']} s, realistic payloads"
    )
    print(
        f"  requests      {report['requests']} ({report['requests_per_second']}/s), "
        f"{report['flows']} generations ({report['flows_per_second']}/s), "
        f"{report['megabytes_per_second']} MB/s"
    )
    lat = report["latency_seconds"]
    print(f"  latency       p50 {lat['p50']} s, p95 {lat['p95']} s, max {lat['max']} s")
    print(
        f"  server CPU    {report['server_cpu_cores']} cores busy "
        f"(load generator {report['load_generator_cpu_cores']}; host has {report['host_cpus']})"
    )
    print(f"  errors        {report['errors']}")
    for error in report["first_errors"]:
        print(f"    {error}")
    print(
        f"  RSS (MiB)     after priming {rss['after_priming']}, after {args.warmup:g} s warm-up "
        f"{rss['after_warmup']}, peak {rss['peak']}, end {rss['end']} "
        f"(drift {report['rss_drift_after_warmup']:+.1%}: "
        f"{'flat' if report['rss_flat'] else 'NOT flat'})"
    )
    return 0 if report["errors"] == 0 and report["rss_flat"] else 1


if __name__ == "__main__":
    raise SystemExit(main())
