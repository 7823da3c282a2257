"""Covering plan: every documented enum value and range boundary in as few requests as possible.

Each covered parameter contributes a value set (enum values, array-item enum values, both booleans,
minimum and maximum). Request i takes value i (cycling) of every set, so the number of requests is
the size of the largest set, which is also the lower bound: no plan can show that many distinct
values of one parameter in fewer requests. A parameter with a `requires` rule (Vertex's seed needs
addWatermark false) takes its values only in requests that meet the rule, with requests added when
too few do; the bound then counts them. Parameters whose enforcement is not `enforced` (e.g. a
channel-dependent size tier) get their own requests so that an allowed refusal cannot mask the
enforced values packed beside them.
"""

from __future__ import annotations

import copy
import json
from dataclasses import dataclass
from typing import Any

from conformance.plan.bodies import (
    base_body,
    covered_parameters,
    meet_requires,
    put_path,
    set_path,
)
from conformance.spec.model import Model, Operation, Parameter


@dataclass(frozen=True)
class Assignment:
    """One planned positive request: the parameters it sets and the body it sends."""

    label: str
    values: tuple[tuple[Parameter, Any], ...]
    body: dict[str, Any]
    advisory: bool = False


def value_set(param: Parameter) -> list[Any]:
    """Every documented value of `param` the plan must show at least once."""
    if param.enum:
        return list(param.enum)
    if param.items_enum:
        # every value set keeps the image modality, whatever its spelling ("IMAGE", "image")
        anchor = next((x for x in param.items_enum if str(x).upper() == "IMAGE"), None)
        return [[x for x in param.items_enum if x in (value, anchor)] for value in param.items_enum]
    if param.type == "boolean":
        return [False, True]
    values: list[Any] = []
    for bound in (param.minimum, param.maximum):
        if bound is not None:
            number: Any = int(bound) if param.type == "integer" else bound
            if number not in values:
                values.append(number)
    return values


def render_value(value: Any) -> str:
    if isinstance(value, str):
        return value
    if isinstance(value, list):
        return "+".join(render_value(v) for v in value)
    return json.dumps(value)


def lower_bound(operation: Operation) -> int:
    """The fewest requests that can show every value of the enforced covered parameters.

    A parameter that `requires` a covered sibling's value shows each of its values only in
    requests where the sibling holds that value, and the sibling's other values each need a
    request without it: Vertex's two seed bounds need two rows with addWatermark false, and
    addWatermark true a third."""
    sets = {p.name: value_set(p) for p in _enforced(operation)}
    bound = max((len(s) for s in sets.values()), default=0)
    for param in _enforced(operation):
        others = [
            len([v for v in sets[name] if v != wanted])
            for name, wanted in param.requires
            if name in sets
        ]
        if others and sets[param.name]:
            bound = max(bound, len(sets[param.name]) + max(others))
    return bound


def _enforced(operation: Operation) -> list[Parameter]:
    return [p for p in covered_parameters(operation) if p.enforcement == "enforced"]


Row = dict[str, Any]


def _rows(enforced: list[tuple[Parameter, list[Any]]]) -> list[Row]:
    """Value i of each set in row i; a parameter with `requires` only in rows that meet it.

    Its values go, in order and cycling, into the rows whose covered siblings already hold the
    required values; when those are too few, rows are added with the siblings set to them. A
    parameter is absent from the rows that do not meet its rule (omitting it is always valid)."""
    free = [(p, s) for p, s in enforced if not p.requires]
    bound = [(p, s) for p, s in enforced if p.requires]
    width = max((len(s) for _, s in enforced), default=0)
    rows: list[Row] = [{p.name: s[i % len(s)] for p, s in free} for i in range(width)]
    for param, values in bound:
        wanted = dict(param.requires)
        fits = [row for row in rows if all(row.get(k, v) == v for k, v in wanted.items())]
        while len(fits) < len(values):
            i = len(rows)
            row = {p.name: s[i % len(s)] for p, s in free}
            row.update((k, v) for k, v in wanted.items() if k in row)
            rows.append(row)
            fits.append(row)
        for j, row in enumerate(fits):
            row[param.name] = values[j % len(values)]
    return rows


def covering_plan(model: Model, operation: Operation) -> list[Assignment]:
    """Greedy covering array (value i of each set in request i) plus advisory singletons."""
    body = base_body(model, operation)
    if body is None:
        return []
    params = covered_parameters(operation)
    enforced = [(p, value_set(p)) for p in params if p.enforcement == "enforced"]
    enforced = [(p, s) for p, s in enforced if s]
    out: list[Assignment] = []
    if enforced:
        # A parameter with the largest set names each request (its values are all distinct); a
        # row added for a `requires` rule is named by the value it was added for as well.
        free = [item for item in enforced if not item[0].requires] or enforced
        lead = max(free, key=lambda item: len(item[1]))[0]
        labels: set[str] = set()
        for row in _rows(enforced):
            chosen = tuple((p, row[p.name]) for p, _ in enforced if p.name in row)
            chosen += _required_extras(operation, chosen)
            # One copy of the body per request, not one per parameter (that chain was a third of
            # the covering step at 64x); each value goes in as a copy, so no two bodies share one.
            current = copy.deepcopy(body)
            for param, value in chosen:
                current = put_path(current, param.path, copy.deepcopy(value))
            label = _label(lead, row, chosen, labels)
            out.append(Assignment(label, chosen, meet_requires(operation, current)))
    for param in params:
        if param.enforcement == "enforced":
            continue
        for value in value_set(param):
            chosen = ((param, value),)
            chosen += _required_extras(operation, chosen)
            out.append(
                Assignment(
                    f"{param.name}={render_value(value)}",
                    chosen,
                    meet_requires(operation, set_path(body, param.path, value)),
                    advisory=True,
                )
            )
    return out


def _required_extras(
    operation: Operation, chosen: tuple[tuple[Parameter, Any], ...]
) -> tuple[tuple[Parameter, Any], ...]:
    """The values `requires` rules add to a request that does not set them itself (a required
    sibling the covering does not vary), so the request's description names them."""
    named = {p.name for p, _ in chosen}
    extras: list[tuple[Parameter, Any]] = []
    for param, _ in chosen:
        for name, wanted in param.requires:
            other = operation.parameter(name)
            if other is not None and name not in named:
                named.add(name)
                extras.append((other, wanted))
    return tuple(extras)


def _label(
    lead: Parameter, row: Row, chosen: tuple[tuple[Parameter, Any], ...], taken: set[str]
) -> str:
    """The request's name: the lead's value, then (until it is unique) the values of the
    parameters with a `requires` rule, which the rows added for one differ in, then the rest."""
    label = f"{lead.name}={render_value(row[lead.name])}" if lead.name in row else ""
    for param, value in sorted(chosen, key=lambda item: not item[0].requires):
        if label and label not in taken:
            break
        if param is lead:
            continue
        part = f"{param.name}={render_value(value)}"
        label = f"{label}+{part}" if label else part
    taken.add(label)
    return label
