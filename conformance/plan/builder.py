"""What every kind of planned case is built with: the check lists, the request, the builder.

The planner's stages (covering, defaults, negatives, refusals, blocked, explore) each add cases
for one provider x model x operation through a `CaseBuilder`, which names them under that
operation's prefix and gives positives their expectations and checks.
"""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from conformance.plan.bodies import expectations, meet_requires, set_path
from conformance.plan.case import AuthSlot, Case, CaseKind, Expect, Request
from conformance.spec.model import Model, Operation, Provider

SUCCESS_CHECKS = (
    "status",
    "content-type",
    "response-schema",
    "image-count",
    "image-payload",
    "pixel-size",
    "output-format",
    "required-fields",
    "modalities",
    "image-tokens",
    "error-leak",
    # Every non-2xx answer is judged against the envelope, a positive case's unexpected 5xx too.
    "error-envelope",
)
ERROR_CHECKS = ("status", "content-type", "error-envelope", "error-class", "error-leak")
ALL_CHECKS = (
    *SUCCESS_CHECKS,
    "error-class",
    "defaults",
    "auth",
    "job-lifecycle",
    "wire",
)


def success_checks(operation: Operation) -> tuple[str, ...]:
    return (*SUCCESS_CHECKS, "job-lifecycle") if operation.job else SUCCESS_CHECKS


def valid_slot(provider: Provider) -> AuthSlot:
    scheme = provider.auth.schemes[0]
    return AuthSlot("valid", scheme.kind, scheme.name)


def request_for(
    provider: Provider, operation: Operation, body: Any, auth: AuthSlot | None = None
) -> Request:
    headers = (("Content-Type", "application/json"),) if body is not None else ()
    return Request(
        operation.method, operation.path, body, headers, auth=auth or valid_slot(provider)
    )


def minimal_count(operation: Operation, body: dict[str, Any]) -> dict[str, Any]:
    """Ask for one image where the operation has a count, to keep non-count cases cheap."""
    count = operation.by_concept("image_count")
    if count is None or count.minimum is None or count.enforcement != "enforced":
        return body
    return set_path(body, count.path, int(count.minimum))


class CaseBuilder:
    def __init__(self, provider: Provider, model: Model, operation: Operation) -> None:
        self.provider, self.model, self.operation = provider, model, operation
        self.prefix = f"{provider.id}/{model.id}/{operation.name}"
        self.cases: list[Case] = []

    def add(
        self,
        kind: CaseKind,
        label: str,
        request: Request,
        expect: Expect,
        description: str,
        checks: tuple[str, ...],
    ) -> None:
        self.cases.append(
            Case(
                f"{self.prefix}/{label}",
                kind,
                request,
                expect,
                description,
                self.provider,
                self.model,
                self.operation,
                checks,
            )
        )

    def positive(
        self,
        kind: CaseKind,
        label: str,
        body: dict[str, Any],
        description: str,
        advisory: tuple[str, ...] = (),
        extra: tuple[str, ...] = (),
    ) -> None:
        # Every stage builds bodies that meet the `requires` rules; meeting them here as well
        # keeps any positive from asking for what the upstream refuses (a no-op otherwise).
        body = meet_requires(self.operation, body)
        expect = expectations(self.model, self.operation, body)
        if advisory:
            expect = replace(expect, advisory=tuple(dict.fromkeys((*expect.advisory, *advisory))))
        request = request_for(self.provider, self.operation, body)
        self.add(
            kind, label, request, expect, description, (*success_checks(self.operation), *extra)
        )
