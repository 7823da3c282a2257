"""Answer builders, one per protocol family, keyed by the spec's `operation.family`.

A provider added to the specs is served by these builders as long as it reuses a known family;
a new family needs a builder here (the relay logs and skips operations of unknown families).
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Mapping

from starlette.responses import Response

from conformance.server.answers import chat_images, generate_content, jobs, openai_images, predict
from conformance.server.answers.base import AnswerContext

Answer = Callable[[AnswerContext], Awaitable[Response]]

ANSWERS: Mapping[str, Answer] = {
    "gemini-predict": predict.answer,
    "gemini-generate-content": generate_content.answer,
    "openai-images": openai_images.answer,
    "apiframe-jobs": jobs.answer,
    "openai-chat-images": chat_images.answer,
}

__all__ = ["ANSWERS", "Answer", "AnswerContext"]
