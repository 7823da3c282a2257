"""Error envelope: every 4xx/5xx body is JSON in the provider's documented error shape, and
agrees with itself (numeric code = HTTP status, a canonical status word).

Every error answer is judged, whatever the case expected: an invalid request's 400, an auth
case's 401, a positive case's unexpected 5xx (its status check fails too, but a gateway's 500
that is not even the provider's envelope is a finding of its own), and every job poll's error.
"""

from __future__ import annotations

from collections.abc import Iterator

from conformance.checks.errors import envelope_consistency
from conformance.checks.registry import Finding, check, failed, passed
from conformance.exchange import Exchange, Response
from conformance.plan.case import Case
from conformance.schema.validate import validator_for
from conformance.spec.model import Operation


def _judge(case: Case, operation: Operation, response: Response, label: str) -> Iterator[Finding]:
    if response.status < 400:
        return
    envelope = case.provider.envelope
    where = envelope.declared_at
    ok, body = response.parsed
    if not ok:
        yield failed(
            f"{label}error body is not JSON ({response.media_type or 'no content type'}): "
            f"{response.text(120)!r}; expected the {envelope.id} envelope",
            rule="envelope",
            spec_location=where,
        )
        return
    validator = validator_for(case.provider, case.model, operation, "error")
    assert validator is not None
    violations = validator.violations(body)
    if violations:
        first = violations[0]
        yield failed(
            f"{label}error body is not the {envelope.id} envelope: {first.message}"
            + (f" (+{len(violations) - 1} more)" if len(violations) > 1 else ""),
            pointer=first.pointer,
            rule=first.rule,
            spec_location=where,
        )
    else:
        yield passed(
            f"{label}{response.status} in the {envelope.id} envelope",
            rule="envelope",
            spec_location=where,
        )
    yield from envelope_consistency(envelope, response.status, body)


@check("error-envelope")
def error_envelope(case: Case, exchange: Exchange) -> Iterator[Finding]:
    assert exchange.response is not None
    yield from _judge(case, case.operation, exchange.response, "")
    poll = case.poll_operation
    if poll is not None:
        for i, step in enumerate(exchange.polls):
            if step.response is not None:
                yield from _judge(case, poll, step.response, f"poll {i + 1}: ")
