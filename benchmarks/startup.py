"""Start-up and first-run costs, end to end from the CLI.

- `help_seconds`: `conformance --help` (median of rounds); `lint_seconds`: `conformance lint`.
- `first_run_penalty_seconds`: a fresh checkout's first `conformance run` minus its second, run
  in a new empty directory with a new image cache and a new hypothesis directory (so no encoded
  images and no charmap or constants cache): what a fresh CI job pays.
  `first_run_penalty_checkout_seconds` keeps both warm: a new checkout on a machine that already
  ran the suite. Each is the median over `pairs` such pairs (7 by default), the two kinds taken
  in turn: one run here varies by about +-0.15 s, so the difference of two single runs is mostly
  that noise (three pairs once gave -0.29, +0.42 and +0.26 s by hand), and the warm variant,
  which should be about zero, shows how much of the figure is noise.
- `default_run_seconds` / `default_run_peak_rss_mb` / `default_run_cpu_seconds`: the warm run.

    python benchmarks/startup.py [--rounds 5] [--pairs 7] [--json FILE]
"""

from __future__ import annotations

import argparse
import json
import tempfile
from pathlib import Path
from typing import Any

from processes import ROOT, Timed, conformance, median_of, timed

_CACHE = "CONFORMANCE_IMAGE_CACHE"
_HYPOTHESIS = "HYPOTHESIS_STORAGE_DIRECTORY"  # the CLI defaults it to the machine's temp dir


def _first_and_second(caches: Path, workdir: Path) -> tuple[Timed, Timed]:
    """Two runs in `workdir` with the image cache and hypothesis' directory under `caches`."""
    command = conformance("--specs", str(ROOT / "specs"), "run")
    env = {_CACHE: str(caches / "images"), _HYPOTHESIS: str(caches / "hypothesis")}
    workdir.mkdir(parents=True, exist_ok=True)
    return timed(command, cwd=workdir, env=env), timed(command, cwd=workdir, env=env)


def measure(rounds: int = 5, pairs: int = 7) -> dict[str, Any]:
    help_run, help_runs = median_of(rounds, lambda: timed(conformance("--help")))
    lint_run, lint_runs = median_of(rounds, lambda: timed(conformance("lint")))
    penalties: list[float] = []
    checkout_penalties: list[float] = []
    warm: list[Timed] = []
    with tempfile.TemporaryDirectory(prefix="bench-first-run-") as tmp:
        shared_cache = Path(tmp) / "machine-caches"
        _first_and_second(shared_cache, Path(tmp) / "fill")  # a machine that ran the suite
        for i in range(max(1, pairs)):
            first, second = _first_and_second(Path(tmp) / f"caches-{i}", Path(tmp) / f"c{i}")
            penalties.append(first.wall - second.wall)
            first, second = _first_and_second(shared_cache, Path(tmp) / f"w{i}")
            checkout_penalties.append(first.wall - second.wall)
            warm.append(second)
    warm.sort(key=lambda r: r.wall)
    typical = warm[len(warm) // 2]
    return {
        "help_seconds": round(help_run.wall, 3),
        "help_cpu_seconds": round(help_run.cpu, 3),
        "lint_seconds": round(lint_run.wall, 3),
        "lint_cpu_seconds": round(lint_run.cpu, 3),
        "help_rounds": [round(r.wall, 3) for r in help_runs],
        "lint_rounds": [round(r.wall, 3) for r in lint_runs],
        "first_run_penalty_seconds": round(sorted(penalties)[len(penalties) // 2], 3),
        "first_run_penalty_rounds": [round(p, 3) for p in penalties],
        "first_run_penalty_checkout_seconds": round(
            sorted(checkout_penalties)[len(checkout_penalties) // 2], 3
        ),
        "first_run_penalty_checkout_rounds": [round(p, 3) for p in checkout_penalties],
        "default_run_seconds": round(typical.wall, 3),
        "default_run_cpu_seconds": round(typical.cpu, 3),
        "default_run_peak_rss_mb": round(max(r.rss_mb for r in warm), 1),
        "rounds": rounds,
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--pairs", type=int, default=7, help="first/second pairs per variant")
    parser.add_argument("--json", type=Path, help="also write the figures as JSON")
    args = parser.parse_args()
    result = measure(args.rounds, args.pairs)
    for key, value in result.items():
        print(f"{key}: {value}")
    if args.json:
        args.json.write_text(json.dumps(result, indent=2) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
