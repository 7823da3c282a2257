"""Inspect image bytes without trusting the type or size anyone declared for them.

Relays relabel, re-encode and truncate images; a response that says "image/png" may carry a
JPEG, or half a PNG. Everything here looks only at the bytes: magic numbers for the format,
header fields for the pixel size, container structure for completeness, and (on request)
a full Pillow decode. Header and structure checks never touch pixel data, so they stay fast
on 20 MB payloads. No function here raises on malformed input; problems are reported as data.
"""

from __future__ import annotations

import binascii
import io
import re
import struct
import zlib
from dataclasses import dataclass
from typing import Final

from PIL import Image

from conformance.images.formats import ImageFormat, format_from_mime

try:
    import pybase64 as _pybase64
except ImportError:  # pragma: no cover - pybase64 is a declared dependency
    _pybase64 = None  # type: ignore[assignment]

__all__ = [
    "MAX_DECODE_PIXELS",
    "ImageInfo",
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

# Pillow warns above MAX_IMAGE_PIXELS and refuses above twice that; the largest legitimate
# outputs (8192x12288) exceed its default, so raise it once, and only ever upwards.
if Image.MAX_IMAGE_PIXELS is not None and Image.MAX_IMAGE_PIXELS < MAX_DECODE_PIXELS:
    Image.MAX_IMAGE_PIXELS = MAX_DECODE_PIXELS

_PNG_SIGNATURE: Final = b"\x89PNG\r\n\x1a\n"
_HEIC_BRANDS: Final = frozenset({b"heic", b"heix", b"heim", b"heis", b"hevc", b"hevx"})
_HEIF_BRANDS: Final = frozenset({b"mif1", b"msf1"})
# JPEG start-of-frame markers that carry the frame size (C4, C8 and CC are not frames).
_JPEG_SOF: Final = frozenset(
    {0xC0, 0xC1, 0xC2, 0xC3, 0xC5, 0xC6, 0xC7, 0xC9, 0xCA, 0xCB, 0xCD, 0xCE, 0xCF}
)
# Markers without a length field: TEM and the restart markers.
_JPEG_STANDALONE: Final = frozenset({0x01, *range(0xD0, 0xD8)})
# Inside entropy-coded data 0xFF is always followed by 0x00 (stuffing), a restart marker or
# more 0xFF fill, so this finds the next real marker at C speed instead of a Python loop.
_JPEG_NEXT_MARKER: Final = re.compile(rb"\xff[^\x00\xff\xd0-\xd7]")


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
    if fmt is ImageFormat.PNG:
        return _png_size(data)
    if fmt is ImageFormat.JPEG:
        return _jpeg_size(data)
    if fmt is ImageFormat.WEBP:
        return _webp_size(data)
    if fmt is ImageFormat.GIF:
        return _gif_size(data)
    return None


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
    problem = _structure_problem(fmt, data)
    if problem is None and size is None and fmt not in (ImageFormat.HEIC, ImageFormat.HEIF):
        problem = f"corrupt: cannot read the {fmt.name} image size from its header"
    complete = problem is None
    if complete and full_decode:
        problem = _decode_problem(fmt, data, size)
        complete = problem is None or problem.startswith(("unsupported:", "too large:"))
    width, height = size if size is not None else (None, None)
    return ImageInfo(fmt.mime, width, height, complete=complete, problem=problem)


def decode_base64_strict(text: str | bytes, *, urlsafe: bool = False) -> bytes | None:
    """Decode canonical padded base64, or return None for anything else.

    Only the RFC 4648 alphabet with correct "=" padding is accepted: no whitespace, line
    breaks, data URL prefixes or missing padding. With ``urlsafe=True`` the URL-safe
    alphabet ("-" and "_") is accepted as well.
    """
    if len(text) % 4:
        return None
    decoded = _b64decode(text, None)
    if decoded is None and urlsafe:
        decoded = _b64decode(text, b"-_")
    return decoded


def encode_base64(data: bytes) -> str:
    """Standard padded base64 of `data` as text."""
    if _pybase64 is not None:
        return _pybase64.b64encode(data).decode("ascii")
    return binascii.b2a_base64(data, newline=False).decode("ascii")  # pragma: no cover


def _b64decode(text: str | bytes, altchars: bytes | None) -> bytes | None:
    try:
        if _pybase64 is not None:
            return _pybase64.b64decode(text, altchars=altchars, validate=True)
        return _binascii_decode(text, altchars)  # pragma: no cover
    except (ValueError, TypeError):  # binascii.Error is a ValueError
        return None


def _binascii_decode(text: str | bytes, altchars: bytes | None) -> bytes:  # pragma: no cover
    raw = text.encode("ascii") if isinstance(text, str) else text
    if altchars is not None:
        raw = raw.translate(bytes.maketrans(altchars, b"+/"))
    return binascii.a2b_base64(raw, strict_mode=True)


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
        if marker in _JPEG_STANDALONE:
            pos += 2
            continue
        if marker in (0xD9, 0xDA):  # the image data started without a frame header
            return None
        length = int.from_bytes(data[pos + 2 : pos + 4], "big")
        if marker in _JPEG_SOF:
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


def _structure_problem(fmt: ImageFormat, data: bytes) -> str | None:
    if fmt is ImageFormat.PNG:
        return _png_problem(data)
    if fmt is ImageFormat.JPEG:
        return _jpeg_problem(data)
    if fmt is ImageFormat.WEBP:
        return _webp_problem(data)
    if fmt is ImageFormat.GIF:
        return _gif_problem(data)
    return _heif_problem(data)


def _png_problem(data: bytes) -> str | None:
    view = memoryview(data)
    n = len(data)
    pos = len(_PNG_SIGNATURE)
    seen_idat = False
    while pos < n:
        if pos + 8 > n:
            return f"truncated: PNG chunk header at offset {pos} is cut off"
        length, ctype = struct.unpack_from(">I4s", data, pos)
        if not ctype.isalpha():
            return f"corrupt: PNG chunk at offset {pos} has invalid type {ctype!r}"
        name = ctype.decode("ascii")
        if length > 0x7FFFFFFF:
            return f"corrupt: PNG {name} chunk at offset {pos} has invalid length {length}"
        end = pos + 12 + length
        if end > n:
            return f"truncated: PNG {name} chunk at offset {pos} needs {end - n} more bytes"
        if pos == len(_PNG_SIGNATURE) and ctype != b"IHDR":
            return f"corrupt: PNG starts with a {name} chunk instead of IHDR"
        stored_crc = int.from_bytes(view[end - 4 : end], "big")
        if zlib.crc32(view[pos + 4 : end - 4]) != stored_crc:
            return f"corrupt: PNG {name} chunk at offset {pos} fails its CRC"
        if ctype == b"IDAT":
            seen_idat = True
        elif ctype == b"IEND":
            if not seen_idat:
                return "corrupt: PNG has no IDAT chunk"
            if end != n:
                return f"trailing data: {n - end} bytes after the PNG IEND chunk"
            return None
        pos = end
    return "truncated: PNG has no IEND chunk"


def _jpeg_problem(data: bytes) -> str | None:
    n = len(data)
    pos = 2
    seen_frame = False
    while True:
        if pos >= n:
            return "truncated: JPEG ends before its image data"
        if data[pos] != 0xFF:
            return f"corrupt: JPEG has no marker at offset {pos}"
        while pos < n and data[pos] == 0xFF:
            pos += 1
        if pos >= n:
            return "truncated: JPEG ends inside a marker"
        marker = data[pos]
        pos += 1
        if marker in _JPEG_STANDALONE:
            continue
        if marker in (0x00, 0xD8, 0xD9):
            return f"corrupt: JPEG has an unexpected FF{marker:02X} marker at offset {pos - 2}"
        if pos + 2 > n:
            return f"truncated: JPEG FF{marker:02X} segment at offset {pos - 2} is cut off"
        end = pos + int.from_bytes(data[pos : pos + 2], "big")
        if end < pos + 2:
            return f"corrupt: JPEG FF{marker:02X} segment at offset {pos - 2} has a bad length"
        if end > n:
            return f"truncated: JPEG FF{marker:02X} segment at offset {pos - 2} is cut off"
        seen_frame = seen_frame or marker in _JPEG_SOF
        pos = end
        if marker != 0xDA:
            continue
        if not seen_frame:
            return "corrupt: JPEG scan starts before any frame header"
        found = _JPEG_NEXT_MARKER.search(data, pos)
        if found is None:
            return "truncated: JPEG has no EOI marker after its scan data"
        if data[found.end() - 1] == 0xD9:
            if found.end() != n:
                return f"trailing data: {n - found.end()} bytes after the JPEG EOI marker"
            return None
        # Another segment follows the scan: progressive scans, DHT, DNL...
        pos = found.start()


def _webp_problem(data: bytes) -> str | None:
    n = len(data)
    declared = int.from_bytes(data[4:8], "little") + 8
    if declared > n:
        return f"truncated: WebP RIFF header declares {declared} bytes, payload has {n}"
    if declared < n:
        return f"trailing data: {n - declared} bytes after the WebP RIFF container"
    pos = 12
    first = True
    seen_image = False
    while pos < n:
        if pos + 8 > n:
            return f"truncated: WebP chunk header at offset {pos} is cut off"
        fourcc = data[pos : pos + 4]
        length = int.from_bytes(data[pos + 4 : pos + 8], "little")
        if first and fourcc not in (b"VP8 ", b"VP8L", b"VP8X"):
            return f"corrupt: WebP starts with a {fourcc!r} chunk instead of VP8/VP8L/VP8X"
        first = False
        seen_image = seen_image or fourcc in (b"VP8 ", b"VP8L", b"ANMF")
        end = pos + 8 + length
        if end > n:
            return f"truncated: WebP {fourcc!r} chunk at offset {pos} is cut off"
        # Chunks are padded to even length; some encoders omit the pad after the last one.
        pos = end + (length & 1)
    if not seen_image:
        return "corrupt: WebP has no image data chunk"
    return None


def _gif_problem(data: bytes) -> str | None:
    n = len(data)
    if n < 13:
        return "truncated: GIF header is cut off"
    pos = 13 + _gif_color_table_size(data[10])
    seen_image = False
    while True:
        if pos >= n:
            return "truncated: GIF has no trailer"
        block = data[pos]
        if block == 0x3B:
            if not seen_image:
                return "corrupt: GIF has no image"
            if pos + 1 != n:
                return f"trailing data: {n - pos - 1} bytes after the GIF trailer"
            return None
        if block == 0x21:
            skipped = _gif_skip_sub_blocks(data, pos + 2)
        elif block == 0x2C:
            if pos + 10 > n:
                return f"truncated: GIF image descriptor at offset {pos} is cut off"
            # Descriptor, optional local color table, LZW minimum code size, then data.
            start = pos + 10 + _gif_color_table_size(data[pos + 9]) + 1
            skipped = _gif_skip_sub_blocks(data, start)
            seen_image = True
        else:
            return f"corrupt: GIF has an unknown block 0x{block:02X} at offset {pos}"
        if skipped is None:
            return f"truncated: GIF block at offset {pos} is cut off"
        pos = skipped


def _gif_color_table_size(flags: int) -> int:
    return 3 * (2 << (flags & 0x07)) if flags & 0x80 else 0


def _gif_skip_sub_blocks(data: bytes, pos: int) -> int | None:
    n = len(data)
    while pos < n:
        size = data[pos]
        pos += 1 + size
        if size == 0:
            return pos
    return None


def _heif_problem(data: bytes) -> str | None:
    n = len(data)
    pos = 0
    seen: set[bytes] = set()
    while pos < n:
        if pos + 8 > n:
            return f"truncated: HEIF box header at offset {pos} is cut off"
        size = int.from_bytes(data[pos : pos + 4], "big")
        box = data[pos + 4 : pos + 8]
        header = 8
        if size == 1:
            if pos + 16 > n:
                return f"truncated: HEIF box header at offset {pos} is cut off"
            size = int.from_bytes(data[pos + 8 : pos + 16], "big")
            header = 16
        elif size == 0:  # "extends to end of file"
            size = n - pos
        if size < header:
            return f"corrupt: HEIF {box!r} box at offset {pos} has a bad size"
        if pos + size > n:
            return f"truncated: HEIF {box!r} box at offset {pos} is cut off"
        seen.add(box)
        pos += size
    # Cut exactly between boxes, a HEIF loses its item metadata or its coded data.
    for required in (b"meta", b"mdat"):
        if required not in seen:
            return f"truncated: HEIF has no {required.decode()} box"
    return None


def _decode_problem(fmt: ImageFormat, data: bytes, size: tuple[int, int] | None) -> str | None:
    if size is not None and size[0] * size[1] > MAX_DECODE_PIXELS:
        return f"too large: {size[0]}x{size[1]} exceeds {MAX_DECODE_PIXELS} pixels"
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
