"""Answers for the `gemini-generate-content` family (Gemini image models), blocked ones included.

BLOCK_PROMPT -> 200 with `promptFeedback.blockReason: PROHIBITED_CONTENT` and no candidates;
NO_IMAGE -> 200 with one candidate whose content is empty and `finishReason: NO_IMAGE`. Both
carry usageMetadata, modelVersion and responseId, as Google's answers do.
"""

from __future__ import annotations

from typing import Any

from starlette.responses import Response

from conformance import triggers
from conformance.server.answers import shapes
from conformance.server.answers.base import AnswerContext, JsonBody, json_response, render_images


async def answer(ctx: AnswerContext) -> Response:
    gen = ctx.relay.generation(ctx)
    status = ctx.operation.success_status
    content_type = ctx.operation.response.content_type
    body = JsonBody()
    document: dict[str, Any]
    if gen.trigger == triggers.BLOCK_PROMPT:
        document = {"promptFeedback": {"blockReason": "PROHIBITED_CONTENT"}}
    elif gen.trigger == triggers.NO_IMAGE:
        document = {"candidates": [{"content": {}, "finishReason": "NO_IMAGE", "index": 0}]}
    else:
        count = gen.count if gen.wants_image else 0
        images = await render_images(ctx, gen, count, as_url=False)
        shape = shapes.choose(ctx, shapes.GEMINI, shapes.IMAGEN)
        document = shapes.SHAPES[shape](ctx, gen, images, body)
        return json_response(body, document, status, content_type)
    document["usageMetadata"] = shapes.gemini_usage(ctx, gen, 0, None)
    document["modelVersion"] = ctx.model.id
    document["responseId"] = shapes.response_id()
    return json_response(body, document, status, content_type)
