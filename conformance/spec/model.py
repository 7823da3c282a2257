"""The resolved spec model: frozen dataclasses every other layer reads.

A `Spec` holds providers; each provider's models carry their operations with parameters already
merged across the layers (family -> upstream model -> provider -> provider model), so consumers
never re-implement the layering. Every node keeps the `Location` it was declared at, so findings
and docs can point at the spec line behind a rule.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from functools import cached_property
from typing import TYPE_CHECKING, Any, Literal

from conformance.spec.diagnostics import Location

if TYPE_CHECKING:
    from conformance.spec.headers import StaticHeader
    from conformance.spec.wire import WireForm

Enforcement = Literal["enforced", "advisory", "channel-dependent"]
ParamIn = Literal["body", "path", "query", "header"]
JsonType = Literal["string", "integer", "number", "boolean", "array", "object"]

WILDCARD = "*"


@dataclass(frozen=True)
class Source:
    """A citation: a document (seed page, upstream reference) and a section, as of a date."""

    ref: str
    title: str
    document: str
    as_of: str
    section: str | None = None
    says: str | None = None

    def cite(self) -> str:
        where = f" — {self.section}" if self.section else ""
        return f"{self.title}{where} (as of {self.as_of})"

    @property
    def assumed(self) -> bool:
        return self.ref == "assumed"


@dataclass(frozen=True)
class LengthLimit:
    value: int
    unit: Literal["characters", "tokens", "bytes"]
    enforcement: Enforcement


@dataclass(frozen=True)
class Parameter:
    """One documented request parameter, merged across every layer that mentions it."""

    name: str
    location: ParamIn
    path: tuple[str, ...]
    aliases: tuple[str, ...]
    type: JsonType
    required: bool
    required_in: Literal["each", "some"]
    enforcement: Enforcement
    description: str
    sources: tuple[Source, ...]
    declared_at: Location
    concept: str | None = None
    has_default: bool = False
    default: Any = None
    default_note: str | None = None
    default_enforcement: Enforcement = "enforced"
    enum: tuple[Any, ...] | None = None
    items_enum: tuple[Any, ...] | None = None
    case_insensitive: bool = False
    values_from: Source | None = None
    value_mime: Mapping[str, str] | None = None
    minimum: float | None = None
    maximum: float | None = None
    min_length: int | None = None
    max_length: LengthLimit | None = None
    min_items: int | None = None
    max_items: int | None = None
    unique_items: bool = False
    format: str | None = None
    closed: bool = False
    exactly_one_of: tuple[str, ...] = ()
    #: (parameter name, value) pairs: when this parameter is sent, each named parameter of the
    #: same operation must be sent with exactly that value (Vertex's seed needs
    #: addWatermark: false). Checked against the operation when the spec is resolved.
    requires: tuple[tuple[str, Any], ...] = ()
    secret: bool = False
    notes: tuple[str, ...] = ()
    rule_locations: Mapping[str, Location] = field(default_factory=dict)

    @property
    def source(self) -> Source:
        return self.sources[0]

    @property
    def pointer(self) -> str:
        """The parameter's JSON pointer into the body, `*` standing for any array index."""
        return "".join(f"/{token}" for token in self.path)

    def rule_location(self, rule: str) -> Location:
        """Where the spec declared `rule` (e.g. "enum", "maximum") for this parameter."""
        return self.rule_locations.get(rule, self.declared_at)

    @property
    def property_names(self) -> tuple[str, ...]:
        """The names this parameter may be sent under in its parent object (camel and snake)."""
        return (self.path[-1], *self.aliases) if self.path else ()

    @property
    def is_container(self) -> bool:
        return self.type in ("object", "array") and self.items_enum is None

    @property
    def is_fixed(self) -> bool:
        """Required, with one documented value and no concept of its own (a chat message's
        `role: user`): every valid request carries exactly that value."""
        return (
            self.required
            and bool(self.path)
            and self.enum is not None
            and len(self.enum) == 1
            and self.concept is None
        )


@dataclass(frozen=True)
class PixelSize:
    width: int
    height: int

    def __str__(self) -> str:
        return f"{self.width}x{self.height}"


@dataclass(frozen=True)
class PixelEntry:
    ratio: str
    tier: str
    size: PixelSize
    enforcement: Enforcement
    source: Source
    declared_at: Location


@dataclass(frozen=True)
class LifecycleEvent:
    status: Literal["ga", "preview", "deprecated", "retired"]
    scope: str
    source: Source
    date: str | None = None
    note: str | None = None


@dataclass(frozen=True)
class Conflict:
    topic: str
    sources: tuple[Source, ...]
    choice: str
    why: str
    declared_at: Location


@dataclass(frozen=True)
class Price:
    value: float
    unit: str
    per: str
    source: Source


