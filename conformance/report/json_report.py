"""`--json FILE`: every case, its request (never the key), outcome and findings."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from conformance.runner.results import RunResult


def to_dict(run: RunResult) -> dict[str, Any]:
    cases = []
    for result in run.results:
        exchange = result.exchange
        cases.append(
            {
                **result.case.as_dict(),
                "outcome": result.outcome,
                "status": exchange.response.status if exchange and exchange.response else None,
                "url": exchange.url if exchange else None,
                "retries": [
                    {"status": r.status, "wait": r.wait, "retry_after": r.retry_after}
                    for r in exchange.retries
                ]
                if exchange
                else [],
                "polls": len(exchange.polls) if exchange else 0,
                "elapsed": round(exchange.elapsed, 4) if exchange else None,
                "findings": [f.as_dict() for f in result.findings],
            }
        )
    return {
        "target": run.target,
        "wall_seconds": round(run.wall, 3),
        "requests_sent": run.requests_sent,
        "retries": run.retries,
        "counts": dict(run.counts()),
        "failed": run.failed,
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


def write_json(run: RunResult, path: Path) -> None:
    path.write_text(json.dumps(to_dict(run), indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
