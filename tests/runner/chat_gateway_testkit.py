"""A small chat-completions gateway in front of the reference relay as Google, for sandwich tests.

`chat_gateway(upstream)` takes OpenRouter-style `POST /v1/chat/completions` (Bearer key, the
prompt in the user message, `modalities`, `image_config`), calls Google's `:generateContent` on
`<upstream>/google` with its own key, and answers as LiteLLM does: images as data URLs in
`message.images[]`, Gemini's safety finish reasons (and a blocked prompt) as `finish_reason:
content_filter`. Served under `/faithful/...` as is and under `/<breakage>/...` broken in one way
a gateway can break a block (`BLOCK_BREAKAGES`).
"""

from __future__ import annotations

from typing import Any

import httpx
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

CLIENT_KEY = "client-key-openrouter"
UPSTREAM_KEY = "upstream-key-google"
#: The ways a gateway loses a block on the way back; `forward-blocked` must catch each.
BLOCK_BREAKAGES = ("block-to-empty-200", "block-to-500", "block-to-refusal")
#: Gemini finish reasons LiteLLM maps to content_filter (gateway-litellm-finish-reasons).
_FILTERED = {"SAFETY", "PROHIBITED_CONTENT", "BLOCKLIST", "SPII", "IMAGE_SAFETY", "NO_IMAGE"}


def _error(status: int, message: str) -> Response:
    return JSONResponse({"error": {"code": status, "message": message}}, status_code=status)


def _gemini_request(body: dict[str, Any]) -> dict[str, Any]:
    prompt = str(body["messages"][-1]["content"])
    config: dict[str, Any] = {
        "responseModalities": [str(m).upper() for m in body.get("modalities", ["image", "text"])]
    }
    image = body.get("image_config") or {}
    if image:
        config["imageConfig"] = {
            k: v
            for k, v in (
                ("aspectRatio", image.get("aspect_ratio")),
                ("imageSize", image.get("image_size")),
            )
            if v is not None
        }
    return {"contents": [{"role": "user", "parts": [{"text": prompt}]}], "generationConfig": config}


def _chat_answer(model: str, answer: dict[str, Any]) -> tuple[dict[str, Any], bool]:
    """The chat completion for Gemini's answer, and whether it was a block."""
    blocked = bool((answer.get("promptFeedback") or {}).get("blockReason"))
    candidate = (answer.get("candidates") or [{}])[0]
    reason = candidate.get("finishReason")
    blocked = blocked or reason in _FILTERED
    parts = (candidate.get("content") or {}).get("parts") or []
    text = "".join(p["text"] for p in parts if "text" in p)
    images = [
        {
            "type": "image_url",
            "image_url": {"url": f"data:{d['mimeType']};base64,{d['data']}", "detail": "auto"},
            "index": 0,
        }
        for d in (p.get("inlineData") for p in parts)
        if d
    ]
    message: dict[str, Any] = {"role": "assistant", "content": text or None}
    if images:
        message["images"] = images
    finish = "content_filter" if blocked else "stop"
    choice = {"index": 0, "finish_reason": finish, "message": message}
    return {
        "id": "gen-1",
        "object": "chat.completion",
        "model": model,
        "choices": [choice],
    }, blocked


def chat_gateway(upstream: str) -> Starlette:
    client = httpx.AsyncClient(base_url=f"{upstream}/google", timeout=30)

    async def complete(request: Request) -> Response:
        breakage = request.path_params["variant"]
        if request.headers.get("authorization") != f"Bearer {CLIENT_KEY}":
            return _error(401, "No auth credentials found")
        if int(request.headers.get("content-length") or 0) > 20 * 1024 * 1024:
            return _error(413, "Request payload size exceeds the limit.")
        try:
            body = await request.json()
            model = str(body["model"]).removeprefix("google/")
            upstream_body = _gemini_request(body)
        except (ValueError, KeyError, TypeError, IndexError):
            return _error(400, "Invalid request body.")
        path = f"/v1beta/models/{model}:generateContent"
        answer = await client.post(
            path, json=upstream_body, headers={"x-goog-api-key": UPSTREAM_KEY}
        )
        if answer.status_code >= 400:
            return _error(answer.status_code, "upstream refused the request")
        document, blocked = _chat_answer(str(body["model"]), answer.json())
        if blocked and breakage == "block-to-500":
            return _error(500, "upstream said nothing useful")
        if blocked and breakage == "block-to-refusal":
            return _error(403, "The request was refused by a content policy.")
        if blocked and breakage == "block-to-empty-200":
            document["choices"][0]["finish_reason"] = "stop"
        return JSONResponse(document)

    return Starlette(routes=[Route("/{variant}/v1/chat/completions", complete, methods=["POST"])])
