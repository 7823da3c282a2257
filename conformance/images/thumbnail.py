"""Summaries of returned images for reports: measured facts, and a small thumbnail on request.

The engine drops large answer bodies soon after the checks ran, while the HTML report still
wants to show each picture; so each image is summarised right after the checks: its measured
format, pixel size, byte count and hash (cheap: header reads only), plus, only when a report
will show it, a thumbnail small enough to inline as a `data:` URI. Thumbnails decode the
image, which costs CPU on multi-MB payloads, hence opt-in. Nothing here raises on bad bytes.
"""

from __future__ import annotations

import base64
import hashlib
import io
from dataclasses import dataclass, replace
from typing import Any

from conformance.images.sniff import (
    MAX_DECODE_PIXELS,
    ImageInfo,
    allow_large_images,
    inspect_image,
)

__all__ = ["THUMBNAIL_SIDE", "ImageSummary", "summarize_image", "thumbnail_data_uri"]

#: Longest side of a thumbnail in pixels: large enough to see a wrong aspect ratio, small
#: enough that hundreds of them keep an HTML report in the low megabytes (~3-6 KB each).
THUMBNAIL_SIDE = 160


@dataclass(frozen=True)
class ImageSummary:
    """One returned image as measured from its bytes (None where the bytes did not say)."""

    pointer: str
    encoding: str
    declared_mime: str | None
    mime: str | None
    width: int | None
    height: int | None
    bytes: int | None
    sha256: str | None
    complete: bool
    problem: str | None = None
    url: str | None = None
    thumbnail: str | None = None

    @property
    def size(self) -> str | None:
        """`WxH`, the spelling the spec's size tables use."""
        if self.width is None or self.height is None:
            return None
        return f"{self.width}x{self.height}"

    def as_dict(self) -> dict[str, Any]:
        return {
            "pointer": self.pointer,
            "encoding": self.encoding,
            "declared_mime": self.declared_mime,
            "mime": self.mime,
            "width": self.width,
            "height": self.height,
            "bytes": self.bytes,
            "sha256": self.sha256,
            "complete": self.complete,
            "problem": self.problem,
            "url": self.url,
            "thumbnail": self.thumbnail,
        }

    def without_thumbnail(self) -> ImageSummary:
        return replace(self, thumbnail=None)


def summarize_image(
    pointer: str,
    data: bytes | None,
    *,
    encoding: str,
    declared_mime: str | None = None,
    problem: str | None = None,
    url: str | None = None,
    thumbnail: bool = False,
    info: ImageInfo | None = None,
) -> ImageSummary:
    """Measure `data` (None: the image could not be obtained, `problem` says why); `info` is
    `inspect_image(data)` when the caller already has it."""
    if data is None:
        return ImageSummary(
            pointer, encoding, declared_mime, None, None, None, None, None, False, problem, url
        )
    if info is None:
        info = inspect_image(data)
    return ImageSummary(
        pointer,
        encoding,
        declared_mime,
        info.mime,
        info.width,
        info.height,
        len(data),
        hashlib.sha256(data).hexdigest(),
        info.complete,
        problem or info.problem,
        url,
        thumbnail_data_uri(data) if thumbnail and info.complete else None,
    )


def thumbnail_data_uri(data: bytes, side: int = THUMBNAIL_SIDE) -> str | None:
    """A JPEG (PNG when the image has transparency) `data:` URI at most `side` px, or None."""
    size = inspect_image(data).size
    if size is None or size[0] * size[1] > MAX_DECODE_PIXELS:
        return None
    from PIL import Image  # on first use: a run without thumbnails never imports Pillow

    allow_large_images()
    try:
        with Image.open(io.BytesIO(data)) as image:
            # draft() lets libjpeg decode at 1/2..1/8 scale: a 4K JPEG thumbnails ~8x faster.
            image.draft("RGB", (side, side))
            image.thumbnail((side, side))
            alpha = image.mode in ("RGBA", "LA", "PA") or "transparency" in image.info
            out = io.BytesIO()
            if alpha:
                image.convert("RGBA").save(out, format="PNG", optimize=True)
                mime = "image/png"
            else:
                image.convert("RGB").save(out, format="JPEG", quality=70)
                mime = "image/jpeg"
    except (OSError, ValueError, Image.DecompressionBombError):
        return None
    return f"data:{mime};base64,{base64.b64encode(out.getvalue()).decode()}"
