"""Response schema and native shape: a success answer matches the operation's own schema, and
when it has another protocol's shape (OpenAI `data[]` on `:predict`...) the finding names it."""

from __future__ import annotations

from collections.abc import Iterator

from conformance.checks.registry import Finding, check, failed, passed
from conformance.exchange import Exchange, Response
from conformance.plan.case import Case
from conformance.schema.validate import foreign_shape, validator_for
from conformance.spec.model import Operation


def _judge(case: Case, operation: Operation, response: Response, label: str) -> Finding:
    where = operation.response.declared_at
    ok, body = response.parsed
    if not ok:
        return failed(
            f"{label} is not JSON: {response.text(120)!r}", rule="json", spec_location=where
        )
    shape = foreign_shape(operation, body)
    if shape is not None:
        return failed(
            f"{label} has the foreign shape {shape}, not {operation.family}",
            rule="foreign-shape",
            spec_location=where,
        )
    validator = validator_for(case.provider, case.model, operation, "response")
    assert validator is not None
    violations = validator.violations(body)
    if violations:
        first = violations[0]
        more = f" (+{len(violations) - 1} more)" if len(violations) > 1 else ""
        return failed(
            f"{label} breaks the {operation.family} response schema: {first.message}{more}",
            pointer=first.pointer,
            rule=first.rule,
            spec_location=where,
        )
    return passed(
        f"{label} matches the {operation.family} response schema",
        rule="schema",
        spec_location=where,
    )


@check("response-schema")
def response_schema(case: Case, exchange: Exchange) -> Iterator[Finding]:
    response = exchange.response
    assert response is not None
    if not 200 <= response.status < 300:
        return
    yield _judge(case, case.operation, response, "answer")
    poll = case.poll_operation
    if poll is not None:
        for i, step in enumerate(exchange.polls):
            if step.response is not None and 200 <= step.response.status < 300:
                yield _judge(case, poll, step.response, f"poll {i + 1}")
