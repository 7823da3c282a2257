"""Turn the spec into cases: covering positives, defaults, negatives, auth matrix, blocked, explore.

Everything here is a pure function of (spec, options): the same spec and seed always give the
same case ids and bodies, in the same order, so recordings of a run can be replayed later.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass, field, replace
from typing import Any

from conformance import triggers
from conformance.plan import errors, forms
from conformance.plan.bodies import (
    OBSERVABLE,
    PROMPT,
    base_body,
    expectations,
    set_path,
)
from conformance.plan.case import KINDS, AuthSlot, Case, CaseKind, Expect, Request
from conformance.plan.collector import Collector
from conformance.plan.covering import covering_plan, lower_bound, render_value
from conformance.plan.negative import Unplanned, negatives
from conformance.plan.strategies import explore
from conformance.plan.wire_negative import wire_cases
from conformance.spec.model import (
    AuthRejection,
    AuthSpec,
    Model,
    Operation,
    Parameter,
    Provider,
    Spec,
)

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


@dataclass(frozen=True)
class PlanOptions:
    providers: tuple[str, ...] = ()
    models: tuple[str, ...] = ()
    checks: tuple[str, ...] = ()
    kinds: tuple[CaseKind, ...] = KINDS
    max_examples: int = 3
    seed: int = 0
    triggers: bool = True


@dataclass(frozen=True)
class Coverage:
    """How the covering plan of one operation compares with its lower bound."""

    provider: str
    model: str
    operation: str
    positive: int
    lower_bound: int
    advisory: int
    unplanned: tuple[Unplanned, ...] = ()


@dataclass(frozen=True)
class Plan:
    cases: tuple[Case, ...]
    coverage: tuple[Coverage, ...] = field(default=())

    @property
    def images(self) -> int:
        return sum(c.expected_images for c in self.cases)


def _success_checks(operation: Operation) -> tuple[str, ...]:
    return (*SUCCESS_CHECKS, "job-lifecycle") if operation.job else SUCCESS_CHECKS


def _slot(provider: Provider) -> AuthSlot:
    scheme = provider.auth.schemes[0]
    return AuthSlot("valid", scheme.kind, scheme.name)


def request_for(
    provider: Provider, operation: Operation, body: Any, auth: AuthSlot | None = None
) -> Request:
    headers = (("Content-Type", "application/json"),) if body is not None else ()
    return Request(operation.method, operation.path, body, headers, auth=auth or _slot(provider))


def _minimal_count(operation: Operation, body: dict[str, Any]) -> dict[str, Any]:
    """Ask for one image where the operation has a count, to keep non-count cases cheap."""
    count = operation.by_concept("image_count")
    if count is None or count.minimum is None or count.enforcement != "enforced":
        return body
    return set_path(body, count.path, int(count.minimum))


class _Builder:
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
        expect = expectations(self.model, self.operation, body)
        if advisory:
            expect = replace(expect, advisory=tuple(dict.fromkeys((*expect.advisory, *advisory))))
        request = request_for(self.provider, self.operation, body)
        self.add(
            kind, label, request, expect, description, (*_success_checks(self.operation), *extra)
        )


def _covering(b: _Builder) -> int:
    count = 0
    for assignment in covering_plan(b.model, b.operation):
        values = ", ".join(f"{p.name}={render_value(v)}" for p, v in assignment.values)
        if assignment.advisory:
            b.positive(
                "positive",
                f"advisory/{assignment.label}",
                assignment.body,
                f"advisory value: {values}",
                advisory=("status", "ratio", "tier", "size"),
            )
        else:
            count += 1
            b.positive(
                "positive",
                f"cover/{assignment.label}",
                assignment.body,
                f"covering request: {values}",
            )
    return count


def _forms(b: _Builder) -> None:
    """The other documented input forms: enum letter case, proto-JSON spelling."""
    for label, body, description in (
        *forms.case_variants(b.model, b.operation),
        *forms.spelling_bodies(b.model, b.operation),
    ):
        b.positive("positive", label, body, description)


def _other_value(param: Parameter) -> Any:
    if param.enum:
        return next((v for v in param.enum if v != param.default), None)
    if param.type == "boolean":
        return not param.default
    return None


def _defaults(b: _Builder) -> None:
    body = base_body(b.model, b.operation)
    if body is None:
        return
    documented = [
        p
        for p in b.operation.body_parameters
        if p.has_default
        and p.default is not None
        and p.path
        and p.concept not in ("model", "prompt")
    ]
    if not documented:
        return
    seen: dict[str, int] = {}
    b.positive(
        "default",
        "default/omitted",
        body,
        "every defaulted field omitted: "
        + ", ".join(f"{p.name}={render_value(p.default)}" for p in documented),
        extra=("defaults",),
    )
    b.cases[-1] = replace(
        b.cases[-1], expect=replace(b.cases[-1].expect, defaults=tuple(p.name for p in documented))
    )
    seen[json.dumps(body, sort_keys=True)] = len(b.cases) - 1
    observable = [p for p in documented if p.concept in OBSERVABLE]
    for param in observable:
        isolated = body if param.concept == "image_count" else _minimal_count(b.operation, body)
        for other in observable:
            if other is param or other.concept == param.concept:
                continue
            value = _other_value(other)
            if value is not None and other.enforcement == "enforced":
                isolated = set_path(isolated, other.path, value)
        key = json.dumps(isolated, sort_keys=True)
        if key in seen:
            index = seen[key]
            case = b.cases[index]
            names = tuple(dict.fromkeys((*case.expect.defaults, param.name)))
            b.cases[index] = replace(case, expect=replace(case.expect, defaults=names))
            continue
        seen[key] = len(b.cases)
        b.positive(
            "default",
            f"default/{param.name}",
            isolated,
            f"{param.name} omitted: its default {render_value(param.default)} applies",
            extra=("defaults",),
        )
        b.cases[-1] = replace(
            b.cases[-1], expect=replace(b.cases[-1].expect, defaults=(param.name,))
        )


def _negatives(b: _Builder) -> tuple[Unplanned, ...]:
    planned, unplanned = negatives(b.provider, b.model, b.operation)
    for negative in planned:
        target = negative.target
        expect = Expect(
            "4xx",
            statuses=errors.statuses(b.provider, "invalid-argument"),
            violation=target,
            error=errors.for_mistake(b.provider, "invalid-argument", target),
        )
        b.add(
            "negative",
            f"negative/{target.parameter}:{target.rule}",
            request_for(b.provider, b.operation, negative.body),
            expect,
            f"{negative.description}: {target.rule} at {target.pointer}",
            ERROR_CHECKS,
        )
    _unknown_model(b)
    return tuple(unplanned)


def _unknown_model(b: _Builder) -> None:
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


def _auth(b: _Builder) -> None:
    body = base_body(b.model, b.operation)
    body = _minimal_count(b.operation, body) if body is not None else None
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
            ("auth", *_success_checks(b.operation)),
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


def _poll_auth(b: _Builder) -> None:
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


def _blocked(b: _Builder) -> None:
    outcomes = {rule.outcome for rule in b.operation.response.blocked}
    markers: list[str] = []
    if "rai-filtered" in outcomes:
        markers += [triggers.FILTER_SOME, triggers.FILTER_ALL]
    if "prompt-blocked" in outcomes:
        markers.append(triggers.BLOCK_PROMPT)
    if "finish-reason" in outcomes:
        markers.append(triggers.NO_IMAGE)
    for marker in markers:
        body = base_body(b.model, b.operation, f"{PROMPT} {marker}")
        if body is None:
            continue
        name = marker.strip("[]").split(":", 1)[1]
        b.positive(
            "blocked",
            f"blocked/{name}",
            body,
            f"content-policy outcome ({name}) must be reported as blocked",
        )


def _explore(b: _Builder, options: PlanOptions) -> None:
    for i, body in enumerate(explore(b.model, b.operation, options.max_examples, options.seed)):
        b.positive(
            "explore",
            f"explore/{options.seed}-{i}",
            body,
            f"hypothesis example {i} (seed {options.seed})",
        )


def plan_operation(
    provider: Provider, model: Model, operation: Operation, options: PlanOptions
) -> tuple[list[Case], Coverage]:
    b = _Builder(provider, model, operation)
    positive = 0
    unplanned: tuple[Unplanned, ...] = ()
    if "positive" in options.kinds:
        positive = _covering(b)
        _forms(b)
    if "default" in options.kinds:
        _defaults(b)
    if "auth" in options.kinds:
        _auth(b)
    if "negative" in options.kinds:
        unplanned = _negatives(b)
    if "wire" in options.kinds:
        b.cases.extend(wire_cases(provider, model, operation, _success_checks(operation)))
    if "blocked" in options.kinds and options.triggers:
        _blocked(b)
    if "explore" in options.kinds:
        _explore(b, options)
    advisory = sum(1 for c in b.cases if "/advisory/" in c.id)
    coverage = Coverage(
        provider.id, model.id, operation.name, positive, lower_bound(operation), advisory, unplanned
    )
    return b.cases, coverage


def _filter_checks(cases: list[Case], checks: tuple[str, ...]) -> list[Case]:
    if not checks:
        return cases
    out = []
    for case in cases:
        kept = tuple(c for c in case.checks if c in checks)
        if kept:
            out.append(replace(case, checks=kept))
    return out


def plan(spec: Spec, options: PlanOptions | None = None) -> Plan:
    """Every case for the selected providers and models, in a stable order."""
    options = options or PlanOptions()
    cases: list[Case] = []
    coverage: list[Coverage] = []
    collector = Collector()
    collector.start()
    for provider in spec.providers:
        if options.providers and provider.id not in options.providers:
            continue
        for model in provider.models:
            if options.models and model.id not in options.models:
                continue
            for operation in model.entry_operations:
                found, cov = plan_operation(provider, model, operation, options)
                cases.extend(_filter_checks(found, options.checks))
                coverage.append(cov)
                collector.advance(len(found))
    return Plan(tuple(cases), tuple(coverage))
