"""A hostile upstream on loopback: every answer misbehaves in one named way (`MODES`).

Each server is a `ThreadingHTTPServer` on 127.0.0.1 in a daemon thread, stopped by the
fixture that started it. Endless answers are bounded too: a stream stops after `MAX_STREAM`
bytes or `MAX_SECONDS`, whichever comes first, or when the client hangs up. A `Collector` (a
second server, so another origin) records everything that reaches it, to prove that no
credential follows a redirect.
"""

from __future__ import annotations

import json
import struct
import threading
import time
import zlib
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from functools import cache
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

MAX_STREAM = 2 * 1024**3
MAX_SECONDS = 60.0
BIG_BODY = 60 * 1024 * 1024


@dataclass
class Received:
    """What one request carried to a server: method, path with query, headers, body."""

    method: str
    target: str
    headers: dict[str, str]
    body: bytes

    def text(self) -> str:
        lines = [f"{self.method} {self.target}", *(f"{k}: {v}" for k, v in self.headers.items())]
        return "\n".join(lines) + "\n" + self.body.decode("latin-1")


@dataclass
class State:
    mode: str
    key: str
    redirect_to: str = ""
    received: list[Received] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)


@cache
def gzip_bomb() -> bytes:
    """About 1 MiB of gzip that inflates to 1 GiB of zeros (one member, valid CRC and size).

    Built from one fully flushed deflate segment repeated (a full flush drops the history, so
    copies of it decode alone): 0.6 s instead of 10 s of compressing a gibibyte.
    """
    z = zlib.compressobj(9, zlib.DEFLATED, -zlib.MAX_WBITS)
    block = bytes(1024 * 1024)
    segment = z.compress(block) + z.flush(zlib.Z_FULL_FLUSH)
    end = z.flush()
    crc = 0
    for _ in range(1024):
        crc = zlib.crc32(block, crc)
    header = b"\x1f\x8b\x08\x00\x00\x00\x00\x00\x02\xff"
    return header + segment * 1024 + end + struct.pack("<II", crc, (1 << 30) & 0xFFFFFFFF)


