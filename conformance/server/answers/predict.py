"""Answers for the `gemini-predict` family (Imagen :predict), content-policy outcomes included.

BLOCK_PROMPT -> 400 INVALID_ARGUMENT with Google's blocked-prompt message; FILTER_SOME -> n-1
images then one item holding only `raiFilteredReason`; FILTER_ALL -> that item alone (both
HTTP 200, as Google answers them; see the upstream samples in REFERENCE.md).
"""

from __future__ import annotations

from starlette.responses import Response

from conformance import triggers
from conformance.server.answers import shapes
from conformance.server.answers.base import AnswerContext, JsonBody, json_response, render_images
from conformance.server.errors import ErrorKind, RelayError

BLOCKED_MESSAGE = (
    "Image generation failed with the following error: The prompt could not be submitted. "
    "This prompt contains sensitive words that violate Google's Responsible AI practices. "
    "Try rephrasing the prompt. If you think this was an error, send feedback. "
    "Support codes: 42876398"
)
FILTERED_SOME = (
    "Unable to show generated images. Some images were filtered out because they violated "
    "Vertex AI's usage guidelines. You will not be charged for blocked images. "
    "Try rephrasing the prompt. If you think this was an error, send feedback. "
    "Support codes: 56562880"
)
FILTERED_ALL = (
    "Unable to show generated images. All images were filtered out because they violated "
    "Vertex AI's usage guidelines. You will not be charged for blocked images. "
    "Try rephrasing the prompt. If you think this was an error, send feedback. "
    "Support codes: 39322892, 29310472"
)


async def answer(ctx: AnswerContext) -> Response:
    gen = ctx.relay.generation(ctx)
    if gen.trigger == triggers.BLOCK_PROMPT:
        return ctx.relay.error(ctx.provider, RelayError(400, ErrorKind.BLOCKED, BLOCKED_MESSAGE))
    count, filtered = gen.count, None
    if gen.trigger == triggers.FILTER_ALL:
        count, filtered = 0, FILTERED_ALL
    elif gen.trigger == triggers.FILTER_SOME:
        count, filtered = gen.count - 1, FILTERED_SOME if gen.count > 1 else FILTERED_ALL
    images = await render_images(ctx, gen, count, as_url=False)
    body = JsonBody()
    shape = shapes.choose(ctx, shapes.IMAGEN, shapes.GEMINI)
    document = shapes.SHAPES[shape](ctx, gen, images, body)
    if filtered is not None and shape == shapes.IMAGEN:
        document["predictions"].append({"raiFilteredReason": filtered})
    return json_response(
        body, document, ctx.operation.success_status, ctx.operation.response.content_type
    )
