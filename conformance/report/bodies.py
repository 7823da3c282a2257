"""Answer bodies as a report keeps them: JSON with image payloads and other long strings elided.

A report must show what came back without carrying multi-MB base64 images (the HTML shows a
thumbnail instead, the JSON says where the image was and what it measured). Image payloads are
replaced by the marker `<image #N>` (N indexes the case's `images`), so a renderer can put the
thumbnail where the payload was; any other long string is cut by the rule `runner.retain` keeps
bodies by (`runner.elision`). Bodies that are not JSON are kept as text up to `MAX_TEXT`
characters, binary ones only by their size.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from typing import Any

from conformance.exchange import Response
from conformance.runner.elision import elide

MAX_TEXT = 4000
IMAGE_MARKER = re.compile(r"<image #(\d+)>")


def _escape(token: str) -> str:
    return token.replace("~", "~0").replace("/", "~1")


def _cut(value: Any) -> Any:
    """`_slim` of a body without image markers: no pointer is built (a third of the walk)."""
    kind = type(value)
    if kind is str:
        return elide(value)
    if kind is dict:
        return {k: _cut(v) for k, v in value.items()}
    if kind is list:
        return [_cut(v) for v in value]
    return value


def _slim(value: Any, pointer: str, images: Mapping[str, int]) -> Any:
    if not images:
        return _cut(value)
    if pointer in images:
        return f"<image #{images[pointer]}>"
    if isinstance(value, dict):
        return {k: _slim(v, f"{pointer}/{_escape(str(k))}", images) for k, v in value.items()}
    if isinstance(value, list):
        return [_slim(v, f"{pointer}/{i}", images) for i, v in enumerate(value)]
    if isinstance(value, str):
        return elide(value)
    return value


def _parsed(response: Response) -> tuple[bool, Any]:
    """`response.parsed` without caching it on the response: a report's entries are built one
    at a time (`json_stream`) and the parsed bodies of every case would otherwise pile up."""
    if "parsed" in response.__dict__:
        return response.parsed
    try:
        return True, json.loads(response.body)
    except (ValueError, UnicodeDecodeError):
        return False, None


def slim_body(response: Response, images: Mapping[str, int]) -> dict[str, Any]:
    """{kind: json|text|binary|empty, bytes, body}: the body with `images` (pointer -> index)
    replaced by markers."""
    raw = response.body
    if not raw:
        return {"kind": "empty", "bytes": 0, "body": None}
    size = response.size  # the body as received (`runner.retain` may have cut it since)
    try:
        ok, value = _parsed(response)
        slimmed = _slim(value, "", images) if ok else None
    except RecursionError:  # JSON nested too deep to walk: shown as text
        ok, slimmed = False, None
    if ok:
        return {"kind": "json", "bytes": size, "body": slimmed}
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError:
        marker = f"<image #{images['']}>" if "" in images else None
        return {"kind": "binary", "bytes": size, "body": marker}
    cut = text[:MAX_TEXT] + (
        f"… [{len(text) - MAX_TEXT} more characters]" if len(text) > MAX_TEXT else ""
    )
    return {"kind": "text", "bytes": size, "body": cut}


def pretty(body: dict[str, Any]) -> str:
    """The kept body as display text (JSON indented)."""
    if body["kind"] == "json":
        return json.dumps(body["body"], indent=2, ensure_ascii=False)
    if body["body"] is None:
        return f"({body['kind']}, {body['bytes']} bytes)"
    return str(body["body"])
