"""Read request values the way the provider does: through a parameter's path and its aliases.

Google's proto-JSON accepts `generation_config.image_config.aspect_ratio` as well as the camelCase
spelling, and upstream enums are case-insensitive where the spec says so. Where the operation
declares a proto3 JSON mapping, the value is first decoded as a ProtoJSON parser would: `null`
is an unset field, an integer field's decimal string is that integer, an enum number is the
enum's name (the schema, built from the same declaration, has already accepted exactly these).
Every answer builder reads through here, by parameter (never by a hard-coded key), so that a
provider added to the specs is read correctly without new code. Values that break the
parameter's own rules read as absent: that is what "answer as if valid, with defaults for what
cannot be read" means.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import Any

from conformance.spec.model import WILDCARD, Operation, Parameter

_MISSING: Any = object()
_DECIMAL = re.compile(r"-?(?:0|[1-9][0-9]*)")


@dataclass(frozen=True)
class Found:
    """A parameter's value in a body: `present` says whether the client sent the field at all."""

    present: bool
    value: Any = None


class BodyReader:
    """Reads one operation's parameters out of request bodies (cached per operation)."""

    def __init__(self, operation: Operation) -> None:
        self._names: dict[tuple[str, ...], tuple[str, ...]] = {}
        for param in operation.body_parameters:
            if param.path:
                self._names[param.path] = param.property_names
        mapping = operation.json_mapping
        self._proto = mapping is not None
        self._quoted: set[str] = set()
        self._numbers: dict[str, dict[int, str]] = {}
        if mapping is not None:
            for param in operation.body_parameters:
                if param.type == "integer" and mapping.typed(param.path):
                    self._quoted.add(param.name)
            for enum in mapping.enums:
                self._numbers[enum.parameter] = {n: name for name, n in enum.numbers.items()}

    def _names_at(self, path: tuple[str, ...]) -> tuple[str, ...]:
        return self._names.get(path, (path[-1],))

    def values(self, body: Any, param: Parameter) -> Iterator[Any]:
        """Every value sent for `param` (several when its path runs through arrays)."""
        yield from self._walk(body, param.path, 0)

    def _walk(self, node: Any, path: tuple[str, ...], depth: int) -> Iterator[Any]:
        if depth == len(path):
            yield node
            return
        token = path[depth]
        if token == WILDCARD:
            if isinstance(node, list):
                for item in node:
                    yield from self._walk(item, path, depth + 1)
            return
        if not isinstance(node, dict):
            return
        for name in self._names_at(path[: depth + 1]):
            child = node.get(name, _MISSING)
            if child is None and self._proto:
                continue  # proto3 JSON: a null field is an unset field
            if child is not _MISSING:
                yield from self._walk(child, path, depth + 1)
                return

    def read(self, body: Any, param: Parameter | None) -> Found:
        """The first value sent for `param`, normalised; absent when it breaks the param's rules.

        `present` is True whenever the client sent the field, even with an unusable value, so
        that a documented default is never mistaken for an omitted field.
        """
        if param is None:
            return Found(False)
        for raw in self.values(body, param):
            return Found(True, normalise(param, self._decode(param, raw)))
        return Found(False)

    def _decode(self, param: Parameter, value: Any) -> Any:
        """A ProtoJSON value in the spec's JSON form (quoted integer, enum number)."""
        if param.name in self._quoted and isinstance(value, str) and _DECIMAL.fullmatch(value):
            return int(value)
        numbers = self._numbers.get(param.name)
        if numbers is not None:
            if isinstance(value, list):
                return [_enum_name(numbers, v) for v in value]
            return _enum_name(numbers, value)
        return value


def _enum_name(numbers: Mapping[int, str], value: Any) -> Any:
    if isinstance(value, int) and not isinstance(value, bool):
        return numbers.get(value, value)
    return value


def normalise(param: Parameter, value: Any) -> Any:
    """`value` in the spec's own spelling, or None when it breaks the parameter's type or rules."""
    if value is None:
        return None
    kind = param.type
    if kind == "integer" and (isinstance(value, bool) or not isinstance(value, int)):
        if not (isinstance(value, float) and value.is_integer()):
            return None
        value = int(value)
    if kind == "number" and (isinstance(value, bool) or not isinstance(value, (int, float))):
        return None
    if kind == "boolean" and not isinstance(value, bool):
        return None
    if kind == "string" and not isinstance(value, str):
        return None
    if kind == "array":
        if not isinstance(value, list):
            return None
        if param.items_enum is not None:
            items = [_enum_value(param.items_enum, v, param.case_insensitive) for v in value]
            if any(item is None for item in items) or not items:
                return None
            return items
        return value
    if kind == "object" and not isinstance(value, dict):
        return None
    if param.enum is not None:
        return _enum_value(param.enum, value, param.case_insensitive)
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        if param.minimum is not None and value < param.minimum:
            return None
        if param.maximum is not None and value > param.maximum:
            return None
    return value


def _enum_value(enum: tuple[Any, ...], value: Any, case_insensitive: bool) -> Any:
    if value in enum:
        return value
    if case_insensitive and isinstance(value, str):
        folded = value.casefold()
        return next((v for v in enum if isinstance(v, str) and v.casefold() == folded), None)
    return None


def prompt_text(reader: BodyReader, body: Any, param: Parameter | None) -> str:
    """All prompt strings of a request (Gemini may send several text parts), joined."""
    if param is None:
        return ""
    return " ".join(v for v in reader.values(body, param) if isinstance(v, str))
