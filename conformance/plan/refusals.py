"""The refusals every route owes: missing and wrong keys (its job polls too), unknown models.

Each is a case of its own with the provider's documented refusal as its expectation; the same
valid body goes with every key slot, so only the key differs between them.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import replace

from conformance.plan import errors
from conformance.plan.bodies import base_body, expectations
from conformance.plan.builder import (
    ERROR_CHECKS,
    CaseBuilder,
    minimal_count,
    request_for,
    success_checks,
)
from conformance.plan.case import AuthSlot, Expect, Request
from conformance.spec.model import AuthRejection, AuthSpec, Provider


def unknown_model(b: CaseBuilder) -> None:
    """A valid body sent to a model the provider does not serve (path-model routes only)."""
    path = errors.unknown_model_path(b.operation, b.model.id)
    body = base_body(b.model, b.operation)
    if path is None or body is None or errors.documented(b.provider, "unknown-model") is None:
        return
    request = replace(request_for(b.provider, b.operation, body), path=path)
    b.add(
        "negative",
        "negative/model:unknown",
        request,
        Expect(
            "4xx",
            statuses=errors.statuses(b.provider, "unknown-model"),
            error=errors.for_mistake(b.provider, "unknown-model", None),
        ),
        f"a model the provider does not serve ({errors.UNKNOWN_MODEL}) must get 404",
        ERROR_CHECKS,
    )


def refusals(b: CaseBuilder) -> None:
    body = base_body(b.model, b.operation)
    body = minimal_count(b.operation, body) if body is not None else None
    auth = b.provider.auth
    for mode, slot, rejection in _refused_slots(auth):
        b.add(
            "auth",
            f"auth/{mode}",
            request_for(b.provider, b.operation, body, slot),
            _refusal(mode, rejection, b.provider),
            f"{slot.label()}: must get {'/'.join(map(str, rejection.status))}",
            ("auth", *ERROR_CHECKS),
        )
    for scheme in auth.schemes[1:]:  # a wrong key in every other form the provider accepts
        slot = AuthSlot("wrong", scheme.kind, scheme.name)
        b.add(
            "auth",
            f"auth/wrong:{scheme.kind}:{scheme.name}",
            request_for(b.provider, b.operation, body, slot),
            _refusal("wrong", auth.wrong, b.provider),
            f"{slot.label()}: must get {'/'.join(map(str, auth.wrong.status))}",
            ("auth", *ERROR_CHECKS),
        )
    _poll_auth(b)
    for scheme in auth.schemes:
        slot = AuthSlot("valid", scheme.kind, scheme.name)
        expect = expectations(b.model, b.operation, body)
        b.add(
            "auth",
            f"auth/{scheme.kind}:{scheme.name}",
            request_for(b.provider, b.operation, body, slot),
            expect,
            f"key accepted in {scheme.kind} {scheme.name}",
            ("auth", *success_checks(b.operation)),
        )


def _refused_slots(auth: AuthSpec) -> Iterator[tuple[str, AuthSlot, AuthRejection]]:
    """The two keys every route must refuse: none, and a wrong one in the first accepted form."""
    first = auth.schemes[0]
    yield "missing", AuthSlot("missing"), auth.missing
    yield "wrong", AuthSlot("wrong", first.kind, first.name), auth.wrong


def _refusal(mode: str, rejection: AuthRejection, provider: Provider) -> Expect:
    return Expect(
        "4xx",
        statuses=rejection.status,
        error=errors.for_rejection(mode, rejection, provider),
    )


def _poll_auth(b: CaseBuilder) -> None:
    """Job polling is a route of its own: it must refuse a missing or wrong key too (before it
    looks the job up, so an id that does not exist is enough)."""
    poll = b.model.operation(b.operation.job.poll_operation) if b.operation.job else None
    if poll is None:
        return
    path = errors.any_job_path(poll)
    for mode, slot, rejection in _refused_slots(b.provider.auth):
        b.add(
            "auth",
            f"auth/poll-{mode}",
            Request(poll.method, path, auth=slot),
            _refusal(mode, rejection, b.provider),
            f"job polling with {slot.label()}: must get {'/'.join(map(str, rejection.status))}",
            ("auth", *ERROR_CHECKS),
        )
