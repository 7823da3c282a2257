"""Turn the spec into cases: covering positives, defaults, negatives, auth matrix, blocked, explore.

Everything here is a pure function of (spec, options): the same spec and seed always give the
same case ids and bodies, in the same order, so recordings of a run can be replayed later.
"""

from __future__ import annotations

import json
from collections.abc import Container, Iterator
from dataclasses import dataclass, field, replace
from typing import Any

from conformance import triggers
from conformance.plan import errors, forms
from conformance.plan.bodies import (
    OBSERVABLE,
    PROMPT,
    base_body,
    set_path,
)
from conformance.plan.builder import (
    ALL_CHECKS,
    ERROR_CHECKS,
    SUCCESS_CHECKS,
    CaseBuilder,
    minimal_count,
    request_for,
    success_checks,
)
from conformance.plan.case import KINDS, Case, CaseKind, Expect
from conformance.plan.collector import Collector
from conformance.plan.covering import covering_plan, lower_bound, render_value
from conformance.plan.explore import explore
from conformance.plan.negative import Unplanned, negatives
from conformance.plan.refusals import refusals, unknown_model
from conformance.plan.wire_negative import wire_cases
from conformance.spec.model import Model, Operation, Parameter, Provider, Spec

# Re-exported: the check lists and the request of a case are what callers of the planner use.
__all__ = [
    "ALL_CHECKS",
    "ERROR_CHECKS",
    "SUCCESS_CHECKS",
    "Coverage",
    "Plan",
    "PlanOptions",
    "operations",
    "plan",
    "plan_operation",
    "request_for",
]


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


def _covering(b: CaseBuilder) -> int:
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


def _forms(b: CaseBuilder) -> None:
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


def _defaults(b: CaseBuilder) -> None:
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
        isolated = body if param.concept == "image_count" else minimal_count(b.operation, body)
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


def _negatives(b: CaseBuilder) -> tuple[Unplanned, ...]:
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
    unknown_model(b)
    return tuple(unplanned)


def _blocked(b: CaseBuilder) -> None:
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


def _explore(b: CaseBuilder, options: PlanOptions) -> None:
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
    b = CaseBuilder(provider, model, operation)
    positive = 0
    unplanned: tuple[Unplanned, ...] = ()
    if "positive" in options.kinds:
        positive = _covering(b)
        _forms(b)
    if "default" in options.kinds:
        _defaults(b)
    if "auth" in options.kinds:
        refusals(b)
    if "negative" in options.kinds:
        unplanned = _negatives(b)
    if "wire" in options.kinds:
        b.cases.extend(wire_cases(provider, model, operation, success_checks(operation)))
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


def operations(spec: Spec, options: PlanOptions) -> Iterator[tuple[Provider, Model, Operation]]:
    """The selected provider x model x operation triples, in plan order."""
    for provider in spec.providers:
        if options.providers and provider.id not in options.providers:
            continue
        for model in provider.models:
            if options.models and model.id not in options.models:
                continue
            for operation in model.entry_operations:
                yield provider, model, operation


def plan(
    spec: Spec, options: PlanOptions | None = None, only: Container[int] | None = None
) -> Plan:
    """Every case for the selected providers and models, in a stable order; with `only`, the
    cases of just those operations (indices into `operations`), as a `--jobs` worker plans."""
    options = options or PlanOptions()
    cases: list[Case] = []
    coverage: list[Coverage] = []
    collector = Collector()
    collector.start()
    for index, (provider, model, operation) in enumerate(operations(spec, options)):
        if only is not None and index not in only:
            continue
        found, cov = plan_operation(provider, model, operation, options)
        cases.extend(_filter_checks(found, options.checks))
        coverage.append(cov)
        collector.advance(len(found))
    return Plan(tuple(cases), tuple(coverage))
