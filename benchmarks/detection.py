"""What each tool catches: every fault of the relay, this suite vs Schemathesis, same budget.

For every fault in `conformance.server.FAULTS`, a fresh `conformance serve --fault F` runs on a
free 127.0.0.1 port, and both tools are pointed at the same providers of it:

- this suite: `conformance run --base-url http://127.0.0.1:P/<provider> --provider <provider>
  --max-requests B` (the key in the provider's variable, as against a live service);
- Schemathesis: `schemathesis run` on `conformance openapi --provider <provider>` with
  `--url http://127.0.0.1:P/<provider>`, the provider's auth header, every check it has
  (`--checks all`: server errors, status codes, content types, response schemas, negative data
  rejection, ignored auth, ...) and `--max-examples` chosen so that it sends about as many HTTP
  requests as this suite did against the correct relay.

Requests are counted by the relay itself (a counter wrapped around `conformance serve`'s app, not
either tool's own report), so "the same budget" is checked, not assumed. Both tools first run
against the correct relay (the baseline): this suite must pass there, and whatever Schemathesis
reports there (a real relay imperfection or a false positive) is subtracted from what it reports
under a fault, by failure code. A fault counts as caught when the tool reports at least one
failure beyond its baseline. A tool that crashes, errors or is misused raises `ToolError`: it
never counts as a catch.

    python benchmarks/detection.py [--quick] [--json FILE]
    python benchmarks/detection.py --serve [conformance serve options]   (the counting relay)
"""

from __future__ import annotations

import argparse
import contextlib
import json
import math
import os
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from relay_process import relay_process

ROOT = Path(__file__).resolve().parents[1]
KEY = "test-key"
COUNTER_PATH = "/_bench/requests"

#: provider -> `--max-requests` for this suite. Routescope serves Imagen `:predict` and Gemini
#: `:generateContent`, AI/ML API the OpenAI-style route (URL answers), Apiframe async jobs: every
#: fault is exercisable on at least one of them, and each budget reaches every case kind
#: (positives, defaults, auth, negatives).
FULL_PROVIDERS = {"routescope": 120, "aimlapi": 40, "apiframe": 30, "openrouter": 40}
QUICK_PROVIDERS = {"aimlapi": 40, "apiframe": 30, "openrouter": 40}
#: Images over chat completions exist only on OpenRouter (the `openai-chat-images` family), so
#: the faults of that answer form run there alone; every other fault runs on the three above.
CHAT_FAULT_PROVIDERS = {"drop-chat-images": ("openrouter",)}
FULL_DEFAULT_PROVIDERS = ("routescope", "aimlapi", "apiframe")
#: --quick: one provider per fault, the same for both tools. AI/ML API exercises every fault but
#: two: a stuck job needs a job API, and the size tier a provider that documents one (AI/ML API's
#: Imagen Fast has no size parameter); Apiframe has both.
QUICK_FAULT_PROVIDERS = {
    "stuck-job": ("apiframe",),
    "ignore-image-size": ("apiframe",),
    **CHAT_FAULT_PROVIDERS,
}
QUICK_DEFAULT_PROVIDERS = ("aimlapi",)


class ToolError(RuntimeError):
    """A measured tool failed to run (usage error, crash, incomplete report): not a catch."""


