"""The report of a run as one JSON-ready structure that every renderer reads.

A live run (`from_run`) and a loaded JSON report (`load_report`, or `merge` of shards' reports)
produce the same structure, so HTML, JUnit and Markdown can be rendered from a JSON report
alone: the JSON report *is* this structure, and `schemas/report.schema.json` is its contract.
Each case carries its request, the answer (status, headers, body with image payloads elided),
every finding in full, the measured images, a curl command and its timings and retries.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator, Mapping
from typing import Any

from conformance.checks.registry import OUTCOMES
from conformance.exchange import Exchange
from conformance.images.thumbnail import ImageSummary
from conformance.plan.case import Case
from conformance.plan.planner import ALL_CHECKS
from conformance.report.bodies import slim_body
from conformance.runner.results import CaseResult, RunResult
from conformance.transport.redaction import to_curl

FORMAT = "imagegen-conformance-report/1"
#: Keys whose values are wall-clock measurements (what two runs of one plan may differ in).
TIMING_KEYS = frozenset({"wall_seconds", "elapsed", "wait"})

Report = dict[str, Any]


def asked(case: Case) -> dict[str, Any]:
    """What the case asked for, in the terms the images are measured in."""
    expect = case.expect
    entry = case.model.pixel_size(expect.ratio or "", expect.tier or "")
    return {
        "images": expect.images if expect.status_class == "2xx" else None,
        "ratio": expect.ratio,
        "tier": expect.tier,
        "mime": expect.mime,
        "size": str(entry.size) if entry is not None else None,
        "size_enforced": entry is not None and entry.enforcement == "enforced",
    }


def _response(exchange: Exchange, images: Mapping[str, int]) -> dict[str, Any] | None:
    response = exchange.response
    if response is None:
        return None
    return {
        "status": response.status,
        "headers": [list(h) for h in response.headers],
        "media_type": response.media_type,
        "elapsed": round(response.elapsed, 4),
        **slim_body(response, images),
    }


def _exchange(exchange: Exchange, images: tuple[ImageSummary, ...], job: bool) -> dict[str, Any]:
    marked = {i.pointer: n for n, i in enumerate(images) if i.encoding == "b64"}
    final = exchange.polls[-1] if exchange.polls else None
    return {
        "url": exchange.url,
        "error": exchange.error,
        "elapsed": round(exchange.elapsed, 4),
        "requests_sent": exchange.requests_sent,
        "retries": [
            {"status": r.status, "wait": r.wait, "retry_after": r.retry_after}
            for r in exchange.retries
        ],
        "response": _response(exchange, {} if job else marked),
        "polls": [
            {
                "url": p.url,
                "status": p.response.status if p.response else None,
                "error": p.error,
                "elapsed": round(p.elapsed, 4),
            }
            for p in exchange.polls
        ],
        "final_poll": _response(final, marked) if final is not None and job else None,
        "fetches": [
            {
                "url": f.url,
                "status": f.response.status if f.response else None,
                "error": f.error,
                "bytes": f.response.size if f.response else None,
                "elapsed": round(f.elapsed, 4),
            }
            for f in exchange.fetches
        ],
        "job_terminal": exchange.job_terminal,
        "notes": list(exchange.notes),
    }


def _image(summary: ImageSummary, result: CaseResult, want: dict[str, Any]) -> dict[str, Any]:
    own = [
        f.render()
        for f in result.findings
        if f.outcome == "fail" and f.pointer and f.pointer == summary.pointer
    ]
    if want["size"] and summary.size and summary.size != want["size"] and want["size_enforced"]:
        note = f"measured {summary.size}, the table says {want['size']}"
        if not any(summary.size in line for line in own):
            own.append(note)
    return {**summary.as_dict(), "size": summary.size, "mismatches": own}


def case_entry(result: CaseResult, index: int, base_urls: Mapping[str, str]) -> dict[str, Any]:
    case = result.case
    want = asked(case)
    exchange = result.exchange
    response = exchange.response if exchange is not None else None
    return {
        "index": index,
        **case.as_dict(),
        "outcome": result.outcome,
        # at a glance (the full record is under "exchange")
        "status": response.status if response is not None else None,
        "url": exchange.url if exchange is not None else None,
        "polls": len(exchange.polls) if exchange is not None else 0,
        "elapsed": round(exchange.elapsed, 4) if exchange is not None else None,
        "asked": want,
        "curl": to_curl(
            case.request, base_urls.get(case.provider.id, ""), case.provider.auth.key_env
        ),
        "exchange": (
            _exchange(exchange, result.images, case.poll_operation is not None)
            if exchange is not None
            else None
        ),
        "images": [_image(i, result, want) for i in result.images],
        "findings": [f.as_dict() for f in result.findings],
    }


def checks_of(cases: list[dict[str, Any]]) -> list[str]:
    """The checks any case ran, in the planner's order (the matrix's columns)."""
    ran = {c for case in cases for c in case["checks"]}
    # Checks the planner does not assign (a sandwich run's forward-*) follow, by name.
    return [c for c in ALL_CHECKS if c in ran] + sorted(ran - set(ALL_CHECKS))


def totals(cases: list[dict[str, Any]]) -> dict[str, Any]:
    """The figures a report derives from its cases (recomputed when shards are merged)."""
    counts = Counter(c["outcome"] for c in cases)
    exchanges = [c["exchange"] for c in cases if c["exchange"] is not None]
    return {
        "requests_sent": sum(e["requests_sent"] for e in exchanges),
        "retries": sum(len(e["retries"]) for e in exchanges),
        "counts": {o: counts.get(o, 0) for o in OUTCOMES},
        "failed": counts.get("fail", 0) > 0,
    }


def from_run(
    run: RunResult,
    base_urls: Mapping[str, str] | None = None,
    *,
    shard: tuple[int, int] | None = None,
    plan_cases: int | None = None,
    indices: Mapping[str, int] | None = None,
) -> Report:
    """The report of a live run. A shard's run passes its place (K, N), the full plan's size
    and each case's index in the full plan, so that merged shards order like one run."""
    cases = list(case_entries(run, base_urls, indices))
    return assemble(run, cases, cases, shard=shard, plan_cases=plan_cases)


