"""What makes a model different from the provider's other models on the same operation.

The seed pages keep a "Model-Specific Parameters" table next to the common one: 3.1 Flash adds
four extreme aspect ratios, Fast has no 2K tier. The specs express the same facts as per-model
overrides; this module recovers them by comparing a model's parameters with its siblings', so
each page states its model's specifics instead of leaving the reader to diff two tables.
"""

from __future__ import annotations

from conformance.docs import cells
from conformance.spec.json_mapping import is_path_twin
from conformance.spec.model import Model, Operation, Parameter, Provider


def _enum(param: Parameter) -> tuple[object, ...] | None:
    return param.enum if param.enum is not None else param.items_enum


def _codes(values: list[object]) -> str:
    return ", ".join(cells.code(v) for v in values)


def _values_change(here: Parameter, other: Parameter) -> str | None:
    """How `here` narrows or widens `other`'s values, or None when they agree."""
    mine, theirs = _enum(here), _enum(other)
    if mine is not None and theirs is not None:
        added = [v for v in mine if v not in theirs]
        dropped = [v for v in theirs if v not in mine]
        if not added and not dropped:
            return None
        parts = []
        if added:
            parts.append(f"adds {_codes(added)}")
        if dropped:
            parts.append(f"lacks {_codes(dropped)}")
        return " and ".join(parts)
    mine_text, theirs_text = cells.values_cell(here), cells.values_cell(other)
    return None if mine_text == theirs_text else f"{mine_text} (not {theirs_text})"


def _default_change(here: Parameter, other: Parameter) -> str | None:
    mine, theirs = cells.default_cell(here), cells.default_cell(other)
    return None if mine == theirs else f"default {mine} (not {theirs})"


def _enforcement_change(here: Parameter, other: Parameter) -> str | None:
    if here.enforcement == other.enforcement:
        return None
    return f"{here.enforcement} (not {other.enforcement})"


def _grouped(pairs: list[tuple[str, str | None]]) -> dict[str, list[str]]:
    """(model id, text or None) pairs grouped by text, Nones dropped, first-seen order."""
    groups: dict[str, list[str]] = {}
    for model_id, text in pairs:
        if text is not None:
            groups.setdefault(text, []).append(model_id)
    return groups


def _phrase(groups: dict[str, list[str]]) -> str:
    return "; ".join(f"{text} compared with {', '.join(ids)}" for text, ids in groups.items())


def _param_rules(
    name: str, here: Parameter | None, others: dict[str, Parameter | None]
) -> list[str]:
    label = cells.code(name)
    offered = [model_id for model_id, p in others.items() if p is not None]
    if here is None:
        if not offered:
            return []
        return [f"{label} is not offered for this model (it is for {', '.join(offered)})."]
    rules: list[str] = []
    lacking = [model_id for model_id, p in others.items() if p is None]
    if lacking:
        rules.append(f"{label} is offered for this model but not for {', '.join(lacking)}.")
    for change in (_values_change, _default_change, _enforcement_change):
        groups = _grouped([(m, change(here, p)) for m, p in others.items() if p is not None])
        if groups:
            rules.append(f"{label}: {_phrase(groups)}.")
    return rules


def _names(operation: Operation, siblings: list[Operation]) -> list[str]:
    names = [p.name for p in operation.parameters]
    for other in siblings:
        names.extend(p.name for p in other.parameters if p.name not in names)
    return names


def sibling_rules(provider: Provider, model: Model) -> list[str]:
    """One line per parameter that differs from the provider's other models on an operation."""
    rules: list[str] = []
    for operation in model.operations:
        siblings = {
            m.id: op
            for m in provider.models
            if m is not model and (op := m.operation(operation.name)) is not None
        }
        for name in _names(operation, list(siblings.values())):
            here = operation.parameter(name)
            if (
                name == "model"
                or is_path_twin(name)
                or (here is not None and here.concept == "model")
            ):
                continue
            others = {model_id: op.parameter(name) for model_id, op in siblings.items()}
            rules.extend(_param_rules(name, here, others))
    return rules
