"""Auth enforced: no key and a wrong key are refused with the documented status, and the key
is accepted in every header form (or query parameter) the provider documents."""

from __future__ import annotations

from collections.abc import Iterator

from conformance.checks.registry import Finding, check, judged
from conformance.exchange import Exchange
from conformance.plan.case import Case


@check("auth")
def auth_enforced(case: Case, exchange: Exchange) -> Iterator[Finding]:
    response = exchange.response
    assert response is not None
    slot = case.request.auth
    where = case.provider.declared_at
    code = response.status
    if slot.mode == "valid":
        yield judged(
            code < 400 or code not in (401, 403),
            f"{slot.label()} answered {code}",
            rule="accepted-scheme",
            spec_location=where,
        )
        return
    rejection = case.provider.auth.missing if slot.mode == "missing" else case.provider.auth.wrong
    ok = code in rejection.status
    expected = "/".join(map(str, rejection.status))
    message = f"{slot.label()} answered {code}" + ("" if ok else f", expected {expected}")
    if 200 <= code < 300:
        message = f"{slot.label()} was accepted ({code}): auth is not enforced"
    yield judged(ok, message, rule=f"{slot.mode}-key", spec_location=where)
