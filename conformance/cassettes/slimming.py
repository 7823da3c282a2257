"""Image slimming at record time: multi-MB images become tiny ones of the same format and size.

A 4K PNG answer is ~30 MB of base64; the checks a replay runs look at the count, the MIME type
(magic bytes), whether the image is whole, and its pixel size — never at the pixels. So every
image in a recorded answer is replaced by `conformance.images.slim_image`'s flat stand-in, and the
original's facts (byte length, SHA-256, width, height, MIME type) go into one response header,
`X-Conformance-Slimmed`, a JSON list with one entry per image and the JSON pointer it sat at
(`""` for an image body fetched from a URL). The JSON body keeps its exact shape and bytes apart
from the base64 strings: replacement is textual, so key order, spacing and escapes stay as the
server sent them. Anything that is not a whole, recognisable image (truncated, garbage) is kept
byte for byte, so that replay reproduces the finding it caused.
"""

from __future__ import annotations

import json
from typing import Any

from conformance.images.bodies import MIN_BASE64, Slimmed, slim_body

SLIM_HEADER = "X-Conformance-Slimmed"


__all__ = [
    "MIN_BASE64",
    "SLIM_HEADER",
    "Slimmed",
    "annotation",
    "originals",
    "slim_body",
    "slim_response",
]


def annotation(slimmed: list[Slimmed]) -> str:
    """The `X-Conformance-Slimmed` header value (ASCII JSON, one entry per image)."""
    return json.dumps([s.as_dict() for s in slimmed], separators=(",", ":"), ensure_ascii=True)


def slim_response(response: dict[str, Any]) -> dict[str, Any]:
    """A vcrpy response dict with its images slimmed and annotated (idempotent)."""
    headers: dict[str, list[str]] = response.get("headers") or {}
    if any(name.lower() == SLIM_HEADER.lower() for name in headers):
        return response
    body = (response.get("body") or {}).get("string")
    if not isinstance(body, bytes):
        return response
    media = next((v[0] for k, v in headers.items() if k.lower() == "content-type" and v), "")
    new_body, slimmed = slim_body(body, media.split(";", 1)[0].strip().lower())
    if not slimmed:
        return response
    new_headers = {
        name: ([str(len(new_body))] if name.lower() == "content-length" else values)
        for name, values in headers.items()
    }
    new_headers[SLIM_HEADER] = [annotation(slimmed)]
    return {**response, "headers": new_headers, "body": {**response["body"], "string": new_body}}


def originals(headers: list[tuple[str, str]] | tuple[tuple[str, str], ...]) -> list[dict[str, Any]]:
    """The annotation of a replayed answer's headers ([] when nothing was slimmed)."""
    for name, value in headers:
        if name.lower() == SLIM_HEADER.lower():
            parsed = json.loads(value)
            return parsed if isinstance(parsed, list) else []
    return []
