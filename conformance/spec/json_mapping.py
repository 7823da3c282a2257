"""A family's JSON mapping (`json_mapping: {format: proto3}`): read it and apply it to parameters.

Google's native routes parse bodies with the protobuf JSON mapping, so a request Google accepts
may spell a field in snake_case or lowerCamelCase and may repeat a field the URL path binds
(`model`). Those two rules change which parameters exist, so they are applied here, once, to the
resolved parameters (every consumer then sees the aliases and the body field); the rules that
only widen accepted values (null, quoted integers, enum numbers) are turned into schema keywords
by `schema.build` and read back by the relay's `server.params`.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import replace
from typing import Any

from conformance.spec import model as m
from conformance.spec.diagnostics import DiagnosticSink
from conformance.spec.source import SourceDocument, pointer_join

SourceOf = Callable[[SourceDocument, str, Any], m.Source]
ConflictsOf = Callable[[SourceDocument, str, Any], tuple[m.Conflict, ...]]

PATH_FIELD_SUFFIX = " (body)"


def _at(base: str, *tokens: str | int) -> str:
    for token in tokens:
        base = pointer_join(base, token)
    return base


def read_mapping(
    doc: SourceDocument, at: str, raw: Any, source_of: SourceOf, conflicts_of: ConflictsOf
) -> m.JsonMapping | None:
    """The declaration at `at` in a family file as a model value (None when there is none)."""
    if not isinstance(raw, dict):
        return None
    message = raw["message"]
    return m.JsonMapping(
        format=raw["format"],
        message=message["name"],
        message_source=source_of(doc, _at(at, "message", "source"), message["source"]),
        source=source_of(doc, pointer_join(at, "source"), raw["source"]),
        path_fields=tuple(
            m.PathField(
                f["name"],
                f["template"],
                source_of(doc, _at(at, "path_fields", i, "source"), f["source"]),
                doc.location(_at(at, "path_fields", i)),
            )
            for i, f in enumerate(raw.get("path_fields", []))
        ),
        enums=tuple(
            m.ProtoEnum(
                e["parameter"],
                dict(e["numbers"]),
                source_of(doc, _at(at, "enums", i, "source"), e["source"]),
            )
            for i, e in enumerate(raw.get("enums", []))
        ),
        untyped=tuple(
            m.UntypedZone(
                tuple(z["path"].split("/")[1:]),
                z["proto_type"],
                source_of(doc, _at(at, "untyped", i, "source"), z["source"]),
            )
            for i, z in enumerate(raw.get("untyped", []))
        ),
        conflicts=conflicts_of(doc, pointer_join(at, "conflicts"), raw.get("conflicts")),
        declared_at=doc.location(at),
    )


def is_path_twin(name: str) -> bool:
    """Whether a parameter name is a path field's body twin (its values name the model)."""
    return name.endswith(PATH_FIELD_SUFFIX)


def snake_case(name: str) -> str:
    return re.sub(r"(?<=[a-z0-9])([A-Z])", lambda g: "_" + g.group(1).lower(), name)


def lower_camel(name: str) -> str:
    head, *rest = name.split("_")
    return head + "".join(part[:1].upper() + part[1:] for part in rest)


def spellings(name: str) -> tuple[str, ...]:
    """The names proto3 JSON parsers accept for a field: lowerCamelCase and the proto name."""
    out: list[str] = []
    for candidate in (lower_camel(name), snake_case(name)):
        if candidate not in out:
            out.append(candidate)
    return tuple(out)


def _with_spellings(mapping: m.JsonMapping, param: m.Parameter) -> m.Parameter:
    if param.location != "body" or not param.path or param.path[-1] == m.WILDCARD:
        return param
    if not mapping.typed(param.path):
        return param  # a Struct key is read verbatim: `sample_count` is another key
    known = param.property_names
    extra = tuple(n for n in spellings(param.path[-1]) if n not in known)
    return replace(param, aliases=(*param.aliases, *extra)) if extra else param


def path_field_parameter(field: m.PathField, model_id: str, mapping: m.JsonMapping) -> m.Parameter:
    """The body twin of a path-bound field: any string, advisory when it names another model."""
    named = field.template.replace("{model}", model_id)
    values = (named, model_id) if named != model_id else (model_id,)
    return m.Parameter(
        name=field.name + PATH_FIELD_SUFFIX,
        location="body",
        path=(field.name,),
        aliases=(),
        type="string",
        required=False,
        required_in="each",
        enforcement="advisory",
        description=(
            f"`{field.name}` again in the body: {mapping.message} has the field the path binds "
            f"(`{field.template}`), so proto3 JSON reads it from the body too. The path decides "
            "which model answers; a different value is reported, not failed (see conflicts)."
        ),
        sources=(field.source, mapping.message_source),
        declared_at=field.declared_at,
        enum=values,
    )


def apply_mapping(
    mapping: m.JsonMapping | None,
    parameters: list[m.Parameter],
    model_id: str,
    sink: DiagnosticSink,
) -> list[m.Parameter]:
    """`parameters` with both spellings of every proto field and the path fields' body twins."""
    if mapping is None:
        return parameters
    out = [_with_spellings(mapping, p) for p in parameters]
    names = {p.name: p for p in out}
    for enum in mapping.enums:
        param = names.get(enum.parameter)
        if param is None:
            continue  # the provider does not include it; nothing to map
        values = param.items_enum or param.enum or ()
        missing = [v for v in values if v not in enum.numbers]
        reported = any(
            d.code == "spec.enum-numbers" and d.location == mapping.declared_at for d in sink.items
        )
        if missing and not reported:
            sink.error(
                mapping.declared_at,
                "spec.enum-numbers",
                f"json_mapping gives no number for {', '.join(map(repr, missing))} "
                f"of {enum.parameter}",
                hint="copy the numbers from the proto enum definition",
            )
    body_paths = {p.path for p in out if p.location == "body"}
    for field in mapping.path_fields:
        if (field.name,) not in body_paths:
            out.append(path_field_parameter(field, model_id, mapping))
    return out
