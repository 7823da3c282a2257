"""Content type: JSON answers say so, for successes, errors and every job poll."""

from __future__ import annotations

from collections.abc import Iterator

from conformance.checks.registry import Finding, check, judged
from conformance.exchange import Exchange, Response
from conformance.plan.case import Case
from conformance.spec.model import Operation


def _judge(case: Case, operation: Operation, response: Response, label: str) -> Finding:
    if response.status < 400:
        expected, where = operation.response.content_type, operation.response.declared_at
    else:
        expected, where = case.provider.envelope.content_type, case.provider.envelope.declared_at
    got = response.media_type
    return judged(
        got == expected,
        f"{label} {response.status} has Content-Type "
        f"{got or '(none)'}" + ("" if got == expected else f", expected {expected}"),
        rule="content-type",
        spec_location=where,
    )


@check("content-type")
def content_type(case: Case, exchange: Exchange) -> Iterator[Finding]:
    assert exchange.response is not None
    yield _judge(case, case.operation, exchange.response, "answer")
    poll = case.poll_operation
    if poll is not None:
        for i, step in enumerate(exchange.polls):
            if step.response is not None:
                yield _judge(case, poll, step.response, f"poll {i + 1}")
