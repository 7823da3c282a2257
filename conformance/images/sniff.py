"""Inspect image bytes without trusting the type or size anyone declared for them.

Relays relabel, re-encode and truncate images; a response that says "image/png" may carry a
JPEG, or half a PNG. Everything here looks only at the bytes: magic numbers for the format
(kept by hand: they must name the format of bytes Pillow refuses to open, a cut header or a
HEIC Pillow has no plugin for), header fields for the pixel size (`headers.py`), container
structure for completeness (`structure.py`), and (on request) a full Pillow decode. Header and
structure checks never touch pixel data, so they stay fast on 20 MB payloads. No function here
raises on malformed input; problems are reported as data.
"""

from __future__ import annotations

import io
from dataclasses import dataclass
from typing import Final

# Re-exported: the image package's one base64 helper pair.
from conformance.images.base64_text import decode_base64_strict as decode_base64_strict
from conformance.images.base64_text import encode_base64 as encode_base64
from conformance.images.formats import ImageFormat, format_from_mime
from conformance.images.headers import header_size
from conformance.images.structure import structure_problem

__all__ = [
    "MAX_DECODE_PIXELS",
    "ImageInfo",
    "allow_large_images",
    "decode_base64_strict",
    "encode_base64",
    "inspect_image",
    "read_size",
    "sniff_format",
    "sniff_mime",
]

#: Largest image (in pixels) `inspect_image(full_decode=True)` will decode. Generation APIs
#: return up to 8192x12288 (~1.0e8 px); this leaves headroom without admitting decompression
#: bombs.
MAX_DECODE_PIXELS: Final = 160_000_000


def allow_large_images() -> None:
    """Before a Pillow decode: Pillow warns above MAX_IMAGE_PIXELS and refuses above twice
    that; the largest legitimate outputs (8192x12288) exceed its default, so raise it, only ever
    upwards. Pillow is imported here, at the first decode, not with this module: the checks
    read images by header and structure, and `PIL.Image` was ~10 ms of every run's start-up."""
    from PIL import Image

    if Image.MAX_IMAGE_PIXELS is not None and Image.MAX_IMAGE_PIXELS < MAX_DECODE_PIXELS:
        Image.MAX_IMAGE_PIXELS = MAX_DECODE_PIXELS


_PNG_SIGNATURE: Final = b"\x89PNG\r\n\x1a\n"
_HEIC_BRANDS: Final = frozenset({b"heic", b"heix", b"heim", b"heis", b"hevc", b"hevx"})
_HEIF_BRANDS: Final = frozenset({b"mif1", b"msf1"})


@dataclass(frozen=True)
class ImageInfo:
    """What the bytes of a payload say about themselves.

    `mime` is sniffed from magic bytes (None when unrecognised). `width`/`height` come from
    the header (None when unreadable, and always None for HEIC/HEIF). `complete` is True when
    the container structure is whole and exact; with ``full_decode=True`` it also requires
    that Pillow decoded every pixel. `problem` is None when all is well, otherwise a short
    reason starting with one of: "not an image:", "truncated:", "corrupt:", "trailing data:",
    "undecodable:" (these make `complete` False) or "unsupported:", "too large:" (a full
    decode was asked for but not attempted; `complete` keeps the structural verdict).
    """

    mime: str | None
    width: int | None
    height: int | None
    complete: bool
    problem: str | None

    @property
    def format(self) -> ImageFormat | None:
        """The sniffed format as an `ImageFormat`."""
        return None if self.mime is None else format_from_mime(self.mime)

    @property
    def size(self) -> tuple[int, int] | None:
        """``(width, height)`` when both are known."""
        if self.width is None or self.height is None:
            return None
        return (self.width, self.height)

    @property
    def ok(self) -> bool:
        """True for a recognised, complete image with nothing to report."""
        return self.complete and self.problem is None


