"""`--block-network`: make any attempt to reach the network fail loudly while a replay runs.

A replay already sends nothing (its transports answer from cassettes and raise on anything
else); this guard is the belt to those braces, for CI: while it is active, connecting an
internet socket and resolving a host name raise `NetworkBlocked`. Local socket pairs (asyncio's
own wake-up pipe) are untouched. pytest-recording's `--block-network` does the same for tests.
"""

from __future__ import annotations

import socket
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

_INTERNET = (socket.AF_INET, socket.AF_INET6)


class NetworkBlocked(RuntimeError):
    """Something tried to use the network while it was blocked."""


@contextmanager
def blocked() -> Iterator[list[str]]:
    """Block internet connections and DNS; yields the list of attempts (each also raised)."""
    attempts: list[str] = []
    connect, connect_ex = socket.socket.connect, socket.socket.connect_ex
    getaddrinfo = socket.getaddrinfo

    def refuse(what: str) -> NetworkBlocked:
        attempts.append(what)
        return NetworkBlocked(f"network access is blocked (--block-network): {what}")

    def guard_connect(self: socket.socket, address: Any) -> None:
        if self.family in _INTERNET:
            raise refuse(f"connect to {address!r}")
        connect(self, address)

    def guard_connect_ex(self: socket.socket, address: Any) -> int:
        if self.family in _INTERNET:
            raise refuse(f"connect to {address!r}")
        return connect_ex(self, address)

    def guard_getaddrinfo(host: Any, *args: Any, **kwargs: Any) -> Any:
        raise refuse(f"resolve {host!r}")

    socket.socket.connect = guard_connect  # type: ignore[method-assign,assignment]
    socket.socket.connect_ex = guard_connect_ex  # type: ignore[method-assign,assignment]
    socket.getaddrinfo = guard_getaddrinfo
    try:
        yield attempts
    finally:
        socket.socket.connect = connect  # type: ignore[method-assign]
        socket.socket.connect_ex = connect_ex  # type: ignore[method-assign]
        socket.getaddrinfo = getaddrinfo