@dataclass(frozen=True)
class JobSpec:
    """How an asynchronous job is polled (Apiframe-style)."""

    poll_operation: str
    id_pointer: str
    status_pointer: str
    states: tuple[str, ...]
    terminal: tuple[str, ...]
    success: str
    source: Source


@dataclass(frozen=True)
class ImageLocator:
    """Where images sit in a response: item pointer plus fields relative to each item."""

    items: str
    data: str | None = None
    mime: str | None = None
    uri: str | None = None
    filtered: str | None = None
    #: The answer form's name (`images`, `content`, `content_blocks`) and where it is documented.
    form: str | None = None
    source: Source | None = None


@dataclass(frozen=True)
class BlockedRule:
    """A response pointer whose presence (or listed values) means a content-policy outcome."""

    pointer: str
    outcome: str
    values: tuple[str, ...] | None = None


@dataclass(frozen=True)
class RequiredField:
    """A field real upstream answers always carry, with the evidence: `pointer` ("*" for array
    items) names it; `when` limits it to items that hold that sibling (an image, not a filtered
    item)."""

    pointer: str
    source: Source
    declared_at: Location
    when: str | None = None


@dataclass(frozen=True)
class ResponseSpec:
    content_type: str
    schema: Mapping[str, Any]
    foreign_shapes: Mapping[str, Mapping[str, Any]]
    images: ImageLocator | None
    blocked: tuple[BlockedRule, ...]
    declared_at: Location
    required: tuple[RequiredField, ...] = ()
    #: Other places gateways put the same images (`image_forms:`): the forms are alternatives,
    #: read in order, and the first that holds any image item is the answer's.
    image_forms: tuple[ImageLocator, ...] = ()

    def locators(self) -> tuple[ImageLocator, ...]:
        """Every documented image form, the primary first."""
        return ((self.images,) if self.images is not None else ()) + self.image_forms


@dataclass(frozen=True)
class PathField:
    """A request-message field the URL path binds that proto3 JSON also reads from the body."""

    name: str
    template: str
    source: Source
    declared_at: Location


@dataclass(frozen=True)
class ProtoEnum:
    """The numbers of a proto enum: proto3 JSON accepts an enum's name or its number."""

    parameter: str
    numbers: Mapping[str, int]
    source: Source


@dataclass(frozen=True)
class UntypedZone:
    """A body path holding a `google.protobuf.Value`/`Struct`: no proto typing applies below it."""

    path: tuple[str, ...]
    proto_type: str
    source: Source


@dataclass(frozen=True)
class JsonMapping:
    """How the upstream parses request bodies (`format: proto3`: the protobuf JSON mapping)."""

    format: Literal["proto3"]
    message: str
    message_source: Source
    source: Source
    path_fields: tuple[PathField, ...]
    enums: tuple[ProtoEnum, ...]
    untyped: tuple[UntypedZone, ...]
    conflicts: tuple[Conflict, ...]
    declared_at: Location

    def typed(self, path: tuple[str, ...]) -> bool:
        """Whether the field at `path` is a proto field (not inside a Value/Struct)."""
        return not any(
            path[: len(z.path)] == z.path and len(path) > len(z.path) for z in self.untyped
        )

    def enum_for(self, parameter: str) -> ProtoEnum | None:
        return next((e for e in self.enums if e.parameter == parameter), None)


@dataclass(frozen=True)
class Operation:
    """One HTTP operation of one model at one provider, parameters fully resolved."""

    name: str
    family: str
    method: str
    path_template: str
    path: str
    success_status: int
    parameters: tuple[Parameter, ...]
    response: ResponseSpec
    declared_at: Location
    body_limit: int | None = None
    job: JobSpec | None = None
    #: Documented answers to wire-level mistakes (malformed JSON, no Content-Type, ...).
    wire: tuple[WireForm, ...] = ()
    json_mapping: JsonMapping | None = None
    #: The values planned requests put in the path's other segments (`project`, `location`):
    #: the spec's documented placeholders, or the run's `--path-param` (spec/path_params.py).
    path_params: tuple[tuple[str, str], ...] = ()

    @property
    def has_body(self) -> bool:
        return any(p.location == "body" for p in self.parameters)

    def parameter(self, name: str) -> Parameter | None:
        return next((p for p in self.parameters if p.name == name), None)

    def by_concept(self, concept: str) -> Parameter | None:
        """The enforced-first parameter that carries `concept` (e.g. "image_count")."""
        found = [p for p in self.parameters if p.concept == concept]
        found.sort(key=lambda p: p.enforcement != "enforced")
        return found[0] if found else None

    @cached_property  # the planner asks ~800 times for a google run's 6 operations
    def body_parameters(self) -> tuple[Parameter, ...]:
        return tuple(p for p in self.parameters if p.location == "body")


@dataclass(frozen=True)
class AuthScheme:
    kind: Literal["bearer", "header", "query"]
    name: str
    source: Source


@dataclass(frozen=True)
class AuthRejection:
    status: tuple[int, ...]
    error_status: str
    message: str
    reason: str | None = None


