"""Image payloads for answers: generated once per size, off the event loop, shared by requests.

A realistic 4K image takes a few hundred milliseconds to encode; doing that on the event loop
would stall every other client, and doing it once per concurrent request would multiply memory.
So the first request for a size generates it in a worker thread (at most `_ENCODERS` at once)
while later ones wait for that same result (single flight), and the encoded bytes and their
base64 text (as ASCII bytes, ready to splice into JSON) stay in a bounded LRU.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from dataclasses import dataclass

import anyio
import anyio.to_thread

from conformance.images import ImageFormat, encode_base64, make_image

# Distinct images encoded at once. anyio's default (40 threads) let 8 run together in a default
# run, each holding its pixels and encoder buffers: ~470 MB peak RSS. Measured on 2 cores with a
# cold image cache: 1 encoder 2.4 s / 188 MB, 2 encoders no faster and 242 MB.
_ENCODERS = 1


@dataclass(frozen=True)
class ImageKey:
    """One distinct image the relay can serve."""

    width: int
    height: int
    format: ImageFormat
    payload: str


@dataclass(frozen=True)
class Payload:
    """An encoded image and its standard base64 text (ASCII bytes)."""

    raw: bytes
    base64: bytes


class ImageSource:
    """Bounded, thread-safe, single-flight cache of generated images."""

    def __init__(self, max_entries: int = 64, max_bytes: int = 768 * 1024 * 1024) -> None:
        self._max_entries = max_entries
        self._max_bytes = max_bytes
        self._total = 0
        self._items: OrderedDict[ImageKey, Payload] = OrderedDict()
        self._lock = threading.Lock()
        self._inflight: dict[ImageKey, anyio.Event] = {}
        self._limiter: anyio.CapacityLimiter | None = None  # made in the event loop

    def cached(self, key: ImageKey) -> Payload | None:
        with self._lock:
            found = self._items.get(key)
            if found is not None:
                self._items.move_to_end(key)
            return found

    async def get(self, key: ImageKey) -> Payload:
        """The payload for `key`, generating it in a worker thread the first time."""
        while True:
            found = self.cached(key)
            if found is not None:
                return found
            pending = self._inflight.get(key)
            if pending is None:
                break
            await pending.wait()
        done = anyio.Event()
        self._inflight[key] = done
        if self._limiter is None:
            self._limiter = anyio.CapacityLimiter(_ENCODERS)
        try:
            payload = await anyio.to_thread.run_sync(_generate, key, limiter=self._limiter)
            self._put(key, payload)
            return payload
        finally:
            del self._inflight[key]
            done.set()

    def _put(self, key: ImageKey, payload: Payload) -> None:
        size = len(payload.raw) + len(payload.base64)
        if size > self._max_bytes:
            return
        with self._lock:
            old = self._items.pop(key, None)
            if old is not None:
                self._total -= len(old.raw) + len(old.base64)
            self._items[key] = payload
            self._total += size
            while len(self._items) > self._max_entries or self._total > self._max_bytes:
                _, evicted = self._items.popitem(last=False)
                self._total -= len(evicted.raw) + len(evicted.base64)


def _generate(key: ImageKey) -> Payload:
    raw = make_image(key.width, key.height, key.format.value, key.payload)
    return Payload(raw, encode_base64(raw).encode("ascii"))
