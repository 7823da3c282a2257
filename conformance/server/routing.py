"""The relay's route table, built from the spec: every provider x model x operation.

Each operation is served at `/<provider><operation.path>`. Several models may share one path
(OpenAI-style and Apiframe put the model in the body), so a path maps to a list of targets and
the body's `model` value picks one. Paths with `{name}` segments (a job id) match as templates.
The Gemini API itself answers its `/v1beta/` routes under `/v1/` too (google-genai 3.x calls
`/v1/` by default), so the provider whose base URL is Google's serves both; a relay serves only
the paths it documents.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from urllib.parse import urlsplit

from conformance.spec.model import Model, Operation, Provider, Spec

_PARAM = re.compile(r"\{([A-Za-z_][A-Za-z0-9_]*)\}")
#: Base-URL hosts that serve `/v1beta/...` under `/v1/...` as well.
V1_ALIAS_HOSTS = frozenset({"generativelanguage.googleapis.com"})
_V1, _V1BETA = "/v1/", "/v1beta/"


@dataclass(frozen=True)
class Target:
    """One model's operation behind a route."""

    model: Model
    operation: Operation


@dataclass
class ProviderRoutes:
    """The routes of one provider: exact paths, then templates, each by method."""

    provider: Provider
    exact: dict[str, dict[str, list[Target]]] = field(default_factory=dict)
    templates: list[tuple[re.Pattern[str], dict[str, list[Target]]]] = field(default_factory=list)

    def add(self, target: Target) -> None:
        path = target.operation.path
        method = target.operation.method.upper()
        if _PARAM.search(path):
            regex = _template_regex(path)
            for pattern, methods in self.templates:
                if pattern.pattern == regex.pattern:
                    methods.setdefault(method, []).append(target)
                    return
            self.templates.append((regex, {method: [target]}))
        else:
            self.exact.setdefault(path, {}).setdefault(method, []).append(target)

    def match(self, method: str, path: str) -> RouteMatch | None:
        """The targets for `path`, or None when no route has that path (-> 404)."""
        found = self._match(method, path)
        if found is None and path.startswith(_V1) and self.v1_alias:
            return self._match(method, _V1BETA + path[len(_V1) :])
        return found

    @property
    def v1_alias(self) -> bool:
        return urlsplit(self.provider.base_url).hostname in V1_ALIAS_HOSTS

    def _match(self, method: str, path: str) -> RouteMatch | None:
        methods = self.exact.get(path)
        params: dict[str, str] = {}
        if methods is None:
            for pattern, candidates in self.templates:
                found = pattern.fullmatch(path)
                if found is not None:
                    methods, params = candidates, found.groupdict()
                    break
        if methods is None:
            return None
        return RouteMatch(tuple(methods.get(method.upper(), ())), tuple(sorted(methods)), params)


@dataclass(frozen=True)
class RouteMatch:
    """Targets for the request's method (empty: wrong method), the allowed methods, params."""

    targets: tuple[Target, ...]
    allowed: tuple[str, ...]
    params: Mapping[str, str]


def _template_regex(path: str) -> re.Pattern[str]:
    pieces: list[str] = []
    last = 0
    for found in _PARAM.finditer(path):
        pieces.append(re.escape(path[last : found.start()]))
        pieces.append(f"(?P<{found.group(1)}>[^/]+)")
        last = found.end()
    pieces.append(re.escape(path[last:]))
    return re.compile("".join(pieces))


def build_routes(
    spec: Spec, provider_ids: Iterable[str] | None, families: Iterable[str]
) -> dict[str, ProviderRoutes]:
    """Routes for the selected providers (all when None), for the families the relay answers.

    Raises ValueError for an unknown provider id.
    """
    known = {p.id for p in spec.providers}
    wanted = set(known if provider_ids is None else provider_ids)
    unknown = sorted(wanted - known)
    if unknown:
        raise ValueError(
            f"unknown provider(s): {', '.join(unknown)}; "
            f"known providers: {', '.join(sorted(known))}"
        )
    served = set(families)
    table: dict[str, ProviderRoutes] = {}
    for provider in spec.providers:
        if provider.id not in wanted:
            continue
        routes = ProviderRoutes(provider)
        for model in provider.models:
            for operation in model.operations:
                if operation.family in served:
                    routes.add(Target(model, operation))
        table[provider.id] = routes
    return table
