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

import base64
import json
from dataclasses import dataclass
from typing import Any

from conformance.images import decode_base64_strict, slim_image
from conformance.images.slim import SlimResult

SLIM_HEADER = "X-Conformance-Slimmed"
#: Shortest string worth trying as base64 image data (the smallest real PNG is longer).
MIN_BASE64 = 64


@dataclass(frozen=True)
class Slimmed:
    """What one slimmed image was: where it sat and the original's facts."""

    pointer: str
    result: SlimResult

    def as_dict(self) -> dict[str, Any]:
        r = self.result
        return {
            "pointer": self.pointer,
            "bytes": r.original_bytes,
            "sha256": r.original_sha256,
            "width": r.width,
            "height": r.height,
            "mime": r.mime,
        }


def slim_body(body: bytes, media_type: str) -> tuple[bytes, list[Slimmed]]:
    """(new body, what was slimmed): a JSON answer's base64 images, or an image body."""
    if not body:
        return body, []
    if media_type.endswith("json") or body[:1] in (b"{", b"["):
        return _slim_json(body)
    result = slim_image(body)
    if result is None or len(result.data) >= len(body):
        return body, []
    return result.data, [Slimmed("", result)]


def _strings(node: Any, pointer: str = "") -> list[tuple[str, str]]:
    """(pointer, value) of every long string in a JSON document."""
    if isinstance(node, str):
        return [(pointer, node)] if len(node) >= MIN_BASE64 else []
    if isinstance(node, dict):
        out = []
        for key, value in node.items():
            token = str(key).replace("~", "~0").replace("/", "~1")
            out.extend(_strings(value, f"{pointer}/{token}"))
        return out
    if isinstance(node, list):
        return [pair for i, item in enumerate(node) for pair in _strings(item, f"{pointer}/{i}")]
    return []


def _slim_json(body: bytes) -> tuple[bytes, list[Slimmed]]:
    try:
        document = json.loads(body)
    except (ValueError, UnicodeDecodeError):
        return body, []
    slimmed: list[Slimmed] = []
    done: dict[str, SlimResult] = {}  # identical images (n copies of one answer) share a stand-in
    for pointer, text in _strings(document):
        if text in done:
            slimmed.append(Slimmed(pointer, done[text]))
            continue
        data = decode_base64_strict(text)
        if data is None:
            continue
        result = slim_image(data)
        if result is None or len(result.data) >= len(data):
            continue
        replaced = _replace(body, text.encode("ascii"), base64.b64encode(result.data))
        if replaced is None:
            continue
        body = replaced
        done[text] = result
        slimmed.append(Slimmed(pointer, result))
    return body, slimmed


def _replace(body: bytes, old: bytes, new: bytes) -> bytes | None:
    """`body` with the JSON string `old` replaced as written (also in its `\\/`-escaped form)."""
    for written, stand_in in ((old, new), (old.replace(b"/", b"\\/"), new.replace(b"/", b"\\/"))):
        quoted = b'"' + written + b'"'
        if quoted in body:
            return body.replace(quoted, b'"' + stand_in + b'"')
    return None


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