@dataclass(frozen=True)
class Settings:
    providers: dict[str, int]
    #: fault -> the providers it runs against (both tools); faults not listed use `default`.
    fault_providers: dict[str, tuple[str, ...]] = field(default_factory=dict)
    default_providers: tuple[str, ...] | None = None  # None: every provider of `providers`
    seed: int = 0
    #: Job polling for this suite against the relay (which finishes a job after 2 polls): a job
    #: that has not finished after `job_timeout` seconds is reported stuck.
    poll_interval: float = 0.25
    job_timeout: float = 2.0
    concurrency: int = 8
    conformance_max_examples: int = 3
    #: Schemathesis `--max-examples` values tried to fit its request count to the budget.
    calibration: tuple[int, int] = (1, 3)
    timeout: float = 600.0  # per tool run; hitting it is a tool error

    def providers_for(self, fault: str) -> tuple[str, ...]:
        chosen = self.fault_providers.get(fault, self.default_providers or tuple(self.providers))
        return tuple(p for p in chosen if p in self.providers)

    def as_dict(self) -> dict[str, Any]:
        from conformance.server import FAULTS

        return {
            "conformance_max_requests": dict(self.providers),
            "providers_per_fault": {f: list(self.providers_for(f)) for f in FAULTS},
            "seed": self.seed,
            "conformance_concurrency": self.concurrency,
            "conformance_max_examples": self.conformance_max_examples,
            "conformance_poll_interval": self.poll_interval,
            "conformance_job_timeout": self.job_timeout,
            "schemathesis_calibration_max_examples": list(self.calibration),
            "schemathesis_checks": "all",
        }


def quick_settings() -> Settings:
    return Settings(
        QUICK_PROVIDERS,
        fault_providers=dict(QUICK_FAULT_PROVIDERS),
        default_providers=QUICK_DEFAULT_PROVIDERS,
    )


def full_settings() -> Settings:
    return Settings(
        FULL_PROVIDERS,
        fault_providers=dict(CHAT_FAULT_PROVIDERS),
        default_providers=FULL_DEFAULT_PROVIDERS,
    )


@dataclass
class ToolRun:
    """One tool against one provider of one relay."""

    exit_code: int
    seconds: float
    requests: int
    failures: list[str]  # check names (this suite) or failure codes + titles (Schemathesis)
    notes: list[str] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        return {
            "exit_code": self.exit_code,
            "seconds": round(self.seconds, 2),
            "requests": self.requests,
            "failures": self.failures,
            **({"notes": self.notes} if self.notes else {}),
        }


# -- the counting relay ---------------------------------------------------------------------------


def serve_counting(argv: list[str]) -> int:
    """`conformance serve ARGV`, with every HTTP request counted (GET /_bench/requests reads it).

    The relay is the real one, unchanged; only an outer ASGI layer counts what reaches it, so
    both tools are measured by the same counter. Health checks and counter reads are not counted.
    """
    import conformance.server.app as server_app
    from conformance.cli.main import main

    count = [0]

    class Counting:
        def __init__(self, app: Any) -> None:
            self.app = app

        async def __call__(self, scope: Any, receive: Any, send: Any) -> None:
            if scope["type"] == "http":
                if scope["path"] == COUNTER_PATH:
                    body = json.dumps({"requests": count[0]}).encode()
                    headers = [(b"content-type", b"application/json")]
                    await send({"type": "http.response.start", "status": 200, "headers": headers})
                    await send({"type": "http.response.body", "body": body})
                    return
                if scope["path"] != "/_relay/health":
                    count[0] += 1
            await self.app(scope, receive, send)

    original = server_app.create_app

    def create_app(spec: Any, options: Any = None) -> Any:
        app = original(spec, options)
        app.add_middleware(Counting)
        return app

    server_app.create_app = create_app  # type: ignore[assignment]
    return main(["--specs", str(ROOT / "specs"), "serve", *argv])


@dataclass
class Relay:
    base: str
    proc: subprocess.Popen[str]

    def requests(self) -> int:
        import httpx

        answer = httpx.get(self.base + COUNTER_PATH, timeout=10.0)
        answer.raise_for_status()
        value: int = answer.json()["requests"]
        return value


@contextlib.contextmanager
def relay(fault: str | None) -> Iterator[Relay]:
    """A counting `conformance serve [--fault F]` on a free port; always stopped on exit."""
    command = [sys.executable, __file__, "--serve", "--host", "127.0.0.1", "--port", "0"]
    command += ["--key", KEY, "--log-level", "error"]
    if fault is not None:
        command += ["--fault", fault]
    try:
        with relay_process(command) as (proc, base):
            yield Relay(base, proc)
    except RuntimeError as exc:
        raise ToolError(f"{exc} (fault {fault})") from exc


