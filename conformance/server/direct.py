"""The relay's Starlette app, with a short way in for the route every API request takes.

Each API request matches one route, `/{provider}/{rest:path}`. Through Starlette's whole stack
(ServerErrorMiddleware, ExceptionMiddleware, the router, `request_response` and its exception
wrapper) it passed seven coroutine layers, every one of them resumed at each await of the relay's
pipeline: ~16% of the relay's CPU in a 16x run (py-spy, GIL samples). For a request the router
would hand to that route, `RelayApp` calls the route's endpoint itself, with the scope the router
builds (`app`, `router`, `route`, `endpoint`, `path_params`); every other request (index, health,
files, journal, Starlette's 404/405, lifespan) goes through Starlette unchanged. The endpoint
answers its own errors (`Relay.handle` turns an exception into a 500 in the provider's envelope);
whatever it might still raise is answered as ServerErrorMiddleware answers it, then raised on.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Mapping, MutableMapping, Sequence
from typing import Any

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import PlainTextResponse, Response
from starlette.routing import BaseRoute, Match, Route
from starlette.types import Message, Receive, Scope, Send

Endpoint = Callable[[Request], Awaitable[Response]]
_CLAIMS_KEPT = 4096


class RelayApp(Starlette):
    """A Starlette app whose `direct` route (one of `routes`) is entered without the stack."""

    def __init__(
        self,
        routes: Sequence[BaseRoute],
        direct: Route,
        exception_handlers: Mapping[Any, Any],
    ) -> None:
        super().__init__(routes=routes, exception_handlers=exception_handlers)
        self._direct = direct
        self._endpoint: Endpoint = direct.endpoint
        self._claims: dict[tuple[Any, ...], dict[str, Any] | None] = {}

    def _claimed(self, scope: Scope) -> MutableMapping[str, Any] | None:
        """The router's child scope when the first route fully matching is `direct`. Which
        route that is depends only on the path and method (a run sends each operation's path
        hundreds of times): the answer is kept per (root path, path, method), up to
        `_CLAIMS_KEPT` of them, instead of matching every route's pattern again (~1.5% of a
        16x run's worker CPU). The path parameters are copied out each time."""
        if scope.get("path_params"):  # mounted under an app with its own: match afresh
            return self._match(scope)
        key = (scope.get("root_path", ""), scope["path"], scope.get("method"))
        if key not in self._claims:
            if len(self._claims) >= _CLAIMS_KEPT:
                self._claims.clear()
            self._claims[key] = self._match(scope)
        claim = self._claims[key]
        return None if claim is None else {**claim, "path_params": dict(claim["path_params"])}

    def _match(self, scope: Scope) -> dict[str, Any] | None:
        for route in self.router.routes:
            match, child = route.matches(scope)
            if match is Match.FULL:
                return dict(child) if route is self._direct else None
        return None

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        child = None
        if scope["type"] == "http" and not self.user_middleware and not self.debug:
            child = self._claimed(scope)
        if child is None:
            await super().__call__(scope, receive, send)
            return
        scope["app"] = self
        scope.setdefault("router", self.router)
        scope["route"] = self._direct
        scope.update(child)
        started = False

        async def sent(message: Message) -> None:
            nonlocal started
            if message["type"] == "http.response.start":
                started = True
            await send(message)

        try:
            response = await self._endpoint(Request(scope, receive, sent))
            await response(scope, receive, sent)
        except Exception:
            if not started:
                await PlainTextResponse("Internal Server Error", status_code=500)(
                    scope, receive, send
                )
            raise
