"""Synthesize real, decodable images of an exact pixel size, format and byte weight.

The reference relay must answer with genuine images, and conformance checks need payloads
whose size matters: a "small" image is tiny and instant, a "realistic" one weighs what a
generated photo weighs (multi-MB at 2048x2048), so transport limits, base64 handling and
timeouts get exercised. Every image is deterministic in its arguments and cached, in memory
and on disk (`disk_cache`), so a machine pays for each distinct image once.
"""

from __future__ import annotations

import io
import random
import struct
import threading
import zlib
from collections import OrderedDict
from collections.abc import Iterator
from typing import TYPE_CHECKING, Final, Generic, TypeVar

from conformance.images.disk_cache import default_cache, image_key
from conformance.images.flat_jpeg import flat_jpeg
from conformance.images.formats import ImageFormat, format_from_name
from conformance.images.sniff import MAX_DECODE_PIXELS, encode_base64

if TYPE_CHECKING:
    from PIL import Image

__all__ = [
    "PAYLOADS",
    "SYNTH_FORMATS",
    "clear_synth_cache",
    "make_base64_image",
    "make_image",
]

#: Formats `make_image` can produce.
SYNTH_FORMATS: Final = (ImageFormat.PNG, ImageFormat.JPEG, ImageFormat.WEBP)
#: Payload kinds `make_image` understands.
PAYLOADS: Final = ("small", "realistic")

# Realistic noise is uniform over 2**bits levels around mid-grey. Full 8-bit noise would
# make a 4096x4096 PNG weigh 50 MB; 4 bits gives ~12 bits per pixel, which is what
# photographic PNGs from generation APIs weigh. JPEG and WebP quantise noise away, so they
# get one more bit to land in the photo range too.
_NOISE_BITS: Final = {ImageFormat.PNG: 4, ImageFormat.JPEG: 5, ImageFormat.WEBP: 5}
# Fresh random bytes cost ~8 ns each; beyond this many the stream repeats. The period is odd
# so repeats never line up with rows, and far longer than deflate's 32 KiB window and JPEG's
# 8x8 blocks, so no encoder can exploit it.
_NOISE_PERIOD: Final = 4 * 1024 * 1024 + 1
# Images are generated in horizontal bands of about this many bytes to bound peak memory.
_BAND_BYTES: Final = 8 * 1024 * 1024

_PNG_SIGNATURE: Final = b"\x89PNG\r\n\x1a\n"

_K = TypeVar("_K")
_V = TypeVar("_V", bytes, str)


class _BoundedCache(Generic[_K, _V]):
    """Thread-safe LRU bounded by entry count and by total length.

    functools.lru_cache bounds only the count, and 64 realistic 8192x12288 images would
    need gigabytes.
    """

    def __init__(self, max_entries: int, max_total: int) -> None:
        self._max_entries = max_entries
        self._max_total = max_total
        self._total = 0
        self._items: OrderedDict[_K, _V] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, key: _K) -> _V | None:
        with self._lock:
            value = self._items.get(key)
            if value is not None:
                self._items.move_to_end(key)
            return value

    def put(self, key: _K, value: _V) -> None:
        if len(value) > self._max_total:
            return
        with self._lock:
            old = self._items.pop(key, None)
            if old is not None:
                self._total -= len(old)
            self._items[key] = value
            self._total += len(value)
            while len(self._items) > self._max_entries or self._total > self._max_total:
                _, evicted = self._items.popitem(last=False)
                self._total -= len(evicted)

    def clear(self) -> None:
        with self._lock:
            self._items.clear()
            self._total = 0


_CacheKey = tuple[int, int, ImageFormat, str, int]
_IMAGES: Final = _BoundedCache[_CacheKey, bytes](max_entries=64, max_total=1 << 30)
_BASE64: Final = _BoundedCache[_CacheKey, str](max_entries=64, max_total=1 << 30)


