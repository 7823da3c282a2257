"""What several checks need to read from an answer: JSON pointers with "*", images, blocking.

Images are located with the operation's `ImageLocator` (for jobs: the poll operation's, on the
last poll). URL answers are matched with the image fetches the transport recorded.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass
from functools import cached_property
from typing import Any

from conformance.exchange import Exchange, Response
from conformance.images import ImageInfo, decode_base64_strict, inspect_image
from conformance.plan.case import Case
from conformance.spec.model import ImageLocator, Operation

_ESC = {"~1": "/", "~0": "~"}


@functools.lru_cache(maxsize=1024)
def tokens(pointer: str) -> tuple[str, ...]:
    """A pointer pattern's tokens, unescaped: the spec's patterns, split once each instead of
    for every answer they are looked up in."""
    parts = pointer.split("/")[1:] if pointer else []
    return tuple(p.replace("~1", "/").replace("~0", "~") for p in parts)


def find(body: Any, pattern: str) -> list[tuple[str, Any]]:
    """(concrete pointer, value) for every match of `pattern` ("*" matches any array index)."""
    found: list[tuple[str, Any]] = [("", body)]
    for token in tokens(pattern):
        nxt: list[tuple[str, Any]] = []
        for where, node in found:
            if token == "*" and isinstance(node, list):
                nxt.extend((f"{where}/{i}", item) for i, item in enumerate(node))
            elif isinstance(node, dict) and token in node:
                nxt.append((f"{where}/{token}", node[token]))
        found = nxt
    return found


def relative(item: Any, path: str | None) -> Any:
    """The value at `path` ("a/b") below an image item; "" means the item itself."""
    if path is None:
        return None
    if path == "":
        return item
    node = item
    for token in path.split("/"):
        if not isinstance(node, dict):
            return None
        node = node.get(token)
    return node


def json_of(response: Response | None) -> Any:
    if response is None:
        return None
    ok, value = response.parsed
    return value if ok else None


def image_source(case: Case, exchange: Exchange) -> tuple[Operation, Any]:
    """The operation whose locator applies and the JSON body that holds the images."""
    poll = case.poll_operation
    if poll is not None:
        last = exchange.polls[-1].response if exchange.polls else None
        return poll, json_of(last)
    return case.operation, json_of(exchange.response)


@dataclass(frozen=True)
class Image:
    pointer: str
    data: bytes | None
    declared_mime: str | None
    encoding: str
    problem: str | None = None
    url: str | None = None

    @cached_property
    def info(self) -> ImageInfo:
        """The payload sniffed, sized and walked once for every check that asks (callers look
        at `data` first: without bytes this is the empty payload's verdict)."""
        return inspect_image(self.data or b"")


def holds_images(body: Any, locator: ImageLocator) -> bool:
    """Whether an answer has any image item in this form (a text block or a filtered item is
    not one): the first form that does is the answer's."""
    for _, item in find(body, locator.items):
        if locator.filtered and relative(item, locator.filtered) is not None:
            continue
        if relative(item, locator.data) or relative(item, locator.uri):
            return True
    return False


def answer_locator(operation: Operation, body: Any) -> ImageLocator | None:
    """The documented image form this answer uses: the first that holds an image item, else
    the primary one (an answer with no image is judged against the primary form)."""
    forms = operation.response.locators()
    if not forms:
        return None
    return next((f for f in forms if holds_images(body, f)), forms[0])


def images(case: Case, exchange: Exchange) -> list[Image] | None:
    """Every image in the answer (filtered items excluded); None when there is no locator.

    Decoded once per exchange and case: half a dozen checks read the same images.
    """
    key = f"images:{case.id}"
    memo = exchange.derived
    if key not in memo:
        memo[key] = _images(case, exchange)
    found: list[Image] | None = memo[key]
    return None if found is None else list(found)


def _images(case: Case, exchange: Exchange) -> list[Image] | None:
    operation, body = image_source(case, exchange)
    if body is None:
        return None
    locator = answer_locator(operation, body)
    if locator is None:
        return None
    fetched = {f.request.url: f for f in exchange.fetches}
    out: list[Image] = []
    for pointer, item in find(body, locator.items):
        if locator.filtered and relative(item, locator.filtered) is not None:
            continue
        mime = relative(item, locator.mime)
        mime = mime if isinstance(mime, str) else None
        data = relative(item, locator.data)
        if isinstance(data, str) and data:
            decoded = decode_base64_strict(data)
            where = f"{pointer}/{locator.data}"
            out.append(
                Image(
                    where,
                    decoded,
                    mime,
                    "b64",
                    None if decoded is not None else "not canonical base64",
                )
            )
            continue
        uri = relative(item, locator.uri)
        if isinstance(uri, str) and uri.startswith("data:"):
            where = f"{pointer}/{locator.uri}" if locator.uri else pointer
            out.append(data_url_image(where, uri, mime))
            continue
        if isinstance(uri, str) and uri:
            where = f"{pointer}/{locator.uri}" if locator.uri else pointer
            fetch = fetched.get(uri)
            if fetch is None or fetch.response is None:
                problem = f"could not fetch {uri}: {fetch.error if fetch else 'not fetched'}"
                out.append(Image(where, None, mime, "url", problem, uri))
            elif fetch.response.status >= 400:
                out.append(
                    Image(
                        where,
                        None,
                        mime,
                        "url",
                        f"fetching {uri} answered {fetch.response.status}",
                        uri,
                    )
                )
            else:
                declared = mime or fetch.response.media_type or None
                out.append(Image(where, fetch.response.body, declared, "url", None, uri))
    return out


def data_url_image(where: str, url: str, mime: str | None) -> Image:
    """An image carried inline as an RFC 2397 `data:<mime>;base64,<data>` URL (chat-completion
    gateways answer so); the URL's media type is the declared one unless the item names one."""
    header, comma, payload = url.partition(",")
    params = header[len("data:") :].split(";")
    declared = mime or params[0] or None
    if not comma or "base64" not in params[1:]:
        return Image(where, None, declared, "b64", "not a base64 data: URL")
    decoded = decode_base64_strict(payload)
    problem = None if decoded is not None else "not canonical base64"
    return Image(where, decoded, declared, "b64", problem)


def image_urls(operation: Operation, body: Any) -> list[str]:
    """URLs an answer points its images at (what the transport must fetch)."""
    if body is None:
        return []
    locator = answer_locator(operation, body)
    if locator is None or locator.uri is None:
        return []
    urls = []
    for _, item in find(body, locator.items):
        uri = relative(item, locator.uri)
        data = relative(item, locator.data)
        if isinstance(uri, str) and uri.startswith(("http://", "https://")) and not data:
            urls.append(uri)
    return urls


def blocked(case: Case, exchange: Exchange) -> str | None:
    """The content-policy outcome an answer reports (raiFilteredReason, NO_IMAGE...), if any."""
    operation, body = image_source(case, exchange)
    candidates = [(operation, body)]
    if operation is not case.operation:
        candidates.append((case.operation, json_of(exchange.response)))
    for op, value in candidates:
        if value is None:
            continue
        for rule in op.response.blocked:
            for pointer, found in find(value, rule.pointer):
                if rule.values is None or found in rule.values:
                    return f"{rule.outcome}: {found} at {pointer}"
    return None


def is_success(response: Response) -> bool:
    return 200 <= response.status < 300
