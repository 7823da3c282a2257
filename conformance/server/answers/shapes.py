"""The three image-answer shapes the specs know, so any family can answer in any of them.

Each family answers in its native shape; the foreign-shape fault makes it answer in another
one, exactly as relays that convert between protocols get it wrong. Shape names are the ones
the specs use under `response.foreign_shapes`.
"""

from __future__ import annotations

import secrets
import time
from collections.abc import Callable, Mapping, Sequence
from typing import Any

from conformance.server import faults as f
from conformance.server.answers.base import (
    AnswerContext,
    JsonBody,
    RenderedImage,
    items_of,
    token_estimate,
    usage_tokens_per_image,
)
from conformance.server.generation import Generation

IMAGEN = "imagen-predictions"
GEMINI = "gemini-candidates"
OPENAI = "openai-images"

GEMINI_TEXT = "Here is the image you asked for."


def predictions(
    ctx: AnswerContext, gen: Generation, images: Sequence[RenderedImage], body: JsonBody
) -> dict[str, Any]:
    """Imagen :predict: `{"predictions": [{"bytesBase64Encoded", "mimeType"}]}`."""
    mime_key = None if ctx.has(f.STRIP_METADATA) else "mimeType"
    return {"predictions": items_of(images, body, data_key="bytesBase64Encoded", mime_key=mime_key)}


def gemini_usage(
    ctx: AnswerContext, gen: Generation, images: int, text: str | None
) -> dict[str, Any]:
    """usageMetadata with the spec's tokens per image for the tier, per modality."""
    prompt_tokens = token_estimate(gen.prompt)
    image_tokens = usage_tokens_per_image(ctx.model, gen.tier) * images
    if ctx.has(f.INFLATE_USAGE):
        image_tokens *= 2
    text_tokens = token_estimate(text) if text else 0
    details = []
    if text_tokens:
        details.append({"modality": "TEXT", "tokenCount": text_tokens})
    if images:
        details.append({"modality": "IMAGE", "tokenCount": image_tokens})
    usage: dict[str, Any] = {
        "promptTokenCount": prompt_tokens,
        "candidatesTokenCount": image_tokens + text_tokens,
        "totalTokenCount": prompt_tokens + image_tokens + text_tokens,
        "promptTokensDetails": [{"modality": "TEXT", "tokenCount": prompt_tokens}],
    }
    if details:
        usage["candidatesTokensDetails"] = details
    return usage


def response_id() -> str:
    return secrets.token_urlsafe(16)


def candidates(
    ctx: AnswerContext, gen: Generation, images: Sequence[RenderedImage], body: JsonBody
) -> dict[str, Any]:
    """Gemini :generateContent: one candidate whose parts hold text and camelCase inlineData."""
    text = GEMINI_TEXT if gen.wants_text else None
    parts: list[dict[str, Any]] = [{"text": text}] if text else []
    for item in items_of(images, body, data_key="data", mime_key="mimeType"):
        parts.append({"inlineData": item})
    candidate: dict[str, Any] = {"content": {"role": "model", "parts": parts}}
    document: dict[str, Any] = {"candidates": [candidate]}
    if not ctx.has(f.STRIP_METADATA):  # a relay re-serialising only the parts it knows
        candidate["finishReason"] = "STOP"
        document["usageMetadata"] = gemini_usage(ctx, gen, len(images), text)
    candidate["index"] = 0
    document["modelVersion"] = ctx.model.id
    document["responseId"] = response_id()
    return document


def data(
    ctx: AnswerContext, gen: Generation, images: Sequence[RenderedImage], body: JsonBody
) -> dict[str, Any]:
    """OpenAI-style: `{"created", "data": [{"url"|"b64_json", "mime_type"}], "meta": {usage}}`."""
    tokens = usage_tokens_per_image(ctx.model, gen.tier) * len(images)
    return {
        "created": int(time.time()),
        "data": items_of(images, body, data_key="b64_json", mime_key="mime_type", url_key="url"),
        "meta": {"usage": {"tokens_used": tokens}},
    }


Shape = Callable[[AnswerContext, Generation, Sequence[RenderedImage], JsonBody], dict[str, Any]]

SHAPES: Mapping[str, Shape] = {IMAGEN: predictions, GEMINI: candidates, OPENAI: data}


def choose(ctx: AnswerContext, native: str, foreign: str) -> str:
    """The shape to answer in: native, or under the foreign-shape fault a foreign one the spec
    names for this operation (`foreign` when it is listed)."""
    if not ctx.has(f.FOREIGN_SHAPE):
        return native
    listed = [s for s in ctx.operation.response.foreign_shapes if s in SHAPES]
    if foreign in listed or not listed:
        return foreign
    return listed[0]
