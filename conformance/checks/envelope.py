"""Error envelope: every 4xx/5xx body is JSON in the provider's documented error shape, and
agrees with itself (numeric code = HTTP status, a canonical status word)."""

from __future__ import annotations

from collections.abc import Iterator

from conformance.checks.errors import envelope_consistency
from conformance.checks.registry import Finding, check, failed, passed
from conformance.exchange import Exchange
from conformance.plan.case import Case
from conformance.schema.validate import validator_for


@check("error-envelope")
def error_envelope(case: Case, exchange: Exchange) -> Iterator[Finding]:
    response = exchange.response
    assert response is not None
    if response.status < 400:
        return
    envelope = case.provider.envelope
    where = envelope.declared_at
    ok, body = response.parsed
    if not ok:
        yield failed(
            f"error body is not JSON ({response.media_type or 'no content type'}): "
            f"{response.text(120)!r}; expected the {envelope.id} envelope",
            rule="envelope",
            spec_location=where,
        )
        return
    validator = validator_for(case.provider, case.model, case.operation, "error")
    assert validator is not None
    violations = validator.violations(body)
    if violations:
        first = violations[0]
        yield failed(
            f"error body is not the {envelope.id} envelope: {first.message}"
            + (f" (+{len(violations) - 1} more)" if len(violations) > 1 else ""),
            pointer=first.pointer,
            rule=first.rule,
            spec_location=where,
        )
    else:
        yield passed(
            f"{response.status} in the {envelope.id} envelope", rule="envelope", spec_location=where
        )
    yield from envelope_consistency(envelope, response.status, body)
