"""The reference relay as an ASGI app: `create_app(spec, options)`.

Everything is driven by the resolved spec: routes (`/<provider><operation.path>`), auth schemes
and rejections, body limits, request validation (the generated request schemas), defaults and
answers (per protocol family, by parameter concept). The same app runs under uvicorn
(`conformance serve`) and in-process through httpx's ASGI transport (tests, `conformance run`).

Request pipeline: latency -> auth -> route (404/405) -> body (413/400) -> schema validation
(400, or the accept-invalid / server-error faults) -> the family's answer builder.
"""

from __future__ import annotations

import logging
import random
from functools import partial
from typing import Any

import anyio
from starlette.applications import Starlette
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from conformance.schema.validate import validator_for
from conformance.server import control
from conformance.server import faults as f
from conformance.server.answers import ANSWERS, AnswerContext
from conformance.server.answers.base import cut
from conformance.server.auth import authenticate
from conformance.server.body import (
    DEFAULT_BODY_LIMIT,
    UNBOUNDED_FACTOR,
    BodyProblem,
    parse_json,
    read_body,
)
from conformance.server.direct import RelayApp
from conformance.server.error_faults import spoil_error
from conformance.server.errors import ErrorKind, RelayError, error_response, validation_message
from conformance.server.files import FILE_PREFIX, FILE_ROUTE, FileStore
from conformance.server.form_faults import refuse_forms
from conformance.server.generation import Generation, resolve
from conformance.server.jobs import JobStore
from conformance.server.journal import Journal
from conformance.server.options import RelayOptions
from conformance.server.params import BodyReader
from conformance.server.payloads import ImageSource
from conformance.server.responses import body_response
from conformance.server.routing import ProviderRoutes, Target, build_routes
from conformance.server.scripts import Scripts
from conformance.spec.model import Operation, Provider, Spec

logger = logging.getLogger("conformance.server")


def _polls(match: Any) -> bool:
    """True when the route is a job's poll operation (not an entry operation of its model)."""
    return match is not None and any(
        t.operation not in t.model.entry_operations for t in match.targets
    )


def _carries_key(request: Request, keys: tuple[str, ...]) -> bool:
    """Whether any usual key header holds an accepted key (the keyed-image-urls fault)."""
    sent = [
        request.headers.get("authorization", "").removeprefix("Bearer ").strip(),
        request.headers.get("x-api-key", ""),
        request.headers.get("x-goog-api-key", ""),
    ]
    return any(s and s in keys for s in sent)


_METHODS = ["GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS", "TRACE"]
HEALTH_PATH = "/_relay/health"
_NO_QUERY: dict[str, str] = {}