def make_image(
    width: int, height: int, fmt: str = "png", payload: str = "small", seed: int = 0
) -> bytes:
    """Encoded image of exactly ``width`` x ``height`` pixels.

    `fmt` is "png", "jpeg"/"jpg" or "webp" (any spelling `format_from_name` accepts).
    `payload` is "small" (two flat colours: tiny and fast) or "realistic" (noise that
    compresses like a photo: PNG ~12 bits/pixel, JPEG ~2.3, WebP ~1.3). `seed` picks the
    colours or the noise; equal arguments always give identical bytes.
    Raises ValueError for unknown formats or payloads and for sizes the format cannot hold.
    """
    key = _cache_key(width, height, fmt, payload, seed)
    cached = _IMAGES.get(key)
    if cached is None:
        disk = default_cache()
        disk_key = image_key(width, height, key[2].value, payload, seed)
        cached = disk.get(disk_key) if disk is not None else None
        if cached is None:
            cached = _encode(*key)
            if disk is not None:
                disk.put(disk_key, cached)
        _IMAGES.put(key, cached)
    return cached


def make_base64_image(
    width: int, height: int, fmt: str = "png", payload: str = "small", seed: int = 0
) -> str:
    """`make_image` encoded as standard padded base64 text, cached separately."""
    key = _cache_key(width, height, fmt, payload, seed)
    cached = _BASE64.get(key)
    if cached is None:
        cached = encode_base64(make_image(width, height, key[2], payload, seed))
        _BASE64.put(key, cached)
    return cached


def clear_synth_cache() -> None:
    """Drop every cached image, e.g. to measure generation time."""
    _IMAGES.clear()
    _BASE64.clear()


def _cache_key(width: int, height: int, fmt: str, payload: str, seed: int) -> _CacheKey:
    image_format = format_from_name(fmt)
    if image_format not in SYNTH_FORMATS:
        raise ValueError(f"cannot synthesize {fmt!r}; use one of png, jpeg, webp")
    if payload not in PAYLOADS:
        raise ValueError(f"unknown payload {payload!r}; use 'small' or 'realistic'")
    max_side = image_format.max_encode_side or 0
    if not (1 <= width <= max_side and 1 <= height <= max_side):
        raise ValueError(f"{image_format.name} cannot be {width}x{height} (sides 1..{max_side})")
    if width * height > MAX_DECODE_PIXELS:
        raise ValueError(f"{width}x{height} exceeds {MAX_DECODE_PIXELS} pixels")
    return (width, height, image_format, payload, seed)


def _encode(width: int, height: int, fmt: ImageFormat, payload: str, seed: int) -> bytes:
    if payload == "small":
        if fmt is ImageFormat.JPEG:
            return flat_jpeg(width, height, *_two_colours(seed))
        if fmt is ImageFormat.PNG:
            return _two_tone_png(width, height, seed)
        return _save(_two_tone(width, height, seed), fmt, flat=True)  # WebP
    if fmt is ImageFormat.PNG:
        return _noise_png(width, height, seed)
    return _save(_noise_image(width, height, seed, _NOISE_BITS[fmt]), fmt, flat=False)


def _save(image: Image.Image, fmt: ImageFormat, *, flat: bool) -> bytes:
    """Pillow's encoders for what is not written directly: realistic JPEG and WebP, flat WebP."""
    out = io.BytesIO()
    if fmt is ImageFormat.JPEG:
        image.save(out, format="JPEG", quality=90)
    elif flat:
        # Flat colour costs bytes in lossless VP8L and kilobytes in lossy VP8.
        image.save(out, format="WEBP", lossless=True, quality=0, method=0)
    else:
        image.save(out, format="WEBP", quality=80, method=0)
    return out.getvalue()


def _two_colours(seed: int) -> tuple[tuple[int, int, int], tuple[int, int, int]]:
    """The left and right colours of a "small" image."""
    rng = random.Random(seed)
    left = (rng.randrange(256), rng.randrange(256), rng.randrange(256))
    right = (rng.randrange(256), rng.randrange(256), rng.randrange(256))
    return left, right