# -- the two tools --------------------------------------------------------------------------------


def _conformance_bin() -> list[str]:
    return [sys.executable, "-m", "conformance.cli.main", "--specs", str(ROOT / "specs")]


def _provider(provider_id: str) -> Any:
    from conformance.spec.resolve import load_spec

    provider = load_spec(ROOT / "specs").provider(provider_id)
    if provider is None:
        raise ToolError(f"unknown provider {provider_id!r}")
    return provider


def _timed(
    command: list[str], cwd: Path, env: dict[str, str], timeout: float
) -> tuple[subprocess.CompletedProcess[str], float]:
    started = time.perf_counter()
    try:
        done = subprocess.run(
            command, cwd=cwd, env=env, capture_output=True, text=True, timeout=timeout
        )
    except subprocess.TimeoutExpired as exc:
        raise ToolError(f"{command[0:3]} did not finish within {timeout:g} s") from exc
    return done, time.perf_counter() - started


def run_conformance(
    server: Relay, provider_id: str, budget: int, settings: Settings, workdir: Path
) -> ToolRun:
    """`conformance run --base-url` against one provider of `server`: exit 0 pass, 1 findings."""
    provider = _provider(provider_id)
    report = workdir / f"conformance-{provider_id}.json"
    command = [
        *_conformance_bin(),
        "run",
        "--base-url",
        f"{server.base}/{provider_id}",
        "--provider",
        provider_id,
        "--max-requests",
        str(budget),
        "--max-examples",
        str(settings.conformance_max_examples),
        "--seed",
        str(settings.seed),
        "--concurrency",
        str(settings.concurrency),
        "--poll-interval",
        f"{settings.poll_interval:g}",
        "--job-timeout",
        f"{settings.job_timeout:g}",
        "--retries",
        "0",
        "--json",
        str(report),
    ]
    env = {**os.environ, provider.auth.key_env: KEY}
    before = server.requests()
    done, seconds = _timed(command, workdir, env, settings.timeout)
    sent = server.requests() - before
    if done.returncode not in (0, 1) or not report.exists():
        raise ToolError(
            f"conformance run ({provider_id}) exited {done.returncode}: "
            f"{(done.stderr or done.stdout)[-1500:]}"
        )
    data = json.loads(report.read_text(encoding="utf-8"))
    failed = sorted(
        {f["check"] for case in data["cases"] for f in case["findings"] if f["outcome"] == "fail"}
    )
    if (done.returncode == 1) != bool(failed):
        raise ToolError(f"conformance run ({provider_id}): exit {done.returncode} vs {failed}")
    notes = []
    errors = data["counts"].get("error", 0)
    if errors:
        notes.append(f"{errors} case(s) got no answer")
    return ToolRun(done.returncode, seconds, sent, failed, notes)


def _auth_header(provider_id: str) -> str:
    scheme = _provider(provider_id).auth.schemes[0]
    if scheme.kind == "bearer":
        return f"{scheme.name}: Bearer {KEY}"
    if scheme.kind == "header":
        return f"{scheme.name}: {KEY}"
    raise ToolError(f"{provider_id}: Schemathesis gets the key as a header; {scheme.kind} is not")


def openapi_file(provider_id: str, workdir: Path) -> Path:
    """`conformance openapi --provider P --out FILE` (the export users would hand Schemathesis)."""
    out = workdir / f"openapi-{provider_id}.json"
    done = subprocess.run(
        [*_conformance_bin(), "openapi", "--provider", provider_id, "--out", str(out)],
        capture_output=True,
        text=True,
        timeout=120,
    )
    if done.returncode != 0:
        raise ToolError(f"conformance openapi --provider {provider_id}: {done.stderr[-1000:]}")
    return out


