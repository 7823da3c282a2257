"""Answers for the `openai-chat-images` family: Gemini image models over chat completions.

One choice whose assistant message carries the images as `{"type": "image_url", "image_url":
{"url": "data:<mime>;base64,..."}}` parts, in the relay's `chat_form` (the family's image forms):
`images` — a short `content` and `images[]` (each with its `index`), as OpenRouter and LiteLLM
answer; `content` — `content` itself a list of parts, a text part first; `content_blocks` —
Portkey's form outside strict OpenAI compliance: `content` the text, `content_blocks[]` a text
block and the image parts. A content-policy trigger (BLOCK_PROMPT, NO_IMAGE) answers 200 with no
images and `finish_reason: content_filter` (LiteLLM's and Portkey's strict mapping of Gemini's
SAFETY / IMAGE_SAFETY reasons), in every form.
"""

from __future__ import annotations

import time
from typing import Any

from starlette.responses import Response

from conformance import triggers
from conformance.server import faults as f
from conformance.server.answers import shapes
from conformance.server.answers.base import (
    AnswerContext,
    JsonBody,
    json_response,
    render_images,
    token_estimate,
    usage_tokens_per_image,
)

CHAT = "openai-chat-images"


def _usage(ctx: AnswerContext, prompt: str, tier: str, images: int, text: str) -> dict[str, int]:
    prompt_tokens = token_estimate(prompt)
    completion = usage_tokens_per_image(ctx.model, tier) * images + token_estimate(text)
    return {
        "prompt_tokens": prompt_tokens,
        "completion_tokens": completion,
        "total_tokens": prompt_tokens + completion,
    }


def _message(form: str, text: str, images: list[dict[str, Any]]) -> dict[str, Any]:
    """The assistant message with `images` where `form` puts them."""
    if form == "content":
        parts = [{"type": "text", "text": text}] if text else []
        parts += [{"type": p["type"], "image_url": p["image_url"]} for p in images]
        return {"role": "assistant", "content": parts or None}
    message: dict[str, Any] = {"role": "assistant", "content": text or None}
    if form == "content_blocks":
        blocks = [{"type": "text", "text": text}] if text else []
        blocks += [{"type": p["type"], "image_url": p["image_url"]} for p in images]
        if blocks:
            message["content_blocks"] = blocks
    elif images:
        message["images"] = images
    return message


async def answer(ctx: AnswerContext) -> Response:
    gen = ctx.relay.generation(ctx)
    status = ctx.operation.success_status
    content_type = ctx.operation.response.content_type
    body = JsonBody()
    blocked = gen.trigger in (triggers.BLOCK_PROMPT, triggers.NO_IMAGE)
    shape = shapes.choose(ctx, CHAT, shapes.OPENAI)
    count = 0 if blocked or not gen.wants_image else gen.count
    rendered = await render_images(ctx, gen, count, as_url=False)
    if shape != CHAT:
        document = shapes.SHAPES[shape](ctx, gen, rendered, body)
        return json_response(body, document, status, content_type)
    text = "" if blocked else shapes.GEMINI_TEXT
    images: list[dict[str, Any]] = [
        {
            "type": "image_url",
            "image_url": {"url": f"data:{image.declared_mime};base64,{body.payload(image.data)}"},
            "index": i,
        }
        for i, image in enumerate(rendered)
        if image.data is not None
    ]
    if ctx.has(f.DROP_CHAT_IMAGES):
        images = []
    message = _message(ctx.relay.options.chat_form, text, images)
    document = {
        "id": "gen-" + shapes.response_id(),
        "object": "chat.completion",
        "created": int(time.time()),
        "model": ctx.model.id,
        "choices": [
            {
                "index": 0,
                "finish_reason": "content_filter" if blocked else "stop",
                "message": message,
            }
        ],
        "usage": _usage(ctx, gen.prompt, gen.tier, len(images), text),
    }
    return json_response(body, document, status, content_type)
