"""Case results as bytes between the processes of one `--jobs` run, the spec left behind.

A `Case` carries the provider, model and operation it was planned from; pickled as they are,
every batch of results would drag a copy of its part of the spec along (and the parent would
hold one copy per batch, its cases no longer pointing into its own spec). Every process of the
run has the same spec (the workers are forked from the parent after it was loaded), so those
objects travel as their position in it and are looked up on arrival: the parent's results point
into the parent's spec as a single-process run's do.
Everything else of a result (request, findings, retained exchange, image summaries) is plain
frozen data and pickles as it is. Measured (CPU, `--jobs 2`): at 16x the providers (18,992
results, 82 MB of pickles) the workers dump in 0.7 s together and the parent loads in 0.6 s; at
64x (75,968 results) 3.5 s and 3.0 s. Most of that was the exchanges, which only the HTML,
JUnit and Markdown reports read: other runs send `BriefResult`s (a third of the bytes at 1x),
their JSON report entries encoded by the workers (`report/json_spool.py`).
"""

from __future__ import annotations

import io
import pickle
from typing import Any

from conformance.spec.model import Spec

Key = tuple[int, ...]


def _keys(spec: Spec) -> dict[Key, object]:
    out: dict[Key, object] = {}
    for p, provider in enumerate(spec.providers):
        out[(p,)] = provider
        for m, model in enumerate(provider.models):
            out[(p, m)] = model
            for o, operation in enumerate(model.operations):
                out[(p, m, o)] = operation
    return out


def spec_object(key: Key) -> object:
    """Stands for a spec object in the pickles: `Codec.loads` resolves it in its own spec."""
    raise pickle.UnpicklingError(f"spec object {key} read outside Codec.loads")


class _Unpickler(pickle.Unpickler):
    def __init__(self, data: bytes, objects: dict[Key, object]) -> None:
        super().__init__(io.BytesIO(data))
        self._objects = objects

    def find_class(self, module: str, name: str) -> Any:
        if module == __name__ and name == spec_object.__name__:
            return self._objects.__getitem__
        return super().find_class(module, name)


class Codec:
    """Pickles values with `spec`'s providers, models and operations as references.

    The references go through a dispatch table (a reducer per spec class, called once per
    object and pickle), not a persistent-id hook, which the pickler would call for every object
    it writes: that made dumping results 2.7x slower."""

    def __init__(self, spec: Spec) -> None:
        self._objects = _keys(spec)
        self._ids = {id(obj): key for key, obj in self._objects.items()}
        self._table = {type(obj): self._reduce for obj in self._objects.values()}

    def _reduce(self, obj: object) -> Any:
        key = self._ids.get(id(obj))
        if key is None:  # a copy made while planning (e.g. a replaced model): by value
            return obj.__reduce_ex__(pickle.HIGHEST_PROTOCOL)
        return spec_object, (key,)

    def dumps(self, value: Any) -> bytes:
        buffer = io.BytesIO()
        pickler = pickle.Pickler(buffer, protocol=pickle.HIGHEST_PROTOCOL)
        pickler.dispatch_table = self._table
        pickler.dump(value)
        return buffer.getvalue()

    def loads(self, data: bytes) -> Any:
        return _Unpickler(data, self._objects).load()