def schemathesis_version() -> str:
    from importlib.metadata import PackageNotFoundError, version

    try:
        found = version("schemathesis")
    except PackageNotFoundError as exc:
        raise ToolError(
            "Schemathesis is not installed: pip install '.[bench]' (or pip install schemathesis)"
        ) from exc
    if int(found.split(".", 1)[0]) < 4:
        # The options and the JSON report used here are Schemathesis 4's (tested with 4.32.5).
        raise ToolError(
            f"Schemathesis {found} is too old for this benchmark: "
            "pip install -U 'schemathesis>=4.32'"
        )
    return found


def run_schemathesis(
    server: Relay,
    provider_id: str,
    max_examples: int,
    settings: Settings,
    workdir: Path,
    document: Path,
) -> ToolRun:
    """`schemathesis run` on the provider's OpenAPI export against `server`, every check on."""
    schemathesis_version()
    executable = shutil.which("schemathesis", path=str(Path(sys.executable).parent))
    if executable is None:
        raise ToolError("the schemathesis command is not next to this Python")
    report = workdir / f"schemathesis-{provider_id}.json"
    report.unlink(missing_ok=True)
    command = [
        executable,
        "run",
        str(document),
        "--url",
        f"{server.base}/{provider_id}",
        "--header",
        _auth_header(provider_id),
        "--checks",
        "all",
        "--max-examples",
        str(max_examples),
        "--seed",
        str(settings.seed),
        "--generation-database",
        "none",
        "--request-timeout",
        "60",
        "--report",
        "json",
        "--report-json-path",
        str(report),
        "--no-color",
    ]
    before = server.requests()
    done, seconds = _timed(command, workdir, dict(os.environ), settings.timeout)
    sent = server.requests() - before
    if done.returncode not in (0, 1) or not report.exists():
        raise ToolError(
            f"schemathesis ({provider_id}) exited {done.returncode}: "
            f"{(done.stderr or done.stdout)[-1500:]}"
        )
    data = json.loads(report.read_text(encoding="utf-8"))
    if not data.get("complete") or data.get("errors"):
        raise ToolError(
            f"schemathesis ({provider_id}) did not complete cleanly: "
            f"stop_reason={data.get('stop_reason')}, errors={json.dumps(data.get('errors'))[:1500]}"
        )
    failures = sorted({f"{f['code']} {f['title']}" for f in data.get("failures", [])})
    if (done.returncode == 1) != bool(failures):
        raise ToolError(f"schemathesis ({provider_id}): exit {done.returncode} vs {failures}")
    return ToolRun(done.returncode, seconds, sent, failures)


# -- the benchmark --------------------------------------------------------------------------------


def _fit_max_examples(points: list[tuple[int, int]], target: int) -> int:
    """`--max-examples` whose request count lands nearest `target`, by a line through points."""
    (n1, c1), (n2, c2) = points[0], points[-1]
    slope = (c2 - c1) / (n2 - n1) if n2 != n1 else max(c1, 1)
    if slope <= 0:
        return n2
    return max(1, math.floor(n1 + (target - c1) / slope + 0.5))


