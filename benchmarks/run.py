"""Every benchmark in one run: what the suite costs and what it catches, next to Schemathesis.

    python benchmarks/run.py [--quick] [--out FILE] [--docs]
    python benchmarks/run.py --render-docs [--out FILE]

Measures, in this order and in one process tree, so that all figures come from one run on one
machine:

1. planning: covering requests per operation vs the lower bound (`benchmarks/planning.py`);
2. validation: validating a large Imagen response vs JSON parse + base64 decode of the same
   bytes (`benchmarks/validation.py`);
3. concurrency: wall time vs requests / concurrency x latency, against `conformance serve` in its
   own process (the headline) and in-process (`benchmarks/concurrency.py`);
4. replay: cases replayed per second from cassettes, cassette bytes per case
   (`benchmarks/replay.py`, the cassettes' own benchmark);
5. detection: every fault of the relay, caught or missed by this suite and by Schemathesis with
   the same request budget (`benchmarks/detection.py`).

Prints a table (figure, value, target) and the detection matrix, and writes JSON (default
`benchmarks/results.json`). `--docs` also regenerates the results section of
`docs/benchmarks.md` from that JSON; `--render-docs` does only that, from an existing JSON. Any
benchmark that errors (a measured tool crashing, a missing benchmark, a plan that leaves a
documented value uncovered) makes the run exit 1 without writing JSON: no figure is ever filled
in by hand or by a fallback. `--quick` (smaller budgets, one round, one provider per fault) fits
in five minutes on a 2-core machine.
"""

from __future__ import annotations

import argparse
import datetime
import json
import os
import platform
import subprocess
import sys
import time
import traceback
from collections.abc import Callable
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(HERE))  # the sibling benchmark modules, also when imported by tests

from results_docs import (  # noqa: E402 (needs the path above)
    BEGIN,
    DOCS,
    END,
    HEADLINES,
    TARGETS,
    BenchmarkError,
    print_report,
    render_results,
    summary_rows,
    write_docs,
)

__all__ = ["BEGIN", "DOCS", "END", "BenchmarkError", "render_results", "summary_rows"]

DEFAULT_OUT = HERE / "results.json"

#: Why a fault is visible or not without image semantics (docs; not a measured figure).
NEEDS = {
    "foreign-shape": "response schema",
    "ignore-count": "count images vs the request",
    "ignore-aspect-ratio": "decode pixel size vs the ratio table",
    "ignore-image-size": "decode pixel size vs the tier table",
    "mime-mismatch": "sniff magic bytes vs the declared MIME",
    "truncate-image": "decode the image to its end",
    "no-auth": "send without / with a wrong key",
    "accept-invalid": "send schema-breaking requests",
    "server-error": "send schema-breaking requests",
    "error-envelope": "error Content-Type / body schema",
    "wrong-default": "omit a field, check its documented effect",
    "stuck-job": "poll the job to a terminal state",
}


# -- settings ---------------------------------------------------------------------------------


def settings_for(quick: bool) -> dict[str, Any]:
    """Everything that shapes a run, recorded in the JSON so that it can be repeated."""
    return {
        "quick": quick,
        "validation": {"rounds": 3 if quick else 7},
        "concurrency": {
            "latency": 0.5,
            "concurrency": 16,
            "requests": 208,
            "rounds": 1 if quick else 3,
        },
        "planning": {"max_examples": 0, "triggers": False},
        "startup": {"rounds": 3 if quick else 7, "pairs": 3 if quick else 7},
        "scaling": {"factors": [1, 4, 16], "with_64x": not quick},
        "payload": {"rounds": 1 if quick else 5},
    }


# -- the figures ------------------------------------------------------------------------------


def run_planning(settings: dict[str, Any]) -> dict[str, Any]:
    import planning

    result: dict[str, Any] = planning.measure()
    if result["uncovered_values"]:
        missing = [
            f"{o['provider']}/{o['model']}: {', '.join(o['uncovered'])}"
            for o in result["operations"]
            if o["uncovered"]
        ]
        raise BenchmarkError(f"the covering plan leaves documented values out: {missing}")
    return result


