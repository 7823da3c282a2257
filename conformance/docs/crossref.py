"""Cross-provider view: one upstream model as every provider sells it, concept by concept.

Relays rename and re-default the same upstream knob (`parameters.sampleCount` default 4 at
Google, `num_images` default 1 at AI/ML API, no knob at all at Apiframe). Parameters are lined up
by their spec `concept` (falling back to the field name), offerings by the upstream model id, so
the differences a relay user trips over sit in one table row.
"""

from __future__ import annotations

from dataclasses import dataclass

from conformance.docs import cells, shapes
from conformance.docs.context import (
    INDEX_PAGE,
    ConflictView,
    LifecycleRow,
    PixelGrid,
    conflict_view,
    cross_page_path,
    default_images_text,
    link,
    model_page_path,
    pixel_grid,
)
from conformance.docs.index import offerings
from conformance.spec.model import Model, Operation, Parameter, Provider, Spec

# Reading order for concept lines; concepts not listed follow in order of first appearance.
CONCEPT_LABELS = {
    "model": "Model id",
    "prompt": "Prompt",
    "image_count": "Number of images",
    "aspect_ratio": "Aspect ratio",
    "image_size": "Size tier",
    "person_generation": "Person generation",
    "safety_setting": "Safety filter",
    "output_format": "Output format",
    "response_encoding": "URL or base64",
    "seed": "Seed",
    "response_modalities": "Response modalities",
    "input_image": "Input image",
    "input_mime_type": "Input image MIME type",
}


@dataclass(frozen=True)
class Offering:
    header: str
    provider: str
    model_id: str
    link: str
    endpoints: str
    auth: str
    status: str
    default_images: str
    response: str


@dataclass(frozen=True)
class ConceptLine:
    label: str
    names: tuple[str, ...]
    defaults: tuple[str, ...]
    values: tuple[str, ...]


@dataclass(frozen=True)
class CrossPage:
    path: str
    title: str
    upstream: str
    index_link: str
    offerings: tuple[Offering, ...]
    lines: tuple[ConceptLine, ...]
    differences: tuple[str, ...]
    pixels: PixelGrid | None
    lifecycle: tuple[LifecycleRow, ...]
    conflicts: tuple[ConflictView, ...]


def concept_key(param: Parameter) -> str:
    if param.concept:
        return param.concept
    if param.name == "model":
        return "model"
    return f"field:{param.name}"


def _is_container(param: Parameter, operation: Operation) -> bool:
    """An object that only holds other documented fields (`parameters`, `imagenParams`)."""
    if param.type != "object" or param.concept:
        return False
    depth = len(param.path)
    return any(p.path[:depth] == param.path and len(p.path) > depth for p in operation.parameters)


def _params_by_key(model: Model) -> dict[str, list[Parameter]]:
    """The model's parameters grouped by concept; the body and pure containers are left out."""
    found: dict[str, list[Parameter]] = {}
    for operation in model.operations:
        for param in operation.parameters:
            if param.name != cells.BODY and not _is_container(param, operation):
                found.setdefault(concept_key(param), []).append(param)
    return found


def _label(key: str) -> str:
    if key.startswith("field:"):
        return cells.code(key.removeprefix("field:"))
    return CONCEPT_LABELS.get(key, key.replace("_", " ").capitalize())


def _ordered_keys(tables: list[dict[str, list[Parameter]]]) -> list[str]:
    seen: list[str] = ["image_count"]  # always shown: the default count differs most often
    for table in tables:
        seen.extend(k for k in table if k not in seen)
    order = list(CONCEPT_LABELS)

    def rank(key: str) -> tuple[int, int]:
        if key in CONCEPT_LABELS:
            return (0, order.index(key))
        return (1 if not key.startswith("field:") else 2, seen.index(key))

    return sorted(seen, key=rank)


def _name_cell(params: list[Parameter]) -> str:
    return " / ".join(cells.field_cell(p) for p in params) if params else "none"


def _default_cell(key: str, params: list[Parameter], model: Model) -> str:
    if params:
        return " / ".join(cells.default_cell(p) for p in params)
    if key == "image_count":
        return f"{model.default_image_count} (no parameter)"
    return cells.NONE


def _values_cell(params: list[Parameter]) -> str:
    return " / ".join(cells.values_cell(p) for p in params) if params else cells.NONE


def _grouped(headers: list[str], texts: list[str]) -> str:
    groups: dict[str, list[str]] = {}
    for header, text in zip(headers, texts, strict=True):
        groups.setdefault(text, []).append(header)
    return " · ".join(f"{', '.join(who)}: {text}" for text, who in groups.items())


def _enum(param: Parameter) -> tuple[object, ...] | None:
    return param.enum if param.enum is not None else param.items_enum


