"""Turn the resolved spec into plain view models for the per-model pages and the index.

Pure functions of the spec: no I/O, no dates, no dict-order surprises (everything follows spec
order, which the resolver keeps stable), so rendering the same specs twice gives the same bytes.
Templates only lay these values out; every fact is worded in `cells` and `shapes`.
"""

from __future__ import annotations

import posixpath
from dataclasses import dataclass

from conformance.docs import cells, shapes
from conformance.docs.mapping import mapping_rules
from conformance.docs.siblings import sibling_rules
from conformance.spec.model import (
    Conflict,
    LifecycleEvent,
    Model,
    Operation,
    Parameter,
    Provider,
    Spec,
)

INDEX_PAGE = "index.md"


def model_page_path(provider: Provider, model: Model) -> str:
    """`<provider>/<model>.md`; a model id with `/` (AI/ML API's) nests a directory."""
    return f"{provider.id}/{model.id}.md"


def cross_page_path(upstream: str) -> str:
    return f"models/{upstream}.md"


def link(source: str, target: str) -> str:
    """Relative link from one generated page to another."""
    return posixpath.relpath(target, posixpath.dirname(source) or ".")


@dataclass(frozen=True)
class ParamRow:
    name: str
    field: str
    type: str
    required: str
    default: str
    values: str
    description: str
    source: str


@dataclass(frozen=True)
class OperationView:
    name: str
    method: str
    path: str
    success_status: int
    content_type: str
    rows: tuple[ParamRow, ...]
    response: str
    foreign_shapes: tuple[str, ...]
    blocked: tuple[str, ...]


@dataclass(frozen=True)
class PixelGrid:
    tiers: tuple[str, ...]
    rows: tuple[tuple[str, tuple[str, ...]], ...]
    sources: tuple[str, ...]


@dataclass(frozen=True)
class LifecycleRow:
    who: str
    scope: str
    status: str
    date: str
    note: str
    source: str


@dataclass(frozen=True)
class ConflictView:
    topic: str
    scope: str
    sources: tuple[str, ...]
    choice: str
    why: str


@dataclass(frozen=True)
class AuthView:
    schemes: tuple[str, ...]
    sources: tuple[str, ...]
    notes: tuple[str, ...]
    missing: str
    wrong: str


@dataclass(frozen=True)
class ModelPage:
    path: str
    title: str
    provider_id: str
    provider_title: str
    model_id: str
    upstream: str
    upstream_title: str
    cross_link: str
    index_link: str
    base_url: str
    capabilities: str
    default_images: str
    output_mime: str
    price: str | None
    auth: AuthView
    operations: tuple[OperationView, ...]
    rules: tuple[str, ...]
    pixels: PixelGrid | None
    status: str
    upstream_status: str
    lifecycle: tuple[LifecycleRow, ...]
    conflicts: tuple[ConflictView, ...]
    error_envelope: str
    error_shape: str
    error_source: str


def param_row(param: Parameter, operation: Operation) -> ParamRow:
    return ParamRow(
        name=param.name,
        field=cells.field_cell(param),
        type=cells.type_cell(param),
        required=cells.required_cell(param, operation),
        default=cells.default_cell(param),
        values=cells.values_cell(param),
        description=cells.description_cell(param),
        source=cells.source_cell(param),
    )


def operation_view(model: Model, operation: Operation) -> OperationView:
    poll = model.operation(operation.job.poll_operation) if operation.job else None
    response = operation.response
    return OperationView(
        name=operation.name,
        method=operation.method,
        path=operation.path,
        success_status=operation.success_status,
        content_type=response.content_type,
        rows=tuple(param_row(p, operation) for p in operation.parameters),
        response=shapes.response_summary(operation, poll),
        foreign_shapes=tuple(
            shapes.foreign_text(name, schema)
            for name, schema in sorted(response.foreign_shapes.items())
        ),
        blocked=tuple(
            f"{cells.code(cells.pointer_text(rule.pointer))}"
            + (" in " + ", ".join(cells.code(v) for v in rule.values) if rule.values else "")
            + f" → {rule.outcome}"
            for rule in response.blocked
        ),
    )


def pixel_grid(model: Model) -> PixelGrid | None:
    if not model.pixel_sizes:
        return None
    ratios: list[str] = []
    for entry in model.pixel_sizes:
        if entry.ratio not in ratios:
            ratios.append(entry.ratio)
    rows = []
    for ratio in ratios:
        row = []
        for tier in model.tiers:
            found = model.pixel_size(ratio, tier)
            if found is None:
                row.append(cells.NONE)
            else:
                advisory = " (advisory)" if found.enforcement != "enforced" else ""
                row.append(f"{found.size}{advisory}")
        rows.append((ratio, tuple(row)))
    sources: list[str] = []
    for entry in model.pixel_sizes:
        line = entry.source.cite() + (
            "" if entry.enforcement == "enforced" else f" ({entry.enforcement})"
        )
        if line not in sources:
            sources.append(line)
    return PixelGrid(model.tiers, tuple(rows), tuple(sources))


def _lifecycle_rows(who: str, events: tuple[LifecycleEvent, ...]) -> list[LifecycleRow]:
    return [
        LifecycleRow(who, e.scope, e.status, e.date or cells.NONE, e.note or "", e.source.cite())
        for e in events
    ]


def conflict_view(conflict: Conflict, scope: str) -> ConflictView:
    sources = tuple(s.cite() + (f": “{s.says}”" if s.says else "") for s in conflict.sources)
    return ConflictView(conflict.topic, scope, sources, conflict.choice, conflict.why)


