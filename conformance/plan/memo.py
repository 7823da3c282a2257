"""Within-run memory of per-operation derivations that repeat across providers.

Relays that serve the same upstream models through the same family carry operations that differ
only in where they were declared: the hypothesis draws and the isolated negative bodies of such
an operation are then the same, and deriving them again was most of the planning time (at 64x
the providers, 1,344 operations with 19 distinct ones: three quarters of a 20 s plan). The key
is the *meaning* of what a derivation reads: every field of the spec values it is given, except
the ones that only document (declaration sites, citations, descriptions, notes), which no
request body and no verdict depends on. This memory lasts one run; the only draws kept between
runs are the built-in specs' recorded ones (plan/recorded_draws.py), which a change to the drawing
code invalidates. Hits are copied, so no two cases share a body.
"""

from __future__ import annotations

import dataclasses
import operator
from collections import OrderedDict
from collections.abc import Callable, Mapping
from typing import Any, Generic, TypeVar

from conformance.spec.diagnostics import Location
from conformance.spec.model import Parameter, Source

T = TypeVar("T")

#: Fields that document a value (where it was declared, what it cites, prose): no request body,
#: expectation or verdict reads them.
DOCUMENTATION = frozenset(
    {
        "declared_at",
        "description",
        "notes",
        "default_note",
        "rule_locations",
        "title",
        "says",
        "source",
        "sources",
        "message_source",
        "values_from",
    }
)
#: Distinct operations remembered (a run with more distinct operations derives the rest anew).
LIMIT = 512

_FIELDS: dict[type, tuple[str, ...]] = {}
_SCALARS = (int, float, bool)


def meaning(value: Any) -> Any:
    """A hashable rendering of `value` without its documentation: equal for two spec values that
    make the same requests. Types are part of it (1 and 1.0 and True stay apart)."""
    kind = type(value)
    if kind is str or value is None:
        return value
    if kind in _SCALARS:
        return (kind.__name__, value)
    if kind is tuple or kind is list:
        return (kind.__name__, *(meaning(v) for v in value))
    if isinstance(value, Location | Source):
        return None
    names = _FIELDS.get(kind)
    if names is None and dataclasses.is_dataclass(value) and not isinstance(value, type):
        names = tuple(f.name for f in dataclasses.fields(value) if f.name not in DOCUMENTATION)
        _FIELDS[kind] = names
    if names is not None:
        return (kind.__name__, *(meaning(getattr(value, n)) for n in names))
    if isinstance(value, Mapping):
        return ("mapping", *((meaning(k), meaning(v)) for k, v in value.items()))
    if isinstance(value, str | int | float):  # a str or int subclass: an enum's value
        return (kind.__name__, value)
    raise TypeError(f"no meaning for a {kind.__name__} value")


class _Last:
    """The meaning of the value asked last: the planner asks for one operation's parameters
    several times in a row (negatives, then exploration)."""

    value: Any = None
    key: Any = None


#: A parameter's meaning read in one call: none of these fields holds a location or a citation
#: (tests/plan/test_memo.py holds that), so the repr of their values is its meaning as text,
#: ~7x faster than `meaning` (which was a third of a 64x plan's remembered operations).
_PARAMETER = operator.attrgetter(
    *(f.name for f in dataclasses.fields(Parameter) if f.name not in DOCUMENTATION)
)


def key_of(parameters: tuple[Parameter, ...]) -> str:
    """An operation's parameters as meaning text (hashed once, not at every lookup of a deep
    tuple), computed once while the same tuple is asked for again."""
    if _Last.value is not parameters:
        _Last.key = repr([_PARAMETER(p) for p in parameters])
        _Last.value = parameters
    return str(_Last.key)


def copy_json(value: Any) -> Any:
    """A copy of a JSON-like value (dicts, lists and tuples copied; scalars are immutable): ~2x
    faster than `copy.deepcopy` on request bodies, which is most of what a hit costs."""
    kind = type(value)
    if kind is dict:
        return {k: copy_json(v) for k, v in value.items()}
    if kind is list:
        return [copy_json(v) for v in value]
    if kind is tuple:
        return tuple(copy_json(v) for v in value)
    return value


class Memo(Generic[T]):
    """A bounded map from meaning keys to derived values; a value is copied (`copy`) when it
    goes in and every time it comes out, so no caller ever holds the kept one."""

    def __init__(self, copy: Callable[[T], T], limit: int = LIMIT) -> None:
        self.copy = copy
        self.limit = limit
        self._values: OrderedDict[Any, T] = OrderedDict()
        self.hits = 0
        self.misses = 0

    def get(self, key: Any, derive: Callable[[], T]) -> T:
        if key in self._values:
            self._values.move_to_end(key)
            self.hits += 1
            return self.copy(self._values[key])
        self.misses += 1
        value = derive()
        self._values[key] = self.copy(value)
        if len(self._values) > self.limit:
            self._values.popitem(last=False)
        return value

    def clear(self) -> None:
        self._values.clear()
        self.hits = self.misses = 0
