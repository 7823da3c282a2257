"""Resolving what gateways as deployed need from a spec (issue 16), apart from the main stages:
a provider's static headers, a family's documented wire-level answers, a provider's own URL
layout (Vertex AI's `/v1/projects/{project}/...`), and the upstream channel a provider model is
served through. Each is a function of a resolver (for its diagnostics and sources), called from
the stage it belongs to.
"""

from __future__ import annotations

import re
from typing import Any

from conformance.spec import model as m
from conformance.spec.headers import StaticHeader, check_name
from conformance.spec.resolve_catalogues import CatalogueResolver
from conformance.spec.source import SourceDocument, pointer_join
from conformance.spec.wire import KEYS, WireForm, status_problem

_SEGMENT = re.compile(r"\{([A-Za-z_][A-Za-z0-9_]*)\}")


def static_headers(r: CatalogueResolver, doc: SourceDocument, raw: Any) -> tuple[StaticHeader, ...]:
    """A provider's `headers:`, names unique case-insensitively, each with its source."""
    out: dict[str, StaticHeader] = {}
    for i, item in enumerate(raw or []):
        at = pointer_join("/headers", i)
        bad = check_name(item["name"])
        if bad is not None:
            r.err(doc, pointer_join(at, "name"), "spec.bad-header", bad.message, bad.hint)
            continue
        if item["name"].lower() in out:
            r.err(doc, at, "spec.duplicate", f"header {item['name']!r} listed twice")
            continue
        out[item["name"].lower()] = StaticHeader(
            item["name"],
            item["value"],
            bool(item.get("secret", False)),
            r.required_source(doc, pointer_join(at, "source"), item["source"]),
            item.get("description"),
            doc.location(at),
        )
    return tuple(out.values())


def wire_forms(
    r: CatalogueResolver, doc: SourceDocument, at: str, raw: Any
) -> tuple[WireForm, ...]:
    """A family operation's `wire:` answers; statuses of one class (2xx or 4xx) each."""
    out: list[WireForm] = []
    for key, item in (raw or {}).items():
        here = pointer_join(at, key)
        statuses = tuple(item["status"])
        problem = status_problem(statuses)
        if problem is not None:
            r.err(doc, pointer_join(here, "status"), "spec.bad-wire-status", problem)
            continue
        out.append(
            WireForm(
                KEYS[key],
                statuses,
                r.required_source(doc, pointer_join(here, "source"), item["source"]),
                bool(item.get("allow", False)),
                bool(item.get("upstream", False)),
                item.get("method"),
                item.get("note"),
                doc.location(here),
            )
        )
    return tuple(out)


def planned_path(
    r: CatalogueResolver,
    doc: SourceDocument,
    name: str,
    provider_op: dict[str, Any],
    template: str,
    model: str,
) -> str:
    """The path planned requests use: `{model}` and the provider's `path_params` filled in.
    The relay routes on the template, so any project or location is served."""
    path = template.replace("{model}", model)
    for key, value in provider_op.get("path_params", {}).items():
        path = path.replace("{" + key + "}", value)
    if "path" in provider_op:
        left = sorted(set(_SEGMENT.findall(path)))
        if left:
            r.err(
                doc,
                pointer_join(pointer_join("/operations", name), "path"),
                "spec.unfilled-path",
                f"path segment(s) {', '.join(left)} have no value for planned requests",
                "give them under `path_params:`",
            )
    return path


def channel_lifecycle(
    r: CatalogueResolver,
    doc: SourceDocument,
    at: str,
    channel: str | None,
    events: tuple[m.LifecycleEvent, ...],
) -> tuple[m.LifecycleEvent, ...]:
    """The upstream events of the channel a provider model is served through (all without
    one): Imagen via Vertex AI is deprecated there, not retired as on the Gemini API."""
    if channel is None:
        return events
    scoped = tuple(e for e in events if e.scope == channel)
    if not scoped:
        scopes = sorted({e.scope for e in events})
        r.err(
            doc,
            pointer_join(at, "channel"),
            "spec.unknown-channel",
            f"the upstream model has no lifecycle for channel {channel!r}",
            f"its channels: {', '.join(scopes) or '(none)'}",
        )
    return scoped