def measure(settings: Settings, progress: Any = None) -> dict[str, Any]:
    """The detection matrix: fault -> caught by each tool, with evidence, requests and seconds.

    Raises ToolError if a tool errors, or if this suite fails against the correct relay.
    """
    from conformance.server import FAULTS

    say = progress or (lambda message: None)
    version = schemathesis_version()
    started = time.perf_counter()
    with tempfile.TemporaryDirectory(prefix="conformance-detection-") as tmp:
        workdir = Path(tmp)
        documents = {p: openapi_file(p, workdir) for p in settings.providers}
        baseline: dict[str, dict[str, Any]] = {"conformance": {}, "schemathesis": {}}
        max_examples: dict[str, int] = {}
        calibration: dict[str, list[tuple[int, int]]] = {}
        with relay(None) as server:
            for pid, budget in settings.providers.items():
                ours = run_conformance(server, pid, budget, settings, workdir)
                if ours.exit_code != 0:
                    raise ToolError(
                        f"conformance run fails against the correct relay ({pid}): "
                        f"{ours.failures}; detection would be meaningless"
                    )
                baseline["conformance"][pid] = ours.as_dict()
                points = []
                for n in settings.calibration:
                    trial = run_schemathesis(server, pid, n, settings, workdir, documents[pid])
                    points.append((n, trial.requests))
                calibration[pid] = points
                max_examples[pid] = _fit_max_examples(points, ours.requests)
                theirs = run_schemathesis(
                    server, pid, max_examples[pid], settings, workdir, documents[pid]
                )
                baseline["schemathesis"][pid] = theirs.as_dict()
                say(
                    f"baseline {pid}: conformance {ours.requests} requests, schemathesis "
                    f"{theirs.requests} (--max-examples {max_examples[pid]}); schemathesis "
                    f"reports {theirs.failures or 'nothing'} on the correct relay"
                )
        detection: dict[str, dict[str, bool]] = {"conformance": {}, "schemathesis": {}}
        details: dict[str, dict[str, Any]] = {}
        for fault in FAULTS:
            per_tool: dict[str, dict[str, Any]] = {}
            with relay(fault) as server:
                runs: dict[str, dict[str, ToolRun]] = {"conformance": {}, "schemathesis": {}}
                for pid in settings.providers_for(fault):
                    budget = settings.providers[pid]
                    runs["conformance"][pid] = run_conformance(
                        server, pid, budget, settings, workdir
                    )
                    runs["schemathesis"][pid] = run_schemathesis(
                        server, pid, max_examples[pid], settings, workdir, documents[pid]
                    )
            for tool, by_provider in runs.items():
                evidence: dict[str, list[str]] = {}
                for pid, run in by_provider.items():
                    noise = set(baseline[tool][pid]["failures"])
                    new = [f for f in run.failures if f not in noise]
                    if new:
                        evidence[pid] = new
                detection[tool][fault] = bool(evidence)
                per_tool[tool] = {
                    "caught": bool(evidence),
                    "evidence": evidence,
                    "seconds": round(sum(r.seconds for r in by_provider.values()), 2),
                    "requests": sum(r.requests for r in by_provider.values()),
                    "runs": {pid: r.as_dict() for pid, r in by_provider.items()},
                }
            details[fault] = per_tool
            say(
                f"{fault:20} conformance "
                f"{'caught' if detection['conformance'][fault] else 'missed'} "
                f"({per_tool['conformance']['seconds']:.1f} s), schemathesis "
                f"{'caught' if detection['schemathesis'][fault] else 'missed'} "
                f"({per_tool['schemathesis']['seconds']:.1f} s)"
            )
    wall = {
        tool: round(sum(details[f][tool]["seconds"] for f in details), 2)
        for tool in ("conformance", "schemathesis")
    }
    return {
        "detection": detection,
        "caught": {tool: sum(found.values()) for tool, found in detection.items()},
        "faults": list(FAULTS),
        "settings": settings.as_dict(),
        "schemathesis_version": version,
        "schemathesis_max_examples": max_examples,
        "schemathesis_calibration": calibration,
        "baseline": baseline,
        "details": details,
        "tool_seconds": wall,
        "seconds": round(time.perf_counter() - started, 2),
    }


def main() -> int:
    if len(sys.argv) > 1 and sys.argv[1] == "--serve":
        return serve_counting(sys.argv[2:])
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="one provider per fault")
    parser.add_argument("--json", type=Path, help="also write the figures as JSON")
    args = parser.parse_args()
    settings = quick_settings() if args.quick else full_settings()
    try:
        result = measure(settings, progress=lambda message: print(message, flush=True))
    except ToolError as exc:
        print(f"detection: a measured tool failed: {exc}", file=sys.stderr)
        return 1
    for tool, count in result["caught"].items():
        print(f"{tool}: {count}/{len(result['faults'])} faults caught")
    if args.json:
        args.json.write_text(json.dumps(result, indent=2) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
