"""Answers for the `openai-chat-images` family: Gemini image models over chat completions.

The form OpenRouter and LiteLLM document: one choice whose assistant message has a short
`content` and `images[]` of `{"type": "image_url", "image_url": {"url": "data:<mime>;base64,..."},
"index": i}`. A content-policy trigger (BLOCK_PROMPT, NO_IMAGE) answers 200 with no images and
`finish_reason: content_filter`, as LiteLLM maps Gemini's SAFETY / IMAGE_SAFETY reasons.
"""

from __future__ import annotations

import time
from typing import Any

from starlette.responses import Response

from conformance import triggers
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
    message: dict[str, Any] = {"role": "assistant", "content": text or None}
    if images:
        message["images"] = images
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
