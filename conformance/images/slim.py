"""Shrink images for cassettes while keeping what checks look at.

Recorded responses carry multi-MB base64 images that would bloat the repository. Replaying
checks care about the format, the pixel size and the identity of the original, not the
pixels, so a cassette stores a flat image of the same format and size plus the original's
length and SHA-256. Anything that is not a recognisable complete image is left alone.
"""

from __future__ import annotations

import functools
import hashlib
import io
from dataclasses import dataclass

from conformance.images.formats import ImageFormat, format_from_mime
from conformance.images.sniff import MAX_DECODE_PIXELS, inspect_image

__all__ = ["SlimResult", "slim_image"]


@dataclass(frozen=True)
class SlimResult:
    """A stand-in image and the facts about the original it replaces."""

    data: bytes
    original_bytes: int
    original_sha256: str
    width: int
    height: int
    mime: str

    @property
    def format(self) -> ImageFormat | None:
        """The format shared by the original and the stand-in."""
        return format_from_mime(self.mime)


def slim_image(data: bytes) -> SlimResult | None:
    """Replace an image by a flat one of the same format and pixel size.

    Returns None, meaning "keep the original bytes", when the payload is not a complete
    PNG, JPEG, WebP or GIF (truncated, garbage, HEIC, trailing data), or when its header
    declares a size beyond `MAX_DECODE_PIXELS` or beyond what the encoder can write. Only
    the container structure is checked; pixels are not decoded.
    """
    info = inspect_image(data)
    fmt = info.format
    size = info.size
    if not info.ok or fmt is None or size is None or fmt not in _ENCODERS:
        return None
    max_side = fmt.max_encode_side or 0
    if max(size) > max_side or size[0] * size[1] > MAX_DECODE_PIXELS:
        return None
    try:
        stand_in = _stand_in(fmt, size[0], size[1])
    except (OSError, ValueError):  # the encoder refused; keeping the original loses nothing
        return None
    return SlimResult(
        data=stand_in,
        original_bytes=len(data),
        original_sha256=hashlib.sha256(data).hexdigest(),
        width=size[0],
        height=size[1],
        mime=fmt.mime,
    )


def _png(width: int, height: int) -> bytes:
    from PIL import Image

    # 1-bit pixels deflate at ~1000:1: 4096x4096 is ~2 KB.
    out = io.BytesIO()
    Image.new("1", (width, height), 0).save(out, format="PNG", compress_level=9)
    return out.getvalue()


def _jpeg(width: int, height: int) -> bytes:
    from PIL import Image

    # Mid-grey makes every DCT coefficient zero, and optimised Huffman tables then spend
    # 2 bits per 8x8 block, the floor for baseline JPEG (~64 KB at 4096x4096).
    out = io.BytesIO()
    Image.new("L", (width, height), 128).save(out, format="JPEG", quality=1, optimize=True)
    return out.getvalue()


def _webp(width: int, height: int) -> bytes:
    from PIL import Image

    # Lossless VP8L encodes a flat image in a few dozen bytes at any size.
    out = io.BytesIO()
    image = Image.new("L", (width, height), 128)
    image.save(out, format="WEBP", lossless=True, quality=0, method=0)
    return out.getvalue()


def _gif(width: int, height: int) -> bytes:
    from PIL import Image

    out = io.BytesIO()
    Image.new("1", (width, height), 0).save(out, format="GIF")
    return out.getvalue()


_ENCODERS = {
    ImageFormat.PNG: _png,
    ImageFormat.JPEG: _jpeg,
    ImageFormat.WEBP: _webp,
    ImageFormat.GIF: _gif,
}


# A stand-in depends only on format and size, and recordings repeat a handful of sizes.
@functools.lru_cache(maxsize=64)
def _stand_in(fmt: ImageFormat, width: int, height: int) -> bytes:
    return _ENCODERS[fmt](width, height)
