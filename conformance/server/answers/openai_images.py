"""Answers for the `openai-images` family (AI/ML API's /v1/images/generations).

`data[]` items carry `url` (served by the relay) or `b64_json`, as the response-encoding
parameter (`convert_base64_to_url`) asks, plus `mime_type`; `meta.usage.tokens_used` reports the
spec's tokens per image (0 when the spec has none). BLOCK_PROMPT -> 400 in the OpenAI envelope
with code `content_policy_violation`.
"""

from __future__ import annotations

from starlette.responses import Response

from conformance import triggers
from conformance.server.answers import shapes
from conformance.server.answers.base import AnswerContext, JsonBody, json_response, render_images
from conformance.server.errors import ErrorKind, RelayError

BLOCKED_MESSAGE = (
    "Your request was rejected as a result of our safety system. "
    "Your prompt may contain text that is not allowed by our safety system."
)


async def answer(ctx: AnswerContext) -> Response:
    gen = ctx.relay.generation(ctx)
    if gen.trigger == triggers.BLOCK_PROMPT:
        return ctx.relay.error(ctx.provider, RelayError(400, ErrorKind.BLOCKED, BLOCKED_MESSAGE))
    shape = shapes.choose(ctx, shapes.OPENAI, shapes.IMAGEN)
    # Only the OpenAI shape can carry URLs; a foreign shape gets the same images as base64.
    images = await render_images(ctx, gen, gen.count, as_url=gen.as_url and shape == shapes.OPENAI)
    body = JsonBody()
    document = shapes.SHAPES[shape](ctx, gen, images, body)
    return json_response(
        body, document, ctx.operation.success_status, ctx.operation.response.content_type
    )