class Relay:
    """The relay's state and request pipeline (one per app)."""

    def __init__(self, spec: Spec, options: RelayOptions) -> None:
        self.spec = spec
        self.options = options
        unknown = sorted({o.family for _, _, o in spec.iter_operations()} - set(ANSWERS))
        for family in unknown:
            logger.warning("no answer builder for family %r; its operations are not served", family)
        self.routes = build_routes(spec, options.providers, ANSWERS)
        self.images = ImageSource()
        self.files = FileStore()
        self.jobs = JobStore()
        self.journal = Journal(options.journal) if options.journal else None
        self.scripts = Scripts()
        self._readers: dict[int, tuple[Operation, BodyReader]] = {}

    # -- helpers used by the answer builders ----------------------------------------------------

    def reader(self, operation: Operation) -> BodyReader:
        hit = self._readers.get(id(operation))
        if hit is None or hit[0] is not operation:
            hit = (operation, BodyReader(operation))
            self._readers[id(operation)] = hit
        return hit[1]

    def generation(self, ctx: AnswerContext) -> Generation:
        return resolve(ctx.operation, ctx.model, ctx.reader, ctx.body, self.options)

    def error(self, provider: Provider | None, error: RelayError) -> Response:
        return error_response(provider, error, plain_text=self.options.has(f.ERROR_ENVELOPE))

    # -- the pipeline ---------------------------------------------------------------------------

    async def handle(
        self, routes: ProviderRoutes, request: Request, path: str | None = None
    ) -> Response:
        provider = routes.provider
        if path is None:
            path = "/" + str(request.path_params.get("rest", ""))
        try:
            response = await self._handle(routes, provider, path, request)
        except Exception:  # a relay bug must still answer in the envelope, and be logged
            logger.exception("internal error answering %s /%s%s", request.method, provider.id, path)
            response = self.error(
                provider,
                RelayError(500, ErrorKind.INTERNAL, "Internal error in the reference relay."),
            )
        return spoil_error(response, request, provider, self.options)

    async def _handle(
        self, routes: ProviderRoutes, provider: Provider, path: str, request: Request
    ) -> Response:
        options = self.options
        if options.latency is not None:
            await anyio.sleep(random.uniform(*options.latency))
        match = routes.match(request.method, path)
        if not options.has(f.NO_AUTH) and not (options.has(f.OPEN_POLLS) and _polls(match)):
            # Starlette parses the query string on first access (parse_qsl and two multidicts):
            # ~4% of the relay's time, for requests that mostly have none.
            query = request.query_params if request.scope.get("query_string") else _NO_QUERY
            refused = authenticate(provider, request.headers, query, options.keys)
            if refused is not None:
                return self.error(provider, refused)
        if match is None:
            return self.error(
                provider,
                RelayError(404, ErrorKind.NOT_FOUND, f"Requested entity was not found: {path}"),
            )
        if not match.targets:
            allowed = ", ".join(match.allowed)
            message = f"Method {request.method} is not allowed on {path}; allowed: {allowed}"
            return self.error(
                provider, RelayError(405, ErrorKind.METHOD, message, headers={"Allow": allowed})
            )
        targets = match.targets
        body: Any = None
        problem: BodyProblem | None = None
        if any(t.operation.has_body for t in targets):
            limit = max(t.operation.body_limit or DEFAULT_BODY_LIMIT for t in targets)
            if self.options.has(f.UNBOUNDED_BODY):
                limit *= UNBOUNDED_FACTOR
            raw = await read_body(request, limit)
            parsed = parse_json(raw) if isinstance(raw, bytes) else raw
            if isinstance(parsed, BodyProblem):
                if parsed.too_large:
                    return self.error(
                        provider, RelayError(413, ErrorKind.TOO_LARGE, parsed.message)
                    )
                problem = parsed
            else:
                body = parsed
        target = self._pick(targets, body)
        refused = self._check(provider, target, body, problem)
        if refused is not None:
            if options.has(f.SERVER_ERROR):
                return self.error(
                    provider, RelayError(500, ErrorKind.INTERNAL, "Internal error encountered.")
                )
            if options.has(f.INVALID_AS_NOT_FOUND):
                return self.error(
                    provider,
                    RelayError(404, ErrorKind.NOT_FOUND, "Requested entity was not found."),
                )
            if not options.has(f.ACCEPT_INVALID):
                return self.error(provider, refused)
            if problem is not None:
                body = {}
        ctx = AnswerContext(
            self,
            request,
            provider,
            target.model,
            target.operation,
            self.reader(target.operation),
            body,
            match.params,
        )
        return await ANSWERS[target.operation.family](ctx)

    def _pick(self, targets: tuple[Target, ...], body: Any) -> Target:
        """The target whose model the body names (OpenAI-style and job APIs share one path)."""
        if len(targets) == 1:
            return targets[0]
        first = targets[0].operation
        param = first.by_concept("model")
        if param is not None and isinstance(body, dict):
            named = next(iter(self.reader(first).values(body, param)), None)
            for target in targets:
                if target.model.id == named:
                    return target
        return targets[0]

    def _check(
        self, provider: Provider, target: Target, body: Any, problem: BodyProblem | None
    ) -> RelayError | None:
        """The 400 a request deserves, or None when it is valid."""
        if problem is not None:
            return RelayError(400, ErrorKind.MALFORMED, problem.message)
        if not target.operation.has_body:
            return None
        strict = refuse_forms(target.operation, self.reader(target.operation), body, self.options)
        if strict is not None:
            return strict
        validator = validator_for(provider, target.model, target.operation, "request")
        if validator is None:
            return None
        try:
            # jsonschema-rs names the same pointers, rules and parameters as Python jsonschema
            # (tests/schema/test_rules_broken.py), in its own words: 12% of a 16x run's
            # execution went to Python jsonschema here, one negative request at a time.
            violations = validator.rules_broken(body)
        except RecursionError:
            return RelayError(400, ErrorKind.INVALID, "Invalid request: nested too deeply.")
        if not violations:
            return None
        return RelayError(
            400, ErrorKind.INVALID, validation_message(violations), violations=tuple(violations)
        )

    # -- files, index, fallbacks ----------------------------------------------------------------

    async def serve_file(self, request: Request) -> Response:
        recipe = self.files.get(str(request.path_params["name"]))
        if self.options.has(f.KEYED_IMAGE_URLS) and not _carries_key(request, self.options.keys):
            return self.error(None, RelayError(401, ErrorKind.AUTH_MISSING, "API key required."))
        if recipe is None:
            return self.error(None, RelayError(404, ErrorKind.NOT_FOUND, "No such file."))
        payload = await self.images.get(recipe.key)
        data = cut(payload.raw, base64=False) if recipe.truncate else payload.raw
        return body_response(
            [data], 200, recipe.content_type, {"Cache-Control": "public, max-age=3600"}
        )

    async def index(self, request: Request) -> Response:
        base = str(request.base_url).rstrip("/")
        return JSONResponse(
            {
                "relay": "conformance reference relay",
                "faults": sorted(self.options.faults),
                "payload": self.options.payload,
                "providers": [
                    {
                        "id": routes.provider.id,
                        "base_url": f"{base}/{routes.provider.id}",
                        "auth": [f"{s.kind} {s.name}" for s in routes.provider.auth.schemes],
                        "models": [m.id for m in routes.provider.models],
                    }
                    for routes in self.routes.values()
                ],
            }
        )

    async def dispatch(self, request: Request) -> Response:
        routes = self.routes.get(str(request.path_params.get("provider", "")))
        if routes is None:
            return self.error(
                None, RelayError(404, ErrorKind.NOT_FOUND, f"No route for {request.url.path}")
            )
        if self.journal is None:
            return await self.handle(routes, request)
        return await control.journaled(
            self,
            self.journal,
            self.scripts,
            routes.provider,
            request,
            lambda: self.handle(routes, request),
        )

    async def health(self, request: Request) -> Response:
        return JSONResponse({"status": "ok"})

    async def not_found(self, request: Request, exc: Exception) -> Response:
        """Starlette's 404/405. A path under a provider (one its route pattern cannot match,
        e.g. a job id holding `%0A`) goes through that provider's pipeline, so that auth and
        its error envelope apply; the rest answers in the default envelope, `Allow` kept."""
        first, _, rest = request.url.path.lstrip("/").partition("/")
        routes = self.routes.get(first)
        if routes is not None:
            return await self.handle(routes, request, "/" + rest)
        status = exc.status_code if isinstance(exc, HTTPException) else 404
        kind = ErrorKind.METHOD if status == 405 else ErrorKind.NOT_FOUND
        headers = dict(exc.headers or {}) if isinstance(exc, HTTPException) else {}
        message = f"No route for {request.url.path}"
        return self.error(None, RelayError(status, kind, message, headers=headers))


