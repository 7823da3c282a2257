"""Positive cases for the other documented input forms: enum values in another letter case, and
proto-JSON field names in the other spelling.

Google's own SDK sends `DONT_ALLOW` where the page lists `dont_allow`, and Google-native routes
accept `generation_config`/`inline_data`/`mime_type` as well as `generationConfig`/
`inlineData`/`mimeType` (the seeds' own editing example is snake_case). A relay that refuses
either form breaks real clients, so each form is planned as a request that must succeed.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any, Literal

from conformance.images import encode_base64, make_image
from conformance.plan.bodies import base_body, node_at, set_path
from conformance.spec.model import WILDCARD, Model, Operation, Parameter

Spelling = Literal["snake_case", "camelCase"]


def case_variants(model: Model, operation: Operation) -> Iterator[tuple[str, dict[str, Any], str]]:
    """(label, body, description) per case-insensitive enum: one value in the other case."""
    body = base_body(model, operation)
    if body is None:
        return
    for param in operation.body_parameters:
        if not param.case_insensitive or param.enforcement != "enforced":
            continue
        if param.enum:
            value = next((v for v in param.enum if isinstance(v, str) and v.upper() != v), None)
            if value is None:
                continue
            variant: Any = value.upper()
        elif param.items_enum:
            # IMAGE where it is a value: the case must still ask for an image.
            values = [v for v in param.items_enum if isinstance(v, str) and v.lower() != v]
            if not values:
                continue
            variant = [("IMAGE" if "IMAGE" in values else values[0]).lower()]
        else:
            continue
        yield (
            f"case/{param.name}={variant if isinstance(variant, str) else ','.join(variant)}",
            set_path(body, param.path, variant),
            f"{param.name} in another letter case ({variant!r}); upstream treats it "
            "case-insensitively",
        )


def _spelled(param: Parameter, token: str, spelling: Spelling) -> str:
    names = param.property_names
    if token not in names:
        return token
    if spelling == "snake_case":
        return next((n for n in names if "_" in n), token)
    return next((n for n in names if "_" not in n), token)


def respell(
    operation: Operation, body: Any, spelling: Spelling, prefix: tuple[str, ...] = ()
) -> Any:
    """`body` with every documented field name in `spelling` (undocumented keys kept as is)."""
    if isinstance(body, list):
        return [respell(operation, item, spelling, (*prefix, WILDCARD)) for item in body]
    if not isinstance(body, dict):
        return body
    out: dict[str, Any] = {}
    for key, value in body.items():
        param = next(
            (
                p
                for p in operation.body_parameters
                if p.path[:-1] == prefix and key in p.property_names
            ),
            None,
        )
        canonical = param.path[-1] if param is not None else key
        name = _spelled(param, key, spelling) if param is not None else key
        out[name] = respell(operation, value, spelling, (*prefix, canonical))
    return out


def _has_aliases(operation: Operation) -> bool:
    return any(p.aliases for p in operation.body_parameters)


def spelling_bodies(
    model: Model, operation: Operation
) -> Iterator[tuple[str, dict[str, Any], str]]:
    """One body per spelling that uses every aliased field the operation documents: the image
    config, the modalities and (where the operation takes input images) an inline image."""
    body = base_body(model, operation)
    if body is None or not _has_aliases(operation):
        return
    for concept in ("aspect_ratio", "image_size", "response_modalities"):
        param = operation.by_concept(concept)
        if param is None or param.enforcement != "enforced":
            continue
        if param.enum:
            value = param.enum[-1] if concept == "aspect_ratio" else param.enum[0]
            if concept == "image_size" and param.has_default:
                value = param.default
            body = set_path(body, param.path, value)
        elif param.items_enum:
            body = set_path(body, param.path, list(param.items_enum))
    image = operation.by_concept("input_image")
    mime = operation.by_concept("input_mime_type")
    data = next(
        (p for p in operation.body_parameters if image and p.path == (*image.path, "data")), None
    )
    # An inline image part next to the prompt's part: contents/*/parts/* + {inline_data: ...}.
    if image is not None and mime is not None and data is not None and image.path[-2] == WILDCARD:
        _, parts = node_at(body, image.path[:-2])
        if isinstance(parts, list):
            inline = {mime.path[-1]: "image/png", "data": encode_base64(make_image(8, 8, "png"))}
            parts.append({image.path[-1]: inline})
    for spelling in ("snake_case", "camelCase"):
        yield (
            f"spelling/{spelling}",
            respell(operation, body, spelling),
            f"every proto-JSON field name in {spelling} (both spellings are accepted upstream)",
        )
