"""Read a parameter's values out of a body and compare values across two protocols.

The forwarding checks read what the client sent with the provider's parameters and what arrived
upstream with the upstream's, by concept. Reading follows a parameter's path and its aliases
(camelCase and snake_case, as Google's proto-JSON accepts both). Comparing knows the few ways the
same meaning is spelled differently: case-insensitive enums, snake_case vs camelCase keys inside
objects, an OpenAI-style `WxH` size against an `W:H` aspect ratio, and a set of output
modalities in another order.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from fractions import Fraction
from typing import Any

from conformance.spec.model import WILDCARD, Operation, Parameter

_MISSING: Any = object()
_SIZE = re.compile(r"^(\d+)x(\d+)$")
_RATIO = re.compile(r"^(\d+):(\d+)$")
_CAMEL = re.compile(r"(?<!^)(?=[A-Z])")
#: Concepts whose value is a set spelled as a list (`unique_items` in every spec that has them):
#: `["image", "text"]` and Google's `["TEXT", "IMAGE"]` ask for the same output.
_UNORDERED = frozenset({"response_modalities"})


def _names(operation: Operation | None, path: tuple[str, ...]) -> tuple[str, ...]:
    if operation is not None:
        for param in operation.body_parameters:
            if param.path == path:
                return param.property_names
    return (path[-1],)


def values(operation: Operation | None, body: Any, param: Parameter) -> list[Any]:
    """Every value `body` holds for `param` (several when its path runs through arrays)."""
    return list(_walk(operation, body, param.path, 0))


def _walk(
    operation: Operation | None, node: Any, path: tuple[str, ...], depth: int
) -> Iterator[Any]:
    if depth == len(path):
        yield node
        return
    token = path[depth]
    if token == WILDCARD:
        if isinstance(node, list):
            for item in node:
                yield from _walk(operation, item, path, depth + 1)
        return
    if not isinstance(node, dict):
        return
    for name in _names(operation, path[: depth + 1]):
        child = node.get(name, _MISSING)
        if child is not _MISSING:
            yield from _walk(operation, child, path, depth + 1)
            return


def snake(name: str) -> str:
    return _CAMEL.sub("_", name).lower()


def canonical(value: Any, *, fold_case: bool = False) -> Any:
    """`value` with object keys in snake_case and, when `fold_case`, strings lower-cased."""
    if isinstance(value, dict):
        return {snake(str(k)): canonical(v, fold_case=fold_case) for k, v in value.items()}
    if isinstance(value, list):
        return [canonical(v, fold_case=fold_case) for v in value]
    if isinstance(value, str) and fold_case:
        return value.lower()
    return value


def ratio_of(value: Any) -> Fraction | None:
    """`"16:9"` and `"1792x1024"` as a ratio (the second is approximated, as relays map sizes)."""
    if not isinstance(value, str):
        return None
    found = _RATIO.match(value) or _SIZE.match(value)
    if found is None or int(found.group(2)) == 0:
        return None
    return Fraction(int(found.group(1)), int(found.group(2)))


def same(concept: str | None, sent: Any, arrived: Any, *, fold_case: bool) -> bool:
    """Whether `arrived` upstream means what the client `sent` for `concept`."""
    if concept == "aspect_ratio":
        a, b = ratio_of(sent), ratio_of(arrived)
        if a is not None and b is not None:
            return abs(float(a) - float(b)) < 0.08
    if concept == "prompt" and isinstance(sent, str) and isinstance(arrived, str):
        return sent in arrived
    a, b = canonical(sent, fold_case=fold_case), canonical(arrived, fold_case=fold_case)
    if concept in _UNORDERED and isinstance(a, list) and isinstance(b, list):
        return sorted(map(repr, a)) == sorted(map(repr, b))
    return bool(a == b)