def auth_view(provider: Provider) -> AuthView:
    auth = provider.auth
    sources: list[str] = []
    for cite in [s.source.cite() for s in auth.schemes] + [auth.source.cite()]:
        if cite not in sources:
            sources.append(cite)
    return AuthView(
        schemes=tuple(shapes.auth_text(s, auth.key_env) for s in auth.schemes),
        sources=tuple(sources),
        notes=auth.notes,
        missing=shapes.rejection_text(auth.missing),
        wrong=shapes.rejection_text(auth.wrong),
    )


def default_images_text(model: Model) -> str:
    """How many images a request without a count gets, and who says so."""
    count = model.default_image_count
    noun = "image" if count == 1 else "images"
    param = next((p for o in model.operations if (p := o.by_concept("image_count"))), None)
    if param is not None and param.has_default:
        return f"{count} {noun} (default of {cells.code(param.name)})"
    return f"{count} {noun} (no count parameter; {model.default_image_count_source.cite()})"


def model_rules(provider: Provider, model: Model) -> tuple[str, ...]:
    """What a reader must know beyond the table: tiers, soft limits, spellings, jobs, notes."""
    rules: list[str] = []
    tiers = ", ".join(cells.code(t) for t in model.tiers)
    rule = f"Size tiers: {tiers}."
    if model.tokens_per_image:
        tokens = ", ".join(f"{t} → {n}" for t, n in model.tokens_per_image.items())
        rule += f" Output tokens per image: {tokens}."
    rules.append(rule)
    rules.append(f"A request that sets no image count gets {default_images_text(model)}.")
    rules.extend(sibling_rules(provider, model))
    aliases: list[str] = []
    for operation in model.operations:
        for p in operation.parameters:
            name = cells.code(p.name)
            if p.enforcement != "enforced":
                values = cells.values_cell(p).removesuffix(f" ({p.enforcement})")
                rules.append(
                    f"{name} is {p.enforcement}: whether each of {values} is accepted may "
                    "vary, so a rejection is reported, not failed."
                )
            if p.max_length is not None and p.max_length.enforcement != "enforced":
                rules.append(
                    f"{name}: the limit {cells.limit_text(p)} is reported when "
                    "exceeded, never failed."
                )
            if p.has_default and p.default is not None and p.default_enforcement != "enforced":
                rules.append(
                    f"{name}: the default {cells.code(p.default)} is "
                    f"{p.default_enforcement} (checked and reported, not failed)."
                )
            if p.case_insensitive:
                rules.append(f"{name}: values are accepted in any case.")
            if p.value_mime and any(k != v for k, v in p.value_mime.items()):
                mapping = ", ".join(f"{cells.code(k)} → {v}" for k, v in p.value_mime.items())
                rules.append(f"{name}: output format values map to MIME types: {mapping}.")
            aliases.extend(f"{name} = {cells.code(a)}" for a in p.aliases)
        rules.extend(mapping_rules(operation))
        if operation.body_limit is not None:
            rules.append(
                f"`{operation.name}`: request bodies up to "
                f"{cells.size(operation.body_limit, 'bytes')}."
            )
        if operation.job is not None:
            job = operation.job
            rules.append(
                f"`{operation.name}` starts an asynchronous job: read it with "
                f"`{job.poll_operation}` until its status is "
                + " or ".join(cells.code(s) for s in job.terminal)
                + f" (states: {', '.join(cells.code(s) for s in job.states)}; success: "
                f"{cells.code(job.success)}). Source: {job.source.cite()}."
            )
    if aliases:
        rules.append("Both spellings are accepted (proto-JSON): " + "; ".join(aliases) + ".")
    rules.extend(model.notes)
    return tuple(rules)


def model_page(spec: Spec, provider: Provider, model: Model) -> ModelPage:
    path = model_page_path(provider, model)
    envelope = provider.envelope
    price = None
    if model.price is not None:
        p = model.price
        price = f"{cells.number(p.value)} {p.unit} per {p.per} ({p.source.cite()})"
    lifecycle = _lifecycle_rows(provider.title, model.lifecycle)
    lifecycle += _lifecycle_rows("Google (upstream)", model.upstream_lifecycle)
    conflicts = [conflict_view(c, "this model") for c in model.conflicts]
    conflicts += [conflict_view(c, f"all {provider.title} models") for c in provider.conflicts]
    conflicts += [
        conflict_view(c, f"`{o.name}` bodies at every provider (proto3 JSON mapping)")
        for o in model.operations
        if o.json_mapping is not None
        for c in o.json_mapping.conflicts
    ]
    return ModelPage(
        path=path,
        title=f"{model.title} — {cells.code(model.id)} at {provider.title}",
        provider_id=provider.id,
        provider_title=provider.title,
        model_id=model.id,
        upstream=model.upstream,
        upstream_title=model.title,
        cross_link=link(path, cross_page_path(model.upstream)),
        index_link=link(path, INDEX_PAGE),
        base_url=provider.base_url,
        capabilities=", ".join(model.capabilities),
        default_images=default_images_text(model),
        output_mime=model.output_mime,
        price=price,
        auth=auth_view(provider),
        operations=tuple(operation_view(model, o) for o in model.operations),
        rules=model_rules(provider, model),
        pixels=pixel_grid(model),
        status=model.status,
        upstream_status=model.upstream_status,
        lifecycle=tuple(lifecycle),
        conflicts=tuple(conflicts),
        error_envelope=envelope.title + (" — assumed" if envelope.assumed else ""),
        error_shape=shapes.compact_shape(envelope.schema),
        error_source=envelope.source.cite(),
    )
