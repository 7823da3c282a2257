"""`--markdown FILE`: a provider x model x check matrix for a CI job summary."""

from __future__ import annotations

from pathlib import Path

from conformance.checks.registry import OUTCOMES
from conformance.plan.planner import ALL_CHECKS
from conformance.runner.results import RunResult

SYMBOL = {"pass": "✅", "fail": "❌", "blocked": "🚫", "error": "⚠️", "skipped": "⏭️"}


def to_markdown(run: RunResult, *, max_failures: int = 30) -> str:
    matrix = run.matrix()
    checks = [c for c in ALL_CHECKS if any(c in row for row in matrix.values())]
    verdict = "FAILED" if run.failed else "passed"
    counts = run.counts()
    lines = [
        f"## Conformance {verdict}: {run.target}",
        "",
        ", ".join(f"{counts.get(o, 0)} {o}" for o in OUTCOMES)
        + f" — {len(run.results)} cases, {run.requests_sent} requests, {run.wall:.1f} s",
        "",
        "| provider | model | " + " | ".join(checks) + " |",
        "|---|---|" + "---|" * len(checks),
    ]
    for (provider, model), row in matrix.items():
        cells = [SYMBOL.get(row[c], row[c]) if c in row else "·" for c in checks]
        lines.append(f"| {provider} | {model} | " + " | ".join(cells) + " |")
    lines += [
        "",
        "Legend: " + ", ".join(f"{SYMBOL[o]} {o}" for o in OUTCOMES) + ", · not applicable.",
    ]
    failures = [(r, f) for r in run.results for f in r.failures()]
    if failures:
        lines += ["", "### Failures", ""]
        for result, finding in failures[:max_failures]:
            lines.append(f"- `{result.case.id}` — {finding.render()}")
        if len(failures) > max_failures:
            lines.append(f"- … and {len(failures) - max_failures} more (see the JSON report)")
    return "\n".join(lines) + "\n"


def write_markdown(run: RunResult, path: Path) -> None:
    path.write_text(to_markdown(run), encoding="utf-8")