@cache
def big_body() -> bytes:
    """A 60 MB Imagen-shaped answer whose one "image" is base64 of nothing recognisable."""
    head = b'{"predictions":[{"mimeType":"image/png","bytesBase64Encoded":"'
    tail = b'"}]}'
    return head + b"QUFB" * ((BIG_BODY - len(head) - len(tail)) // 4) + tail


def _deep_json(depth: int = 200_000) -> bytes:
    return b"[" * depth + b"]" * depth


Handler = Callable[["_Handler", State], None]


def _send(h: _Handler, status: int, body: bytes, headers: dict[str, str] | None = None) -> None:
    h.send_response(status)
    merged = {"Content-Type": "application/json", "Content-Length": str(len(body))}
    for name, value in {**merged, **(headers or {})}.items():
        h.send_header(name, value)
    h.end_headers()
    h.wfile.write(body)


def _key_of(h: _Handler) -> str:
    """The credential as the request sent it (header or `?key=`), for the modes that echo it."""
    for name in ("x-goog-api-key", "x-api-key"):
        if h.headers.get(name):
            return str(h.headers[name])
    auth = h.headers.get("authorization", "")
    if auth:
        return str(auth).removeprefix("Bearer ")
    return h.path.partition("key=")[2].partition("&")[0]


def _redirect(h: _Handler, state: State) -> None:
    _send(h, 307, b"", {"Location": state.redirect_to + h.path})


def _retry_after_garbage(h: _Handler, state: State) -> None:
    _send(h, 429, b'{"error":{"code":429}}', {"Retry-After": "soon-ish, maybe Tuesday"})


def _retry_after_key(h: _Handler, state: State) -> None:
    _send(h, 503, b'{"error":{"code":503}}', {"Retry-After": _key_of(h)})


def _echo_key(h: _Handler, state: State) -> None:
    key = _key_of(h)
    body = json.dumps({"error": {"code": 400, "message": f"bad key {key}"}}).encode()
    _send(h, 400, body, {"X-Echo": key, "Content-Type": "text/html"})


def _bad_status_line(h: _Handler, state: State) -> None:
    h.wfile.write(f"HTTP/1.1 2x0 {_key_of(h)}\r\n\r\n".encode())
    h.close_connection = True


def _deep(h: _Handler, state: State) -> None:
    _send(h, 200, _deep_json())


def _deep_small(h: _Handler, state: State) -> None:
    """Nested too deep to parse, yet small enough that a finished case keeps it whole."""
    _send(h, 200, _deep_json(30_000))


def _bomb(h: _Handler, state: State) -> None:
    _send(h, 200, gzip_bomb(), {"Content-Encoding": "gzip"})


def _big(h: _Handler, state: State) -> None:
    _send(h, 200, big_body())


def _endless(h: _Handler, state: State) -> None:
    h.send_response(200)
    h.send_header("Content-Type", "application/json")
    h.send_header("Transfer-Encoding", "chunked")
    h.end_headers()
    chunk = b"[" * 65536
    frame = f"{len(chunk):x}\r\n".encode() + chunk + b"\r\n"
    sent, start = 0, time.monotonic()
    while sent < MAX_STREAM and time.monotonic() - start < MAX_SECONDS:
        h.wfile.write(frame)
        sent += len(chunk)


def _drip(h: _Handler, state: State) -> None:
    h.send_response(200)
    h.send_header("Content-Type", "application/json")
    h.send_header("Content-Length", "600")
    h.end_headers()
    start = time.monotonic()
    for _ in range(600):
        if time.monotonic() - start > MAX_SECONDS:
            break
        h.wfile.write(b" ")
        h.wfile.flush()
        time.sleep(1.0)


def _job_missing(h: _Handler, state: State) -> None:
    if h.command == "POST":
        _send(h, 200, b'{"id":"job-42","status":"PENDING"}')
    else:
        _send(h, 404, b'{"error":"not found"}')


MODES: dict[str, Handler] = {
    "redirect": _redirect,
    "retry-after-garbage": _retry_after_garbage,
    "retry-after-key": _retry_after_key,
    "echo-key": _echo_key,
    "bad-status-line": _bad_status_line,
    "deep-json": _deep,
    "deep-json-small": _deep_small,
    "gzip-bomb": _bomb,
    "big-body": _big,
    "endless": _endless,
    "drip": _drip,
    "job-missing": _job_missing,
}


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    state: State

    def log_message(self, format: str, *args: Any) -> None:
        pass

    def _handle(self) -> None:
        length = int(self.headers.get("content-length") or 0)
        body = self.rfile.read(length) if length else b""
        with self.state.lock:
            self.state.received.append(
                Received(self.command, self.path, dict(self.headers.items()), body)
            )
        try:
            MODES[self.state.mode](self, self.state)
        except (BrokenPipeError, ConnectionResetError):
            self.close_connection = True

    do_GET = do_POST = do_PUT = do_DELETE = _handle


def _collect(h: _Handler, state: State) -> None:
    _send(h, 200, b"{}")


MODES["collect"] = _collect


class _Server(ThreadingHTTPServer):
    daemon_threads = True

    def handle_error(self, request: Any, client_address: Any) -> None:
        """The suite hanging up mid-answer is the point of most modes, not a server error."""


@contextmanager
def serve(mode: str, key: str, redirect_to: str = "") -> Iterator[tuple[str, State]]:
    """(base URL, state) of a hostile server answering in `mode`; stopped on exit."""
    state = State(mode, key, redirect_to)
    handler = type("Handler", (_Handler,), {"state": state})
    server = _Server(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05})
    thread.daemon = True
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}", state
    finally:
        server.shutdown()
        server.server_close()
        thread.join(5)


def zlib_bomb() -> bytes:
    """A zlib-wrapped ("deflate") stream inflating to 256 MiB, for unit tests of the reader."""
    z = zlib.compressobj(9)
    block = bytes(1024 * 1024)
    return b"".join(z.compress(block) for _ in range(256)) + z.flush()
