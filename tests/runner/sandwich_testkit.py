"""Loopback relays for sandwich tests: Routescope's API in front of the reference relay as Google.

`relay_app(upstream)` is a small real relay: it authenticates Routescope's Bearer key, translates
Routescope's documented `parameters.imageSize` to Google's `sampleImageSize`, and forwards to
`<upstream>/google<path>` with its own `x-goog-api-key`. Served under `/faithful/...` as is, and
under `/<breakage>/...` broken in exactly one way a relay can (`BREAKAGES` says which forwarding
check must catch it), so one server holds every variant.
"""

from __future__ import annotations

import json
from typing import Any

import httpx
from loopback import serving as serving
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

CLIENT_KEY = "client-key-routescope"
#: Google's documented request size limit, which a faithful relay enforces (specs/README.md).
BODY_LIMIT = 20 * 1024 * 1024
UPSTREAM_KEY = "upstream-key-google"

#: breakage -> the one forwarding check that must fail.
BREAKAGES = {
    "size-passthrough": "forward-params",
    "drop-count": "forward-params",
    "add-person": "forward-added",
    "wrong-model": "forward-route",
    "client-key": "forward-key",
    "bearer-upstream": "forward-key",
    "fabricate": "forward-reached",
    "strip-signature": "forward-signature",
    "block-to-500": "forward-blocked",
    "block-to-empty-200": "forward-blocked",
    "block-to-refusal": "forward-blocked",
    "error-to-500": "forward-error",
}


def _error(status: int, label: str, message: str) -> Response:
    body = {"error": {"code": status, "message": message, "status": label}}
    return JSONResponse(body, status_code=status)


def _request_body(body: Any, breakage: str | None) -> Any:
    params = body.get("parameters") if isinstance(body, dict) else None
    if isinstance(params, dict):
        if "imageSize" in params and breakage != "size-passthrough":
            params["sampleImageSize"] = params.pop("imageSize")
        if breakage == "drop-count":
            params.pop("sampleCount", None)
        if breakage == "add-person" and "personGeneration" not in params:
            params["personGeneration"] = "allow_all"
    return body


def _blocked(answer: Any) -> bool:
    if not isinstance(answer, dict):
        return False
    if (answer.get("promptFeedback") or {}).get("blockReason"):
        return True
    candidates = answer.get("candidates") or []
    if any(isinstance(c, dict) and c.get("finishReason") == "NO_IMAGE" for c in candidates):
        return True
    predictions = answer.get("predictions") or []
    return any(isinstance(p, dict) and "raiFilteredReason" in p for p in predictions)


def _unblocked(answer: Any) -> Any:
    """The answer with every content-policy sign taken out: a 200 that reports nothing."""
    answer.pop("promptFeedback", None)
    for candidate in answer.get("candidates") or []:
        candidate["finishReason"] = "STOP"
    answer["predictions"] = (
        [
            p
            for p in answer.get("predictions") or []
            if isinstance(p, dict) and "raiFilteredReason" not in p
        ]
        if "predictions" in answer
        else None
    )
    if answer["predictions"] is None:
        del answer["predictions"]
    return answer


def _strip_signatures(answer: Any) -> Any:
    for candidate in answer.get("candidates") or []:
        for part in (candidate.get("content") or {}).get("parts") or []:
            part.pop("thoughtSignature", None)
    return answer


