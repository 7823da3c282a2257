"""httpx's cookie jar, consulted only for answers that set a cookie.

httpx hands every response to `Cookies.extract_cookies`, which wraps request and response in
urllib compatibility objects and asks `http.cookiejar` to look for `Set-Cookie` headers: about
7% of a run's CPU at 16x the providers (in-process relay), where no answer sets one. The jar
finds nothing to store in an answer without `Set-Cookie` or `Set-Cookie2`, so skipping those
answers keeps the client's cookie behaviour exactly as it was.
"""

from __future__ import annotations

import httpx

#: The only headers `http.cookiejar.CookieJar.make_cookies` reads cookies from.
_SETTERS = ("set-cookie", "set-cookie2")


class LeanCookies(httpx.Cookies):
    """`httpx.Cookies` that ignores answers without a cookie header."""

    def extract_cookies(self, response: httpx.Response) -> None:
        headers = response.headers
        if any(name in headers for name in _SETTERS):
            super().extract_cookies(response)


def lean_cookies(client: httpx.AsyncClient) -> httpx.AsyncClient:
    """`client` with its cookie jar replaced by an equivalent `LeanCookies` (the client reads
    the jar from `_cookies`; if httpx ever moves it, this only stops saving the time)."""
    if isinstance(getattr(client, "_cookies", None), httpx.Cookies):
        setattr(client, "_cookies", LeanCookies(client.cookies))  # noqa: B010
    return client
