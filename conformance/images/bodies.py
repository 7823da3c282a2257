"""Slimming an answer body: its images replaced by flat stand-ins of the same format and size.

Shared by the cassette recorder (which stores slimmed answers) and the runner (which keeps only
slimmed answers of finished cases, so that a run's memory does not grow with its cases). A JSON
body keeps its exact shape and bytes apart from the base64 strings: replacement is textual, so
key order, spacing and escapes stay as the server sent them. Anything that is not a whole,
recognisable image (truncated, garbage) is kept byte for byte.
"""

from __future__ import annotations

import base64
import json
from dataclasses import dataclass
from typing import Any

from conformance.images.slim import SlimResult, slim_image
from conformance.images.sniff import decode_base64_strict

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
