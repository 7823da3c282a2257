"""Path parameters given at run time: the user's own project and location in a provider's URL.

A provider whose URL layout carries more than the model (Vertex AI's
`/v1/projects/{project}/locations/{location}/publishers/google/models/{model}:predict`) names a
documented placeholder for each segment under `path_params:` (`project: conformance-test`), so
plans, recordings and the reference relay work without an account. A run against a real
Vertex-routed gateway needs the user's project in the path: `--path-param project=my-proj`
replaces the placeholder in every selected operation whose path has that segment, and the spec
is rebuilt with the new paths, so every planned request, repro line and recording uses them.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, replace
from typing import Final

from conformance.spec.model import Model, Operation, Provider, Spec

_SEGMENT: Final = re.compile(r"\{([A-Za-z_][A-Za-z0-9_]*)\}")
#: A value stays inside its path segment: RFC 3986 unreserved characters only.
_VALUE: Final = re.compile(r"^[A-Za-z0-9._~-]+$")
#: Filled from the model id, never from the command line.
RESERVED: Final = frozenset({"model"})


@dataclass(frozen=True)
class PathParamError:
    """Why a `NAME=VALUE` cannot be used, with a hint."""

    message: str
    hint: str

    def __str__(self) -> str:
        return f"{self.message} ({self.hint})"


def parse_path_param(text: str) -> tuple[str, str] | PathParamError:
    """`project=my-proj` -> ("project", "my-proj")."""
    name, sep, value = text.partition("=")
    name, value = name.strip(), value.strip()
    if not sep or not name:
        return PathParamError(f"{text!r} is not NAME=VALUE", "e.g. --path-param project=my-proj")
    if name in RESERVED:
        return PathParamError(f"{{{name}}} is filled from the model id", "select it with --model")
    if not _VALUE.match(value):
        return PathParamError(
            f"{name}={value!r} cannot be one path segment",
            "use letters, digits and . _ ~ - only",
        )
    return name, value


def segments(operation: Operation) -> set[str]:
    """The path parameters an operation's URL layout has, the model's excepted."""
    return set(_SEGMENT.findall(operation.path_template)) - RESERVED


def known_segments(providers: Iterable[Provider]) -> set[str]:
    return {s for p in providers for m in p.models for o in m.operations for s in segments(o)}


def _path(operation: Operation, model: Model, values: Mapping[str, str]) -> str:
    params = {**dict(operation.path_params), **values}
    path = operation.path_template.replace("{model}", model.id)
    for name in segments(operation):
        if name in params:
            path = path.replace("{" + name + "}", params[name])
    return path


def with_path_params(spec: Spec, values: Mapping[str, str], providers: Iterable[str] = ()) -> Spec:
    """The spec with `values` in the paths of the given providers' operations (all if none)."""
    chosen = set(providers)
    if not values:
        return spec

    def model(m: Model) -> Model:
        ops = tuple(
            replace(
                o,
                path=_path(o, m, values),
                path_params=tuple(sorted({**dict(o.path_params), **values}.items())),
            )
            if segments(o) & set(values)
            else o
            for o in m.operations
        )
        return replace(m, operations=ops)

    return replace(
        spec,
        providers=tuple(
            replace(p, models=tuple(model(m) for m in p.models))
            if not chosen or p.id in chosen
            else p
            for p in spec.providers
        ),
    )