def relay_app(upstream: str) -> Starlette:
    client = httpx.AsyncClient(base_url=f"{upstream}/google", timeout=30)

    async def forward(request: Request) -> Response:
        variant = request.path_params["variant"]
        breakage = variant if variant in BREAKAGES else None
        if request.headers.get("authorization") != f"Bearer {CLIENT_KEY}":
            return _error(401, "UNAUTHENTICATED", "invalid API key")
        path = "/" + request.path_params["rest"]
        if int(request.headers.get("content-length") or 0) > BODY_LIMIT:  # refused unread
            return _error(413, "INVALID_ARGUMENT", "Request payload size exceeds the limit.")
        try:
            body = json.loads(await request.body())
        except ValueError:
            return _error(400, "INVALID_ARGUMENT", "Invalid JSON payload received.")
        if breakage == "fabricate" and path.endswith(":predict"):
            return JSONResponse({"predictions": []})
        body = _request_body(body, breakage)
        if breakage == "wrong-model" and path.endswith(":generateContent"):
            path = "/v1beta/models/gemini-2.5-flash-image:generateContent"
        headers = {"x-goog-api-key": UPSTREAM_KEY}
        if breakage == "bearer-upstream":
            headers = {"authorization": f"Bearer {UPSTREAM_KEY}"}
        if breakage == "client-key":
            headers["x-client-authorization"] = request.headers["authorization"]
        answer = await client.post(path, json=body, headers=headers)
        try:
            document = answer.json()
        except ValueError:
            document = None
        if breakage == "block-to-500" and _blocked(document):
            return _error(500, "INTERNAL", "upstream said nothing useful")
        if breakage == "block-to-empty-200" and _blocked(document):
            return JSONResponse(_unblocked(document), status_code=200)
        if breakage == "block-to-refusal" and _blocked(document):
            return _error(403, "PERMISSION_DENIED", "The request was refused by a content policy.")
        if breakage == "error-to-500" and answer.status_code >= 400:
            return Response("upstream failed", status_code=500, media_type="text/plain")
        if breakage == "strip-signature" and answer.status_code == 200:
            document = _strip_signatures(document)
        return JSONResponse(document, status_code=answer.status_code)

    async def not_served(request: Request) -> Response:
        # a faithful relay refuses a method it does not serve in Google's envelope (wire forms)
        answer = _error(405, "INVALID_ARGUMENT", f"Method {request.method} is not served here.")
        answer.headers["Allow"] = "POST"
        return answer

    return Starlette(
        routes=[
            Route("/{variant}/{rest:path}", forward, methods=["POST"]),
            Route("/{variant}/{rest:path}", not_served, methods=["GET", "PUT", "PATCH", "DELETE"]),
        ]
    )


#: AI/ML API's OpenAI-style names -> Imagen's (the translation a protocol-converting relay does).
TRANSLATED = {
    "num_images": "sampleCount",
    "aspect_ratio": "aspectRatio",
    "person_generation": "personGeneration",
    "safety_setting": "safetySetting",
}


def translating_app(upstream: str) -> Starlette:
    """AI/ML API's `/v1/images/generations` in front of Imagen `:predict` (`/<variant>/...`).

    `faithful` sends every parameter under Imagen's name, and `sampleCount` even when the client
    left `num_images` out (AI/ML API documents 1; Imagen's default is 4); `omit-count` forwards
    only what the client sent, as LiteLLM does.
    """
    client = httpx.AsyncClient(base_url=f"{upstream}/google", timeout=30)

    async def generate(request: Request) -> Response:
        if request.headers.get("authorization") != f"Bearer {CLIENT_KEY}":
            return JSONResponse({"error": {"message": "invalid API key"}}, status_code=401)
        variant = request.path_params["variant"]
        try:
            body = json.loads(await request.body())
        except ValueError:
            return JSONResponse({"error": {"message": "invalid JSON"}}, status_code=400)
        model = str(body.get("model", "")).removeprefix("google/")
        parameters = {TRANSLATED[k]: v for k, v in body.items() if k in TRANSLATED}
        if variant != "omit-count":
            parameters.setdefault("sampleCount", 1)
        upstream_body = {"instances": [{"prompt": body.get("prompt")}], "parameters": parameters}
        answer = await client.post(
            f"/v1beta/models/{model}:predict",
            json=upstream_body,
            headers={"x-goog-api-key": UPSTREAM_KEY},
        )
        document = answer.json()
        if answer.status_code >= 400:
            error = document.get("error", {})
            message = {"message": error.get("message", ""), "type": "invalid_request_error"}
            return JSONResponse({"error": message}, status_code=answer.status_code)
        data = [
            {"b64_json": p["bytesBase64Encoded"]}
            for p in document.get("predictions", [])
            if "bytesBase64Encoded" in p
        ]
        return JSONResponse({"data": data}, status_code=200)

    route = Route("/{variant}/v1/images/generations", generate, methods=["POST"])
    return Starlette(routes=[route])