def _two_tone(width: int, height: int, seed: int) -> Image.Image:
    from PIL import Image

    left, right = _two_colours(seed)
    image = Image.new("RGB", (width, height), left)
    if width > 1:
        image.paste(right, (width // 2, 0, width, height))
    return image


def _noise_bands(total: int, band: int, seed: int, bits: int) -> Iterator[bytes]:
    """Yield `total` deterministic noise bytes in pieces of `band` bytes (the last shorter)."""
    period = random.Random(seed).randbytes(min(total, _NOISE_PERIOD))
    base = 128 - (1 << (bits - 1))
    shift = 8 - bits
    period = period.translate(bytes(base + (v >> shift) for v in range(256)))
    offset = 0
    while total > 0:
        want = min(band, total)
        pieces: list[bytes] = []
        remaining = want
        while remaining:
            piece = period[offset : offset + remaining]
            pieces.append(piece)
            remaining -= len(piece)
            offset = (offset + len(piece)) % len(period)
        yield b"".join(pieces)
        total -= want


def _noise_image(width: int, height: int, seed: int, bits: int) -> Image.Image:
    from PIL import Image

    stride = width * 3
    rows_per_band = max(1, _BAND_BYTES // stride)
    image = Image.new("RGB", (width, height))
    top = 0
    for band in _noise_bands(stride * height, stride * rows_per_band, seed, bits):
        rows = len(band) // stride
        image.paste(Image.frombytes("RGB", (width, rows), band), (0, top))
        top += rows
    return image


def _noise_png(width: int, height: int, seed: int) -> bytes:
    """RGB noise PNG written directly rather than through Pillow.

    Pillow tries five row filters on every row, which costs over a second at 4096x4096 for
    noise no filter can predict. Writing unfiltered rows and Huffman-only deflate (the LZ
    pass finds nothing in noise either) is ~4x faster and produces a standard PNG.
    """
    stride = width * 3
    rows_per_band = max(1, _BAND_BYTES // stride)
    compressor = zlib.compressobj(1, zlib.DEFLATED, 15, 9, zlib.Z_HUFFMAN_ONLY)
    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)  # 8-bit RGB
    parts = [_PNG_SIGNATURE, *_png_chunk(b"IHDR", header)]
    bands = _noise_bands(
        stride * height, stride * rows_per_band, seed, _NOISE_BITS[ImageFormat.PNG]
    )
    for band in bands:
        view = memoryview(band)
        rows = [view[i : i + stride] for i in range(0, len(band), stride)]
        # A zero byte before each row selects filter type 0 (None).
        compressed = compressor.compress(b"\x00".join([b"", *rows]))
        if compressed:
            parts.extend(_png_chunk(b"IDAT", compressed))
    parts.extend(_png_chunk(b"IDAT", compressor.flush()))
    parts.extend(_png_chunk(b"IEND", b""))
    return b"".join(parts)


def _two_tone_png(width: int, height: int, seed: int) -> bytes:
    """A 1-bit palette PNG of two flat halves, written directly rather than through Pillow.

    Every row is the same bytes, so no raster is needed: Pillow filled and filtered a full
    palette image, 30-50 ms at 2048x2048 and ~0.15 s of a cold first run for a few KB."""
    left, right = _two_colours(seed)
    split = width if width == 1 else width // 2
    row_bytes = -(-width // 8)
    ones = ((1 << (width - split)) - 1) << (row_bytes * 8 - width)  # pixels from `split` on
    row = b"\x00" + ones.to_bytes(row_bytes, "big")  # filter type 0 (None)
    header = struct.pack(">IIBBBBB", width, height, 1, 3, 0, 0, 0)  # 1-bit palette
    parts = [
        _PNG_SIGNATURE,
        *_png_chunk(b"IHDR", header),
        *_png_chunk(b"PLTE", bytes([*left, *right])),
        *_png_chunk(b"IDAT", zlib.compress(row * height, 6)),
        *_png_chunk(b"IEND", b""),
    ]
    return b"".join(parts)


def _png_chunk(ctype: bytes, body: bytes) -> list[bytes]:
    crc = zlib.crc32(body, zlib.crc32(ctype))
    return [struct.pack(">I", len(body)), ctype, body, struct.pack(">I", crc)]