def case_entries(
    run: RunResult,
    base_urls: Mapping[str, str] | None = None,
    indices: Mapping[str, int] | None = None,
) -> Iterator[dict[str, Any]]:
    """Each case's entry of the report, in run order, built one at a time."""
    urls = base_urls or {}
    position = indices or {r.case.id: i for i, r in enumerate(run.results)}
    for result in run.results:
        yield case_entry(result, position[result.case.id], urls)


def assemble(
    run: RunResult,
    summaries: list[dict[str, Any]],
    cases: list[dict[str, Any]],
    *,
    shard: tuple[int, int] | None = None,
    plan_cases: int | None = None,
) -> Report:
    """The report around `cases`, its totals and checks taken from `summaries`: the case
    entries themselves, or (`json_stream`) just the keys `totals` and `checks_of` read."""
    return {
        "format": FORMAT,
        "target": run.target,
        "wall_seconds": round(run.wall, 3),
        **totals(summaries),
        "shard": (
            {"index": shard[0], "count": shard[1], "plan_cases": plan_cases or len(summaries)}
            if shard
            else None
        ),
        "checks": checks_of(summaries),
        "notes": sorted(set(run.notes)),
        "coverage": [
            {
                "provider": c.provider,
                "model": c.model,
                "operation": c.operation,
                "positive": c.positive,
                "lower_bound": c.lower_bound,
                "advisory": c.advisory,
                "unplanned": [
                    {"parameter": u.parameter, "rule": u.rule, "reason": u.reason}
                    for u in c.unplanned
                ],
            }
            for c in run.plan.coverage
        ],
        "cases": cases,
    }


def without_timings(value: Any) -> Any:
    """`value` with every timing dropped: what equal runs of one plan agree on."""
    if isinstance(value, dict):
        return {k: without_timings(v) for k, v in value.items() if k not in TIMING_KEYS}
    if isinstance(value, list):
        return [without_timings(v) for v in value]
    return value
