"""One-line descriptions of wire shapes: auth headers, response bodies, error envelopes.

The seed pages describe these in prose ("Images are returned through bytesBase64Encoded and
mimeType"); the specs hold them as JSON Schema and pointers. These helpers turn the latter into
the former so the model and cross-provider pages can line them up in a table cell.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from conformance.docs.cells import code, pointer_text
from conformance.spec.model import AuthRejection, AuthScheme, ImageLocator, Operation


def auth_text(scheme: AuthScheme, key_env: str) -> str:
    """How a client sends the key, e.g. `Authorization: Bearer $KEY` (header)."""
    if scheme.kind == "bearer":
        return f"`{scheme.name}: Bearer ${key_env}` (header)"
    if scheme.kind == "header":
        return f"`{scheme.name}: ${key_env}` (header)"
    return f"`?{scheme.name}=${key_env}` (query string)"


def rejection_text(rejection: AuthRejection) -> str:
    statuses = " or ".join(str(s) for s in rejection.status)
    detail = code(rejection.error_status)
    if rejection.reason:
        detail += f", reason {code(rejection.reason)}"
    return f"{statuses} ({detail})"


def compact_shape(schema: Mapping[str, Any], depth: int = 2) -> str:
    """A JSON Schema as a short skeleton: `{error: {code, message, status, details?}}`."""
    kind = schema.get("type")
    if kind == "array" or "items" in schema:
        items = schema.get("items")
        inner = compact_shape(items, depth - 1) if isinstance(items, Mapping) and depth else "…"
        return f"[{inner}]"
    properties = schema.get("properties")
    if isinstance(properties, Mapping) and properties:
        if depth <= 0:
            return "{…}"
        required = set(schema.get("required", []))
        parts = []
        for name, sub in properties.items():
            mark = "" if name in required else "?"
            inner = compact_shape(sub, depth - 1) if isinstance(sub, Mapping) else ""
            nested = inner.startswith(("{", "[")) and inner not in ("{…}", "[…]")
            parts.append(f"{name}{mark}: {inner}" if nested else f"{name}{mark}")
        return "{" + ", ".join(parts) + "}"
    if isinstance(kind, str):
        return kind
    return "…"


def _join(items: str, field: str | None) -> str | None:
    if field is None:
        return None
    return f"{items}.{pointer_text('/' + field)}" if field else items


def images_text(images: ImageLocator) -> str:
    """Where a response carries its images, e.g. `predictions[].bytesBase64Encoded` (base64)."""
    items = pointer_text(images.items)
    parts: list[str] = []
    data = _join(items, images.data)
    uri = _join(items, images.uri)
    if data:
        parts.append(f"{code(data)} (base64)")
    if uri:
        parts.append(f"{code(uri)} (URI)")
    text = " or ".join(parts)
    mime = _join(items, images.mime)
    if mime:
        text += f", MIME type in {code(mime)}"
    return text


def foreign_text(name: str, schema: Mapping[str, Any]) -> str:
    """A foreign shape named with what gives it away, e.g. `openai-images` (has `data`)."""
    keys = schema.get("required", [])
    if keys:
        return f"{code(name)} (has " + ", ".join(code(k) for k in keys) + ")"
    return f"{code(name)} ({code(compact_shape(schema))})"


def response_summary(operation: Operation, poll: Operation | None = None) -> str:
    """The success answer in one line; for a job, the submit answer and where images appear."""
    response = operation.response
    text = f"{operation.success_status} " + code(compact_shape(response.schema, depth=1))
    if response.images is not None:
        text += "; images: " + images_text(response.images)
    if operation.job is not None and poll is not None:
        job = operation.job
        text += f"; async job: poll `{poll.method} {poll.path_template}` until " + " or ".join(
            code(s) for s in job.terminal
        )
        if poll.response.images is not None:
            text += "; images: " + images_text(poll.response.images)
    return text