def run_validation(settings: dict[str, Any]) -> dict[str, Any]:
    import validation

    result: dict[str, Any] = validation.measure(settings["validation"]["rounds"])
    return result


def run_concurrency(settings: dict[str, Any]) -> dict[str, Any]:
    import concurrency

    options = settings["concurrency"]
    process: dict[str, Any] = concurrency.measure(relay="process", **options)
    inprocess: dict[str, Any] = concurrency.measure(relay="inprocess", **options)
    return {**process, "inprocess": inprocess}


def run_replay(settings: dict[str, Any]) -> dict[str, Any]:
    if not (HERE / "replay.py").exists():
        raise BenchmarkError(
            "benchmarks/replay.py is missing: the cassettes benchmark (issue 5) has not landed, "
            "so replay_cases_per_s and cassette_bytes_per_case cannot be measured"
        )
    import replay

    measure = getattr(replay, "measure", None)
    if not callable(measure):
        raise BenchmarkError("benchmarks/replay.py has no measure() function")
    result = measure()
    if not isinstance(result, dict):
        raise BenchmarkError(f"benchmarks/replay.py measure() returned {type(result).__name__}")
    for key in ("replay_cases_per_s", "cassette_bytes_per_case"):
        if not isinstance(result.get(key), int | float):
            raise BenchmarkError(f"benchmarks/replay.py measure() gave no number for {key!r}")
    return result


def run_detection(settings: dict[str, Any]) -> dict[str, Any]:
    import detection

    chosen = detection.quick_settings() if settings["quick"] else detection.full_settings()
    settings["detection"] = chosen.as_dict()
    try:
        result: dict[str, Any] = detection.measure(
            chosen, progress=lambda message: print(f"  {message}", flush=True)
        )
    except detection.ToolError as exc:
        raise BenchmarkError(f"a measured tool failed: {exc}") from exc
    return result


def run_startup(settings: dict[str, Any]) -> dict[str, Any]:
    import startup

    result: dict[str, Any] = startup.measure(
        settings["startup"]["rounds"], settings["startup"].get("pairs", 7)
    )
    return result


def run_scaling(settings: dict[str, Any]) -> dict[str, Any]:
    import scaling

    options = settings["scaling"]
    result: dict[str, Any] = scaling.measure(tuple(options["factors"]), options["with_64x"])
    return result


def run_payload(settings: dict[str, Any]) -> dict[str, Any]:
    import payload_overhead

    result: dict[str, Any] = payload_overhead.measure(settings["payload"]["rounds"])
    return result


FIGURES: list[tuple[str, Callable[[dict[str, Any]], dict[str, Any]]]] = [
    ("startup", run_startup),
    ("planning", run_planning),
    ("validation", run_validation),
    ("concurrency", run_concurrency),
    ("replay", run_replay),
    ("payload", run_payload),
    ("scaling", run_scaling),
    ("detection", run_detection),
]


# -- the run ----------------------------------------------------------------------------------


def machine() -> dict[str, Any]:
    """The machine the figures were taken on (and how busy it was when the run started)."""
    info: dict[str, Any] = {
        "cpu_count": os.cpu_count(),
        "platform": platform.platform(),
        "python": platform.python_version(),
        "implementation": platform.python_implementation(),
    }
    cpuinfo = Path("/proc/cpuinfo")
    if cpuinfo.exists():
        models = [
            line.split(":", 1)[1].strip()
            for line in cpuinfo.read_text().splitlines()
            if line.startswith("model name")
        ]
        if models:
            info["cpu_model"] = models[0]
    meminfo = Path("/proc/meminfo")
    if meminfo.exists():
        for line in meminfo.read_text().splitlines():
            if line.startswith("MemTotal:"):
                info["memory_gib"] = round(int(line.split()[1]) / 1024 / 1024, 1)
    if hasattr(os, "getloadavg"):
        info["load_average_at_start"] = [round(x, 2) for x in os.getloadavg()]
    return info


def versions() -> dict[str, str]:
    from importlib.metadata import PackageNotFoundError, version

    out = {}
    for package in ("imagegen-conformance", "schemathesis", "hypothesis", "httpx", "jsonschema"):
        try:
            out[package] = version(package)
        except PackageNotFoundError:
            out[package] = "not installed"
    return out


