"""What every answer builder shares: its context, rendered images and fast JSON assembly.

Answer bodies carry megabytes of base64. `json.dumps` scans every character of such a string to
escape it, which costs 10-30x more than copying it; base64 never needs escaping, so bodies are
dumped with short placeholders and the cached base64 bytes are spliced in afterwards.
The mime-mismatch and truncate-image faults act here, on the way out, and nowhere else.
"""

from __future__ import annotations

import json
import re
import secrets
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from starlette.requests import Request
from starlette.responses import Response

from conformance.server import faults as f
from conformance.server.files import FILE_ROUTE, FileRecipe
from conformance.server.generation import Generation
from conformance.server.params import BodyReader
from conformance.server.payloads import ImageKey
from conformance.server.responses import body_response
from conformance.spec.model import Model, Operation, Provider

if TYPE_CHECKING:
    from conformance.server.app import Relay

_NONCE = secrets.token_hex(6)
_PLACEHOLDER = re.compile(rb"\\u0000" + _NONCE.encode() + rb":(\d+)\\u0000")
_SWAP = {"image/png": "image/jpeg", "image/jpeg": "image/png"}


@dataclass(frozen=True)
class AnswerContext:
    """One validated (or accepted-anyway) request on its way to an answer."""

    relay: Relay
    request: Request
    provider: Provider
    model: Model
    operation: Operation
    reader: BodyReader
    body: Any
    path_params: Mapping[str, str]

    def has(self, fault: str) -> bool:
        return self.relay.options.has(fault)


@dataclass(frozen=True)
class RenderedImage:
    """An image ready for a body: base64 ASCII bytes or a URL, and the MIME type declared."""

    declared_mime: str
    data: bytes | None = None
    url: str | None = None


class JsonBody:
    """A JSON document whose large base64 strings are spliced in after dumping."""

    def __init__(self) -> None:
        self._payloads: list[bytes] = []

    def payload(self, data: bytes) -> str:
        """A placeholder string to put in the document where `data` (base64) belongs."""
        self._payloads.append(data)
        return f"\x00{_NONCE}:{len(self._payloads) - 1}\x00"

    def pieces(self, document: Any) -> list[bytes]:
        """The serialized document as consecutive pieces (payloads are not copied)."""
        text = json.dumps(document, separators=(",", ":")).encode("ascii")
        if not self._payloads:
            return [text]
        parts = _PLACEHOLDER.split(text)
        out = [parts[0]]
        for i in range(1, len(parts), 2):
            out.append(self._payloads[int(parts[i])])
            out.append(parts[i + 1])
        return out

    def encode(self, document: Any) -> bytes:
        return b"".join(self.pieces(document))


def json_response(body: JsonBody, document: Any, status: int, content_type: str) -> Response:
    return body_response(body.pieces(document), status, content_type)


def declared_mime(ctx: AnswerContext, true_mime: str) -> str:
    """The MIME type the answer states: the truth, unless the mime-mismatch fault is on."""
    if not ctx.has(f.MIME_MISMATCH):
        return true_mime
    return _SWAP.get(true_mime, "image/png" if true_mime != "image/png" else "image/jpeg")


def image_key(ctx: AnswerContext, gen: Generation) -> ImageKey:
    return ImageKey(gen.width, gen.height, gen.format, ctx.relay.options.payload)


def cut(data: bytes, *, base64: bool) -> bytes:
    """About half of `data`; for base64 a multiple of 4 characters, so it still decodes."""
    keep = len(data) // 2
    if base64:
        keep -= keep % 4
    return data[:keep]


async def render_images(
    ctx: AnswerContext, gen: Generation, count: int, *, as_url: bool
) -> list[RenderedImage]:
    """`count` images of the generation, as base64 or as URLs the relay serves."""
    if count <= 0:
        return []
    key = image_key(ctx, gen)
    mime = declared_mime(ctx, gen.mime)
    truncate = ctx.has(f.TRUNCATE_IMAGE)
    if as_url:
        return [
            RenderedImage(mime, url=file_url(ctx, FileRecipe(key, mime, truncate)))
            for _ in range(count)
        ]
    payload = await ctx.relay.images.get(key)
    data = cut(payload.base64, base64=True) if truncate else payload.base64
    return [RenderedImage(mime, data=data) for _ in range(count)]


def file_url(ctx: AnswerContext, recipe: FileRecipe) -> str:
    """An absolute URL, on the base URL the request came in on, that serves `recipe`."""
    name = ctx.relay.files.add(recipe)
    return str(ctx.request.url_for(FILE_ROUTE, name=name))


def set_pointer(document: dict[str, Any], pointer: str, value: Any) -> None:
    """Set `value` at a JSON pointer, creating objects on the way ("/result/images")."""
    tokens = [t.replace("~1", "/").replace("~0", "~") for t in pointer.split("/")[1:]]
    node = document
    for token in tokens[:-1]:
        node = node.setdefault(token, {})
    if tokens:
        node[tokens[-1]] = value


def token_estimate(text: str) -> int:
    """Roughly four characters per token, at least one: what usage counters report."""
    return max(1, (len(text) + 3) // 4)


def usage_tokens_per_image(model: Model, tier: str) -> int:
    """The spec's output tokens per image for `tier` (0 when the model has no table)."""
    table = model.tokens_per_image
    if tier in table:
        return int(table[tier])
    return int(max(table.values())) if table else 0


def items_of(
    images: Sequence[RenderedImage],
    body: JsonBody,
    *,
    data_key: str,
    mime_key: str | None,
    url_key: str | None = None,
) -> list[dict[str, Any]]:
    """One dict per image: its data (or URL) under the given keys, plus the declared MIME."""
    items: list[dict[str, Any]] = []
    for image in images:
        item: dict[str, Any] = {}
        if mime_key is not None:
            item[mime_key] = image.declared_mime
        if image.url is not None and url_key is not None:
            item[url_key] = image.url
        elif image.data is not None:
            item[data_key] = body.payload(image.data)
        items.append(item)
    return items