def _enum_differences(label: str, who: list[str], params: list[Parameter]) -> list[str]:
    """Enum lines compared as sets (order is not a difference), then case sensitivity."""
    enums = [_enum(p) or () for p in params]
    out: list[str] = []
    if len({frozenset(e) for e in enums}) > 1:
        union: list[object] = []
        for enum in enums:
            union.extend(v for v in enum if v not in union)
        common = set(enums[0]).intersection(*map(set, enums[1:]))
        if common:
            parts = []
            for provider, enum in zip(who, enums, strict=True):
                missing = [v for v in union if v not in enum]
                if missing:
                    parts.append(f"{provider} lacks " + ", ".join(cells.code(v) for v in missing))
            out.append(f"{label} values differ: " + "; ".join(parts) + ".")
        else:
            texts = [", ".join(cells.code(v) for v in enum) for enum in enums]
            out.append(f"{label} values use different vocabularies — {_grouped(who, texts)}.")
    flags = [p.case_insensitive for p in params]
    if any(flags) and not all(flags):
        loose = ", ".join(w for w, f in zip(who, flags, strict=True) if f)
        exact = ", ".join(w for w, f in zip(who, flags, strict=True) if not f)
        out.append(
            f"{label} values are case-insensitive at {loose}; "
            f"case is not documented as optional at {exact}."
        )
    return out


def _differences(
    label: str,
    key: str,
    providers: list[str],
    per_offering: list[list[Parameter]],
    line: ConceptLine,
) -> list[str]:
    """Bullets for what differs on one line: names (concepts only), defaults, values."""
    out: list[str] = []
    if not key.startswith("field:") and len(set(line.names)) > 1:
        out.append(f"{label} is sent as — {_grouped(providers, list(line.names))}.")
    if key == "model":
        return out  # each provider names its own model; nothing to compare
    present = [i for i, params in enumerate(per_offering) if params]
    defaults = range(len(providers)) if key == "image_count" else present
    chosen = [line.defaults[i] for i in defaults]
    if len(set(chosen)) > 1:
        out.append(f"{label} default — {_grouped([providers[i] for i in defaults], chosen)}.")
    who = [providers[i] for i in present]
    single = [per_offering[i][0] for i in present if len(per_offering[i]) == 1]
    if len(single) == len(present) > 1 and all(_enum(p) is not None for p in single):
        out.extend(_enum_differences(label, who, single))
        return out
    chosen = [line.values[i] for i in present]
    if len(set(chosen)) > 1:
        out.append(f"{label} values — {_grouped(who, chosen)}.")
    return out


def _header(provider: Provider, model: Model) -> str:
    return provider.id if model.id == model.upstream else f"{provider.id} ({cells.code(model.id)})"


def _offering(page: str, provider: Provider, model: Model) -> Offering:
    entry = model.entry_operations
    header = _header(provider, model)
    responses = []
    for operation in entry:
        poll = model.operation(operation.job.poll_operation) if operation.job else None
        responses.append(shapes.response_summary(operation, poll))
    return Offering(
        header=header,
        provider=provider.title,
        model_id=model.id,
        link=link(page, model_page_path(provider, model)),
        endpoints="\n".join(f"`{o.method} {o.path}`" for o in model.operations),
        auth=" or ".join(shapes.auth_text(s, provider.auth.key_env) for s in provider.auth.schemes),
        status=model.status,
        default_images=default_images_text(model),
        response="\n".join(responses),
    )


def cross_page(upstream: str, entries: list[tuple[Provider, Model]]) -> CrossPage:
    path = cross_page_path(upstream)
    tables = [_params_by_key(model) for _, model in entries]
    providers = [p.id for p, _ in entries]
    lines: list[ConceptLine] = []
    differences: list[str] = []
    for key in _ordered_keys(tables):
        per_offering = [table.get(key, []) for table in tables]
        line = ConceptLine(
            label=_label(key),
            names=tuple(_name_cell(params) for params in per_offering),
            defaults=tuple(
                _default_cell(key, params, model)
                for params, (_, model) in zip(per_offering, entries, strict=True)
            ),
            values=tuple(_values_cell(params) for params in per_offering),
        )
        lines.append(line)
        differences.extend(_differences(line.label, key, providers, per_offering, line))
    first = entries[0][1]
    conflicts: list[ConflictView] = []
    seen: set[tuple[str, str]] = set()
    for provider, model in entries:
        for conflict in model.conflicts:
            if (conflict.topic, conflict.choice) in seen:
                continue
            seen.add((conflict.topic, conflict.choice))
            shared = all(conflict in m.conflicts for _, m in entries)
            scope = "every provider" if shared and len(entries) > 1 else provider.title
            conflicts.append(conflict_view(conflict, scope))
    return CrossPage(
        path=path,
        title=f"{first.title} (`{upstream}`) across providers",
        upstream=upstream,
        index_link=link(path, INDEX_PAGE),
        offerings=tuple(_offering(path, p, m) for p, m in entries),
        lines=tuple(lines),
        differences=tuple(differences),
        pixels=pixel_grid(first),
        lifecycle=tuple(
            LifecycleRow(
                "Google (upstream)",
                e.scope,
                e.status,
                e.date or cells.NONE,
                e.note or "",
                e.source.cite(),
            )
            for e in first.upstream_lifecycle
        ),
        conflicts=tuple(conflicts),
    )


def cross_pages(spec: Spec) -> list[CrossPage]:
    return [cross_page(upstream, entries) for upstream, entries in offerings(spec).items()]
