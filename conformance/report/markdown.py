"""`--markdown FILE`: a provider x model x check matrix for a CI job summary.

Every cell says what it counts: `✅ 12` is twelve cases that check judged, all passing; `❌ 2/12`
is two of them failing; `⚠️ 1/12` one with no answer. Blocked (content policy) and skipped
(budget, lifecycle) cases are neither passes nor failures: they have their own columns and
never colour a check's cell, so a row where nothing failed reads green.
"""

from __future__ import annotations

from collections import Counter
from pathlib import Path
from typing import Any

from conformance.report.junit import render_finding
from conformance.report.model import Report

SYMBOL = {"pass": "✅", "fail": "❌", "blocked": "🚫", "error": "⚠️", "skipped": "⏭️"}
JUDGED = ("pass", "fail", "error")


def cell(counts: Counter[str], *, symbols: bool = True) -> str:
    """One check's cell from {outcome: cases}: which outcome, and out of how many judged
    (`symbols=False` spells the outcome out, for pages whose fonts may lack emoji)."""
    judged = sum(counts[o] for o in JUDGED)
    if not judged:
        return "·"
    if counts["fail"]:
        return (
            f"{SYMBOL['fail']} {counts['fail']}/{judged}"
            if symbols
            else (f"{counts['fail']}/{judged} failed")
        )
    if counts["error"]:
        return (
            f"{SYMBOL['error']} {counts['error']}/{judged}"
            if symbols
            else (f"{counts['error']}/{judged} no answer")
        )
    return f"{SYMBOL['pass']} {judged}" if symbols else f"{judged} passed"


def matrix(report: Report) -> dict[tuple[str, str], dict[str, Counter[str]]]:
    """provider x model -> check -> cases by that check's worst outcome on each case
    (plus the row's case outcomes under the key "")."""
    out: dict[tuple[str, str], dict[str, Counter[str]]] = {}
    rank = {o: i for i, o in enumerate(("fail", "error", "blocked", "skipped", "pass"))}
    for case in report["cases"]:
        row = out.setdefault((case["provider"], case["model"]), {})
        row.setdefault("", Counter())[case["outcome"]] += 1
        worst: dict[str, str] = {}
        for f in case["findings"]:
            now = worst.get(f["check"])
            if now is None or rank[f["outcome"]] < rank[now]:
                worst[f["check"]] = f["outcome"]
        for check, outcome in worst.items():
            row.setdefault(check, Counter())[outcome] += 1
    return out


def _verdict(outcomes: Counter[str]) -> str:
    if outcomes["fail"]:
        return SYMBOL["fail"]
    if outcomes["error"]:
        return SYMBOL["error"]
    return SYMBOL["pass"]


def to_markdown(report: Report, *, max_failures: int = 30) -> str:
    rows = matrix(report)
    checks: list[str] = [c for c in report["checks"] if any(c in row for row in rows.values())]
    counts = report["counts"]
    verdict = "FAILED" if report["failed"] else "passed"
    lines = [
        f"## Conformance {verdict}: {report['target']}",
        "",
        ", ".join(f"{n} {o}" for o, n in counts.items())
        + f" — {len(report['cases'])} cases, {report['requests_sent']} requests,"
        + f" {report['wall_seconds']:.1f} s",
        "",
        "| provider | model | verdict | cases | " + " | ".join(checks) + " | blocked | skipped |",
        "|---|---|---|---|" + "---|" * (len(checks) + 2),
    ]
    ordered = sorted(rows.items(), key=lambda kv: kv[1][""]["fail"] == 0)
    for (provider, model), row in ordered:
        outcomes = row[""]
        cells = [cell(row.get(c, Counter())) for c in checks]
        lines.append(
            f"| {provider} | {model} | {_verdict(outcomes)} | {sum(outcomes.values())} | "
            + " | ".join(cells)
            + f" | {outcomes['blocked'] or '·'} | {outcomes['skipped'] or '·'} |"
        )
    lines += [
        "",
        "Cells count cases: ✅ N = N cases the check judged, all passed; ❌ F/N = F of them "
        "failed; ⚠️ E/N = E had no answer (transport error); · = not applicable. Blocked "
        "(content policy) and skipped (budget, lifecycle) cases have their own columns and are "
        "not failures.",
    ]
    failures: list[tuple[dict[str, Any], dict[str, Any]]] = [
        (c, f) for c in report["cases"] for f in c["findings"] if f["outcome"] == "fail"
    ]
    if failures:
        lines += ["", "### Failures", ""]
        for case, finding in failures[:max_failures]:
            lines.append(f"- `{case['id']}` — {render_finding(finding)}")
        if len(failures) > max_failures:
            lines.append(f"- … and {len(failures) - max_failures} more (see the JSON report)")
    return "\n".join(lines) + "\n"


def write_markdown(report: Report, path: Path) -> None:
    path.write_text(to_markdown(report), encoding="utf-8")
