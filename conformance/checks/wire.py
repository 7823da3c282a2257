"""Wire forms: what only a wire-level mistake's answer must carry beyond status and envelope.

A method the path does not serve, answered 405, names the methods it does serve in `Allow`
(RFC 9110 §15.5.6) when the provider documents the 405; the answer must then list the method
the operation documents. Status, content type and envelope are the shared checks' business.
"""

from __future__ import annotations

from collections.abc import Iterator

from conformance.checks.registry import Finding, check, judged
from conformance.exchange import Exchange
from conformance.plan.case import Case
from conformance.plan.wire_negative import form_for


@check("wire")
def wire(case: Case, exchange: Exchange) -> Iterator[Finding]:
    response = exchange.response
    assert response is not None
    if not case.id.endswith("/wire/wrong-method") or response.status != 405:
        return
    form = form_for(case.operation, "wrong-method")
    if form is None or not form.allow:
        return
    allow = dict((k.lower(), v) for k, v in response.headers).get("allow")
    methods = {m.strip().upper() for m in (allow or "").split(",") if m.strip()}
    yield judged(
        case.operation.method in methods,
        f"405 to {case.request.method} has Allow: {allow!r}"
        + (
            ""
            if case.operation.method in methods
            else f", expected it to list {case.operation.method}"
        ),
        rule="allow",
        spec_location=form.declared_at,
    )