def create_app(spec: Spec, options: RelayOptions | None = None) -> Starlette:
    """The relay for `spec` as a Starlette app; `app.state.relay` holds its `Relay`."""
    relay = Relay(spec, options or RelayOptions())
    routes: list[Route] = [
        Route("/", relay.index, methods=["GET"]),
        Route(HEALTH_PATH, relay.health, methods=["GET"]),
        Route(FILE_PREFIX + "/{name}", relay.serve_file, methods=["GET"], name=FILE_ROUTE),
    ]
    journal = relay.journal
    if journal is not None:
        routes += [
            Route(
                control.JOURNAL_PATH,
                partial(control.journal_endpoint, journal),
                methods=["GET", "DELETE"],
            ),
            Route(
                control.SCRIPTS_PATH,
                partial(control.scripts_endpoint, relay.scripts),
                methods=["POST"],
            ),
        ]
    # One route for every provider, the provider picked by a dict lookup: a route per provider
    # made Starlette try each in turn for every request (linear in providers; 960 at 64x).
    provider_route = Route("/{provider}/{rest:path}", relay.dispatch, methods=_METHODS)
    routes.append(provider_route)  # others: `not_found`
    app = RelayApp(
        routes, provider_route, exception_handlers={404: relay.not_found, 405: relay.not_found}
    )
    app.state.relay = relay
    return app
