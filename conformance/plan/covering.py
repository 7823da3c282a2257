"""Covering plan: every documented enum value and range boundary in as few requests as possible.

Each covered parameter contributes a value set (enum values, array-item enum values, both booleans,
minimum and maximum). Request i takes value i (cycling) of every set, so the number of requests is
the size of the largest set, which is also the lower bound: no plan can show that many distinct
values of one parameter in fewer requests. Parameters whose enforcement is not `enforced` (e.g. a
channel-dependent size tier) get their own requests so that an allowed refusal cannot mask the
enforced values packed beside them.
"""

from __future__ import annotations

import copy
import json
from dataclasses import dataclass
from typing import Any

from conformance.plan.bodies import base_body, covered_parameters, put_path, set_path
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
    """The fewest requests that can show every value of the enforced covered parameters."""
    sets = [value_set(p) for p in covered_parameters(operation) if p.enforcement == "enforced"]
    return max((len(s) for s in sets), default=0)


def covering_plan(model: Model, operation: Operation) -> list[Assignment]:
    """Greedy covering array (value i of each set in request i) plus advisory singletons."""
    body = base_body(model, operation)
    if body is None:
        return []
    params = covered_parameters(operation)
    enforced = [(p, value_set(p)) for p in params if p.enforcement == "enforced"]
    enforced = [(p, s) for p, s in enforced if s]
    out: list[Assignment] = []
    width = max((len(s) for _, s in enforced), default=0)
    if enforced:
        # The parameter with the largest set names each request (its values are all distinct).
        lead = max(enforced, key=lambda item: len(item[1]))[0]
        for i in range(width):
            chosen = tuple((p, s[i % len(s)]) for p, s in enforced)
            # One copy of the body per request, not one per parameter (that chain was a third of
            # the covering step at 64x); each value goes in as a copy, so no two bodies share one.
            current = copy.deepcopy(body)
            for param, value in chosen:
                current = put_path(current, param.path, copy.deepcopy(value))
            lead_value = dict((p.name, v) for p, v in chosen)[lead.name]
            out.append(Assignment(f"{lead.name}={render_value(lead_value)}", chosen, current))
    for param in params:
        if param.enforcement == "enforced":
            continue
        for value in value_set(param):
            chosen = ((param, value),)
            out.append(
                Assignment(
                    f"{param.name}={render_value(value)}",
                    chosen,
                    set_path(body, param.path, value),
                    advisory=True,
                )
            )
    return out