def git_revision() -> str:
    try:
        head = subprocess.run(
            ["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, capture_output=True, text=True
        ).stdout.strip()
        dirty = subprocess.run(
            ["git", "status", "--porcelain", "--untracked-files=no"],
            cwd=ROOT,
            capture_output=True,
            text=True,
        ).stdout.strip()
    except OSError:
        return "unknown"
    return f"{head}{' (uncommitted changes)' if dirty else ''}" if head else "unknown"


def collect(
    settings: dict[str, Any],
    figures: list[tuple[str, Callable[[dict[str, Any]], dict[str, Any]]]] | None = None,
    say: Callable[[str], None] = print,
) -> tuple[dict[str, Any], dict[str, str]]:
    """Run every figure; (results, errors by figure). Results hold only what was measured."""
    started = time.perf_counter()
    measured: dict[str, dict[str, Any]] = {}
    errors: dict[str, str] = {}
    wall: dict[str, float] = {}
    for name, run in figures or FIGURES:
        say(f"== {name}")
        t0 = time.perf_counter()
        try:
            measured[name] = run(settings)
        except Exception as exc:
            errors[name] = f"{type(exc).__name__}: {exc}"
            if not isinstance(exc, BenchmarkError):
                errors[name] += "\n" + traceback.format_exc(limit=6)
            say(f"   {name} FAILED: {errors[name].splitlines()[0]}")
        wall[name] = round(time.perf_counter() - t0, 2)
    wall["total"] = round(time.perf_counter() - started, 2)
    return assemble(settings, measured, wall), errors


def assemble(
    settings: dict[str, Any], measured: dict[str, dict[str, Any]], wall: dict[str, float]
) -> dict[str, Any]:
    """The results document: the headline keys first, then every figure's full data."""
    results: dict[str, Any] = {}
    if "validation" in measured:
        results["validation_ratio"] = measured["validation"]["validation_ratio"]
    if "concurrency" in measured:
        results["concurrency_ratio"] = measured["concurrency"]["concurrency_ratio"]
    if "planning" in measured:
        results["planning_ratio"] = measured["planning"]["planning_ratio"]
    if "replay" in measured:
        results["replay_cases_per_s"] = measured["replay"]["replay_cases_per_s"]
        results["cassette_bytes_per_case"] = measured["replay"]["cassette_bytes_per_case"]
    for figure, keys in HEADLINES.items():
        for key in keys:
            if figure in measured and key in measured[figure]:
                results[key] = measured[figure][key]
    if "detection" in measured:
        results["detection"] = measured["detection"]["detection"]
    detection_tools = measured.get("detection", {}).get("tool_seconds", {})
    results["wall_times"] = {
        **wall,
        **{f"detection_{tool}": s for tool, s in detection_tools.items()},
    }
    results["date"] = datetime.date.today().isoformat()
    results["machine"] = machine()
    results["versions"] = versions()
    results["git"] = git_revision()
    results["settings"] = settings
    results["targets"] = {key: target for key, (target, _) in TARGETS.items()}
    results["figures"] = measured
    return results


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="small budgets (under 5 min)")
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT, help="JSON results file")
    parser.add_argument(
        "--docs", action="store_true", help="also regenerate docs/benchmarks.md's results"
    )
    parser.add_argument(
        "--render-docs",
        action="store_true",
        help="measure nothing: regenerate docs/benchmarks.md's results from --out",
    )
    args = parser.parse_args(argv)
    if args.render_docs:
        write_docs(json.loads(args.out.read_text(encoding="utf-8")))
        print(f"wrote the results section of {DOCS.relative_to(ROOT)} from {args.out}")
        return 0
    settings = settings_for(args.quick)
    results, errors = collect(settings, say=lambda message: print(message, flush=True))
    print_report(results)
    if errors:
        print("\nbenchmarks that failed (nothing written):", file=sys.stderr)
        for name, error in errors.items():
            print(f"  {name}: {error}", file=sys.stderr)
        return 1
    args.out.write_text(json.dumps(results, indent=2) + "\n", encoding="utf-8")
    print(f"wrote {args.out}")
    if args.docs:
        write_docs(results)
        print(f"wrote the results section of {DOCS.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