def sniff_format(data: bytes) -> ImageFormat | None:
    """Format identified by the leading magic bytes, or None."""
    if data.startswith(_PNG_SIGNATURE):
        return ImageFormat.PNG
    if data.startswith(b"\xff\xd8\xff"):
        return ImageFormat.JPEG
    if data.startswith(b"RIFF") and data[8:12] == b"WEBP":
        return ImageFormat.WEBP
    if data.startswith((b"GIF87a", b"GIF89a")):
        return ImageFormat.GIF
    if data[4:8] == b"ftyp":
        return _sniff_heif(data)
    return None


def sniff_mime(data: bytes) -> str | None:
    """MIME type identified by the leading magic bytes, e.g. ``"image/png"``, or None."""
    fmt = sniff_format(data)
    return None if fmt is None else fmt.mime


def read_size(data: bytes) -> tuple[int, int] | None:
    """``(width, height)`` read from the header without decoding pixels, or None.

    JPEG sizes are the stored frame size (EXIF orientation is not applied). HEIC/HEIF
    sizes are not read.
    """
    fmt = sniff_format(data)
    return None if fmt is None else header_size(fmt, data)


def inspect_image(data: bytes, *, full_decode: bool = False) -> ImageInfo:
    """Sniff, size and check a payload for completeness; never raises on bad input.

    The default fast path checks container structure only: PNG chunk lengths and CRCs up to
    a final IEND; JPEG segments, scans and a final EOI; the WebP RIFF size and its chunks;
    GIF blocks up to the trailer; HEIF top-level boxes. Bytes after the end of the image
    count as a problem. ``full_decode=True`` additionally decodes every pixel with Pillow.
    """
    fmt = sniff_format(data)
    if fmt is None:
        reason = "empty payload" if not data else "unknown magic bytes"
        return ImageInfo(None, None, None, complete=False, problem=f"not an image: {reason}")
    size = read_size(data)
    problem = structure_problem(fmt, data)
    if problem is None and size is None and fmt not in (ImageFormat.HEIC, ImageFormat.HEIF):
        problem = f"corrupt: cannot read the {fmt.name} image size from its header"
    complete = problem is None
    if complete and full_decode:
        problem = _decode_problem(fmt, data, size)
        complete = problem is None or problem.startswith(("unsupported:", "too large:"))
    width, height = size if size is not None else (None, None)
    return ImageInfo(fmt.mime, width, height, complete=complete, problem=problem)


def _sniff_heif(data: bytes) -> ImageFormat | None:
    box_size = int.from_bytes(data[0:4], "big")
    major = data[8:12]
    # Compatible brands (after the 4-byte minor version) count too: some encoders put a
    # generic major brand first.
    compatible = data[16 : min(box_size, len(data), 256)]
    brands = [major] + [compatible[i : i + 4] for i in range(0, len(compatible) - 3, 4)]
    for brand in brands:
        if brand in _HEIC_BRANDS:
            return ImageFormat.HEIC
    for brand in brands:
        if brand in _HEIF_BRANDS:
            return ImageFormat.HEIF
    return None


def _decode_problem(fmt: ImageFormat, data: bytes, size: tuple[int, int] | None) -> str | None:
    if size is not None and size[0] * size[1] > MAX_DECODE_PIXELS:
        return f"too large: {size[0]}x{size[1]} exceeds {MAX_DECODE_PIXELS} pixels"
    from PIL import Image

    allow_large_images()
    Image.init()
    if fmt.pillow_name not in Image.OPEN:
        return f"unsupported: Pillow has no decoder for {fmt.mime}"
    try:
        with Image.open(io.BytesIO(data), formats=[fmt.pillow_name]) as image:
            image.load()
            decoded = image.size
    # Pillow signals bad data with many exception types (OSError, SyntaxError, ValueError,
    # struct.error, zlib.error, EOFError...); any of them means "does not decode".
    except Exception as exc:
        return f"undecodable: {type(exc).__name__}: {exc}"
    if size is not None and decoded != size:
        return (
            f"corrupt: header says {size[0]}x{size[1]} but pixels decode as "
            f"{decoded[0]}x{decoded[1]}"
        )
    return None
