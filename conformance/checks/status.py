"""Status class: valid requests get 2xx, invalid ones 4xx, and nothing ever gets 5xx."""

from __future__ import annotations

from collections.abc import Iterator

from conformance.checks.registry import Finding, check, failed, judged, passed
from conformance.exchange import Exchange
from conformance.plan.case import Case
from conformance.schema.validate import RULE_FIELD
from conformance.spec.diagnostics import Location


def declared_at(case: Case) -> Location:
    """The spec line behind the case's expected status."""
    target = case.expect.violation
    if target is not None:
        param = case.operation.parameter(target.parameter)
        if param is not None:
            return param.rule_location(RULE_FIELD.get(target.rule, target.rule))
    if case.kind == "auth":
        return case.provider.declared_at
    return case.operation.declared_at


@check("status")
def status_class(case: Case, exchange: Exchange) -> Iterator[Finding]:
    assert exchange.response is not None
    code = exchange.response.status
    where = declared_at(case)
    expect = case.expect
    if code == 429:
        yield Finding(
            "",
            "error",
            f"rate limited (429) after {len(exchange.retries)} retries",
            rule="status",
            spec_location=where,
        )
        return
    if code >= 500:
        yield failed(
            f"answered {code}: a 5xx is never a valid answer (expected {expect.status_class})",
            rule="status",
            spec_location=where,
        )
        return
    ok_class = code // 100 == int(expect.status_class[0])
    if expect.status_class == "2xx":
        success = case.operation.success_status
        if not ok_class:
            # An advisory limit tolerates the relay refusing the value, never refusing the key:
            # an auth error means nothing about the request was judged.
            refused_key = code in (401, 403)
            yield judged(
                False,
                f"valid request answered {code}, expected {success}"
                + (" (the key was refused)" if refused_key else "")
                + f": {exchange.response.text(160)}",
                advisory=expect.is_advisory("status") and not refused_key,
                rule="status",
                spec_location=where,
            )
        elif code != success:
            yield judged(
                False,
                f"answered {code}, the spec documents {success}",
                advisory=True,
                rule="status",
                spec_location=where,
            )
        else:
            yield passed(f"answered {code}", rule="status", spec_location=where)
        return
    what = (
        f"{expect.violation.rule} at {expect.violation.pointer}"
        if expect.violation
        else f"the {case.id.rsplit('/', 1)[-1]} request"
        if case.kind == "wire"
        else "an unknown model"
        if expect.error is not None and expect.error.mistake == "unknown-model"
        else case.request.auth.label()
    )
    if ok_class:
        allowed = expect.statuses
        if allowed and code not in allowed:
            yield failed(
                f"answered {code} to {what}; the spec says {'/'.join(map(str, allowed))}",
                rule="status",
                spec_location=where,
            )
        else:
            yield passed(f"{what} answered {code}", rule="status", spec_location=where)
    else:
        yield failed(
            f"{what} was accepted with {code}: expected {expect.status_class}",
            rule="status",
            spec_location=where,
        )
