"""Answers for job families (Apiframe): submit returns a job id, polls walk it to completion.

Generic over the spec's JobSpec: the id and status go where `id_pointer` and `status_pointer`
say, the states come from `states`/`terminal`/`success`, and the finished job's image URLs go
where the poll operation's image locator says (`/result/images/*`). URLs point at the relay's
own file route, on the base URL the poll came in on. BLOCK_PROMPT -> 400 at submit (the relay's
documented choice; a FAILED job would be the other reading of the missing Apiframe docs).
"""

from __future__ import annotations

from typing import Any

from starlette.responses import Response

from conformance import triggers
from conformance.server import faults as f
from conformance.server.answers import shapes
from conformance.server.answers.base import (
    AnswerContext,
    JsonBody,
    RenderedImage,
    declared_mime,
    image_key,
    json_response,
    set_pointer,
)
from conformance.server.errors import ErrorKind, RelayError
from conformance.server.files import FILE_ROUTE, FileRecipe
from conformance.server.jobs import Job, advance, non_terminal
from conformance.spec.model import JobSpec

BLOCKED_MESSAGE = "The prompt was rejected by the content policy."


async def answer(ctx: AnswerContext) -> Response:
    if ctx.operation.job is not None:
        return await _submit(ctx, ctx.operation.job)
    return await _poll(ctx)


async def _submit(ctx: AnswerContext, spec: JobSpec) -> Response:
    gen = ctx.relay.generation(ctx)
    if gen.trigger == triggers.BLOCK_PROMPT:
        return ctx.relay.error(ctx.provider, RelayError(400, ErrorKind.BLOCKED, BLOCKED_MESSAGE))
    job = ctx.relay.jobs.create(ctx.provider, ctx.model, ctx.operation, gen)
    document: dict[str, Any] = {}
    set_pointer(document, spec.id_pointer, job.id)
    set_pointer(document, spec.status_pointer, (non_terminal(spec) or spec.states)[0])
    return json_response(
        JsonBody(), document, ctx.operation.success_status, ctx.operation.response.content_type
    )


async def _poll(ctx: AnswerContext) -> Response:
    job_id = next(iter(ctx.path_params.values()), "")
    job = ctx.relay.jobs.get(ctx.provider, job_id)
    if job is None:
        return ctx.relay.error(
            ctx.provider, RelayError(404, ErrorKind.NOT_FOUND, f"job {job_id!r} not found")
        )
    poll_op = job.model.operation(job.spec.poll_operation) or ctx.operation
    state = advance(job, ctx.relay.options.job_steps, ctx.has(f.STUCK_JOB))
    body = JsonBody()
    document: dict[str, Any] = {}
    set_pointer(document, job.spec.id_pointer, job.id)
    set_pointer(document, job.spec.status_pointer, state)
    if state == job.spec.success:
        urls = _urls(ctx, job)
        if ctx.has(f.FOREIGN_SHAPE):
            images = [RenderedImage(declared_mime(ctx, job.generation.mime), url=u) for u in urls]
            document = shapes.data(ctx, job.generation, images, body)
        else:
            locator = poll_op.response.images
            items = locator.items if locator else "/result/images/*"
            uri = locator.uri if locator else ""
            listed = [url if not uri else {uri: url} for url in urls]
            set_pointer(document, items.removesuffix("/*"), listed)
    return json_response(body, document, poll_op.success_status, poll_op.response.content_type)


def _urls(ctx: AnswerContext, job: Job) -> list[str]:
    """The finished job's image URLs (files registered once, URLs on this request's base)."""
    if job.files is None:
        gen = job.generation
        recipe = FileRecipe(
            image_key(ctx, gen), declared_mime(ctx, gen.mime), ctx.has(f.TRUNCATE_IMAGE)
        )
        job.files = [ctx.relay.files.add(recipe) for _ in range(gen.count)]
    return [str(ctx.request.url_for(FILE_ROUTE, name=name)) for name in job.files]
