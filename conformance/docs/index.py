"""The index page and the grouping of offerings by upstream model that the index links to.

Kept apart from the per-model view so each page kind has its own module; ordering is fixed here
(providers in spec order, Google first among the sellers of one upstream model) so that the
generated index and cross-provider pages are byte-stable.
"""

from __future__ import annotations

from dataclasses import dataclass

from conformance.docs import shapes
from conformance.docs.context import INDEX_PAGE, cross_page_path, link, model_page_path
from conformance.spec.model import Model, Provider, Spec


@dataclass(frozen=True)
class IndexRow:
    provider: str
    model: str
    link: str
    upstream: str
    endpoints: str
    auth: str
    status: str
    upstream_status: str
    default_images: str


@dataclass(frozen=True)
class CrossLink:
    upstream: str
    title: str
    link: str
    sold_by: str


@dataclass(frozen=True)
class IndexPage:
    path: str
    rows: tuple[IndexRow, ...]
    cross: tuple[CrossLink, ...]


def offerings(spec: Spec) -> dict[str, list[tuple[Provider, Model]]]:
    """Every (provider, model) selling each upstream model: Google first, then by provider id."""
    grouped: dict[str, list[tuple[Provider, Model]]] = {}
    for provider in spec.providers:
        for model in provider.models:
            grouped.setdefault(model.upstream, []).append((provider, model))
    for entries in grouped.values():
        entries.sort(key=lambda pm: (pm[0].id != "google", pm[0].id, pm[1].id))
    return dict(sorted(grouped.items()))


def index_page(spec: Spec) -> IndexPage:
    rows = []
    for provider in spec.providers:
        auth = " or ".join(
            shapes.auth_text(s, provider.auth.key_env) for s in provider.auth.schemes
        )
        for model in provider.models:
            rows.append(
                IndexRow(
                    provider=provider.title,
                    model=model.id,
                    link=link(INDEX_PAGE, model_page_path(provider, model)),
                    upstream=model.upstream,
                    endpoints="\n".join(f"`{o.method} {o.path}`" for o in model.operations),
                    auth=auth,
                    status=model.status,
                    upstream_status=model.upstream_status,
                    default_images=str(model.default_image_count),
                )
            )
    cross = tuple(
        CrossLink(
            upstream=upstream,
            title=entries[0][1].title,
            link=link(INDEX_PAGE, cross_page_path(upstream)),
            sold_by=", ".join(p.id for p, _ in entries),
        )
        for upstream, entries in offerings(spec).items()
    )
    return IndexPage(INDEX_PAGE, tuple(rows), cross)
