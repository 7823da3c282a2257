"""Within-run memory of per-operation derivations that repeat across providers.

Relays that serve the same upstream models through the same family carry operations that differ
only in where they were declared: the hypothesis draws and the isolated negative bodies of such
an operation are then the same, and deriving them again is most of the planning time (at 64x the
providers, 1,344 operations with 21 distinct ones: ~17 s of a 20 s plan). The key is the
*meaning* of what a derivation reads: every field of the spec values it is given, except the
ones that only document (declaration sites, citations, descriptions, notes), which no request
body and no verdict depends on. Nothing is kept between runs (a plan is always derived from the
spec in front of it); hits are copied, so no two cases share a body.
"""

from __future__ import annotations

import copy
import dataclasses
from collections import OrderedDict
from collections.abc import Callable, Mapping
from typing import Any, TypeVar

from conformance.spec.diagnostics import Location
from conformance.spec.model import Source

T = TypeVar("T")

#: Fields that document a value (where it was declared, what it cites, prose): no request body,
#: expectation or verdict reads them.
DOCUMENTATION = frozenset(
    {"declared_at", "description", "notes", "default_note", "rule_locations", "title", "says"}
)
#: Distinct operations remembered (a run with more distinct operations derives the rest anew).
LIMIT = 512

_FIELDS: dict[type, tuple[str, ...]] = {}


def meaning(value: Any) -> Any:
    """A hashable rendering of `value` without its documentation: equal for two spec values that
    make the same requests. Types are part of it (1 and 1.0 and True stay apart)."""
    if isinstance(value, Location | Source):
        return None
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        names = _FIELDS.get(type(value))
        if names is None:
            names = tuple(f.name for f in dataclasses.fields(value) if f.name not in DOCUMENTATION)
            _FIELDS[type(value)] = names
        return (type(value).__name__, *(meaning(getattr(value, n)) for n in names))
    if isinstance(value, tuple | list):
        return (type(value).__name__, *(meaning(v) for v in value))
    if isinstance(value, Mapping):
        return ("mapping", *((meaning(k), meaning(v)) for k, v in value.items()))
    if value is None or isinstance(value, str | int | float | bool):
        return (type(value).__name__, value)
    raise TypeError(f"no meaning for a {type(value).__name__} value")


class Memo:
    """A bounded map from meaning keys to derived values; every hit is a deep copy."""

    def __init__(self, limit: int = LIMIT) -> None:
        self.limit = limit
        self._values: OrderedDict[Any, Any] = OrderedDict()
        self.hits = 0
        self.misses = 0

    def get(self, key: Any, derive: Callable[[], T]) -> T:
        if key in self._values:
            self._values.move_to_end(key)
            self.hits += 1
            return copy.deepcopy(self._values[key])  # type: ignore[no-any-return]
        self.misses += 1
        value = derive()
        self._values[key] = copy.deepcopy(value)
        if len(self._values) > self.limit:
            self._values.popitem(last=False)
        return value

    def clear(self) -> None:
        self._values.clear()
        self.hits = self.misses = 0