@dataclass(frozen=True)
class AuthSpec:
    key_env: str
    schemes: tuple[AuthScheme, ...]
    missing: AuthRejection
    wrong: AuthRejection
    source: Source
    notes: tuple[str, ...] = ()


@dataclass(frozen=True)
class ExpectedError:
    """What an envelope answers to one class of mistake (`invalid-argument`, `unknown-model`):
    the HTTP status, the status/type/code word at the envelope's `label`, and whether `param`
    names the offending field."""

    mistake: str
    status: int
    label: str | None
    param: bool
    source: Source
    declared_at: Location


@dataclass(frozen=True)
class EnvelopeFields:
    """Where an envelope keeps what the checks compare (JSON pointers, `*` for array items):
    the status/type/code word, the numeric code that must equal the HTTP status, the offending
    field, the `details[].reason` values; `canonical` names the table the word must follow."""

    label: str | None = None
    code: str | None = None
    param: str | None = None
    reasons: str | None = None
    canonical: str | None = None


@dataclass(frozen=True)
class Envelope:
    id: str
    title: str
    schema: Mapping[str, Any]
    content_type: str
    source: Source
    assumed: bool
    declared_at: Location
    fields: EnvelopeFields = field(default_factory=EnvelopeFields)
    mistakes: Mapping[str, ExpectedError] = field(default_factory=dict)


@dataclass(frozen=True)
class Model:
    """A model as one provider sells it (its own id), with its upstream facts merged in."""

    id: str
    upstream: str
    title: str
    family: str
    capabilities: tuple[str, ...]
    output_mime: str
    tiers: tuple[str, ...]
    default_image_count: int
    default_image_count_source: Source
    pixel_sizes: tuple[PixelEntry, ...]
    tokens_per_image: Mapping[str, int]
    lifecycle: tuple[LifecycleEvent, ...]
    upstream_lifecycle: tuple[LifecycleEvent, ...]
    operations: tuple[Operation, ...]
    conflicts: tuple[Conflict, ...]
    declared_at: Location
    price: Price | None = None
    notes: tuple[str, ...] = ()
    #: The upstream channel (lifecycle scope) the provider serves the model through, if named.
    channel: str | None = None
    # Where the lifecycle `status` is read from (None: no lifecycle stated anywhere, so "ga").
    lifecycle_at: Location | None = None

    def operation(self, name: str) -> Operation | None:
        return next((o for o in self.operations if o.name == name), None)

    def pixel_size(self, ratio: str, tier: str) -> PixelEntry | None:
        return next((e for e in self.pixel_sizes if e.ratio == ratio and e.tier == tier), None)

    @property
    def status(self) -> str:
        """The provider's own current lifecycle status (last event), else upstream's."""
        events = self.lifecycle or self.upstream_lifecycle
        return events[-1].status if events else "ga"

    @property
    def status_origin(self) -> str:
        """Which layer decided `status`, and in which file: what `conformance list` shows."""
        layer = "provider" if self.lifecycle else "upstream" if self.upstream_lifecycle else None
        if layer is None or self.lifecycle_at is None:
            return "default: no lifecycle stated"
        at = self.lifecycle_at
        return f"{layer} lifecycle, {at.file}:{at.line}"

    @property
    def upstream_status(self) -> str:
        return self.upstream_lifecycle[-1].status if self.upstream_lifecycle else "ga"

    @property
    def entry_operations(self) -> tuple[Operation, ...]:
        """Operations a client calls first (not the poll side of a job)."""
        polled = {o.job.poll_operation for o in self.operations if o.job}
        return tuple(o for o in self.operations if o.name not in polled)


@dataclass(frozen=True)
class Provider:
    id: str
    title: str
    base_url: str
    auth: AuthSpec
    envelope: Envelope
    models: tuple[Model, ...]
    conflicts: tuple[Conflict, ...]
    declared_at: Location
    file: str
    #: Sent with every request of the provider's cases (gateway routing headers).
    headers: tuple[StaticHeader, ...] = ()
    #: Where the provider's expected errors come from: its own documentation, the upstream
    #: behaviour it relays (its pages are silent), or an assumption.
    error_basis: Literal["documented", "upstream", "assumed"] = "documented"

    def model(self, model_id: str) -> Model | None:
        return next((m for m in self.models if m.id == model_id), None)


@dataclass(frozen=True)
class Spec:
    providers: tuple[Provider, ...]
    sources: Mapping[str, Source]
    envelopes: Mapping[str, Envelope]
    root: str

    def provider(self, provider_id: str) -> Provider | None:
        return next((p for p in self.providers if p.id == provider_id), None)

    def iter_operations(self) -> Iterator[tuple[Provider, Model, Operation]]:
        for provider in self.providers:
            for model in provider.models:
                for operation in model.operations:
                    yield provider, model, operation
