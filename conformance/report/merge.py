"""`conformance report merge`: shards' JSON reports combined into the report of the whole plan.

Each shard's report says which shard it is (K of N), how many cases the full plan has, and each
case's index in it, so the merge can check it has every shard exactly once, of one plan and one
target, and put the cases back in plan order: the merged report is the unsharded run's report
(timings aside: the wall time is the slowest shard's). Problems are error values, not raises.
"""

from __future__ import annotations

from dataclasses import dataclass

from conformance.report.model import FORMAT, Report, checks_of, totals


@dataclass(frozen=True)
class MergeError:
    message: str
    hint: str = "pass every shard's report of one run, each once"

    def __str__(self) -> str:
        return f"{self.message} ({self.hint})"


def merge(reports: list[tuple[str, Report]]) -> Report | MergeError:
    """One report from (name, report) pairs of the shards of one run."""
    if not reports:
        return MergeError("no reports to merge")
    if len(reports) == 1 and reports[0][1]["shard"] is None:
        return reports[0][1]
    unsharded = [name for name, r in reports if r["shard"] is None]
    if unsharded:
        return MergeError(f"{unsharded[0]} is not a shard's report (it was run without --shard)")
    first_name, first = reports[0]
    count = first["shard"]["count"]
    seen: dict[int, str] = {}
    for name, report in reports:
        shard = report["shard"]
        for field, label in (("count", "shard count"), ("plan_cases", "planned case count")):
            if shard[field] != first["shard"][field]:
                return MergeError(
                    f"{name} has {label} {shard[field]}, {first_name} has {first['shard'][field]}"
                )
        for field in ("target", "coverage"):
            if report[field] != first[field]:
                return MergeError(f"{name} and {first_name} differ in {field}: not one run")
        if shard["index"] in seen:
            return MergeError(f"{name} and {seen[shard['index']]} are both shard {shard['index']}")
        seen[shard["index"]] = name
    missing = sorted(set(range(1, count + 1)) - set(seen))
    if missing:
        return MergeError(f"missing shard(s) {', '.join(f'{k}/{count}' for k in missing)}")
    cases = sorted((c for _, r in reports for c in r["cases"]), key=lambda c: c["index"])
    indices = [c["index"] for c in cases]
    if indices != list(range(first["shard"]["plan_cases"])):
        return MergeError("the shards' cases do not add up to the plan (duplicated or missing)")
    return {
        "format": FORMAT,
        "target": first["target"],
        "wall_seconds": max(r["wall_seconds"] for _, r in reports),
        **totals(cases),
        "shard": None,
        "checks": checks_of(cases),
        "notes": sorted({n for _, r in reports for n in r["notes"]}),
        "coverage": first["coverage"],
        "cases": cases,
    }
