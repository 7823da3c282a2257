"""A baseline JPEG of two flat colours (left and right), written without a pixel raster.

The reference relay's "small" JPEGs are two flat halves at the sizes image APIs answer with (up
to 4800x3584). Through Pillow each one needs a full RGB raster (up to 70 MB to fill) and a DCT
over every block: 10-60 ms apiece, ~0.35 s of CPU for the 18 large ones a default run asks for,
all of it paid by the first run of every fresh checkout (cold image cache). A flat block has
only a DC coefficient, so the entropy-coded data is known without any pixels: with a restart
marker after every row of MCUs the DC predictors reset and the rows align to bytes, so every row
is the same bytes and the file is one row repeated. Pillow cannot write such a file without the
raster, hence this module; tests/images/test_flat_jpeg.py decodes its output with Pillow
(libjpeg-turbo) and checks the size and both colours.

Layout: JFIF, 3 components YCbCr with 4:2:0 subsampling (16x16 MCUs, as libjpeg's default), a
quantisation table of ones (the DC coefficient carries the exact level), the standard luminance
DC Huffman table (ITU-T T.81 Annex K.3) and a two-symbol AC table (only end-of-block is used).
"""

from __future__ import annotations

import struct
from typing import Final

RGB = tuple[int, int, int]

_MCU: Final = 16  # 4:2:0: one MCU is 16x16 pixels, 4 luma blocks and one block per chroma
# Annex K.3 luminance DC table: code lengths (count per length 1..16) and symbols (categories).
_DC_BITS: Final = (0, 1, 5, 1, 1, 1, 1, 1, 1, 0, 0, 0, 0, 0, 0, 0)
_DC_SYMBOLS: Final = tuple(range(12))
# AC: end-of-block ("00") and one more symbol so that no code is all ones.
_AC_BITS: Final = (0, 2, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0)
_AC_SYMBOLS: Final = (0x00, 0x01)
_EOB: Final = (0b00, 2)


def _canonical_codes(bits: tuple[int, ...], symbols: tuple[int, ...]) -> dict[int, tuple[int, int]]:
    """symbol -> (code, length) by the canonical assignment of T.81 Annex C."""
    codes: dict[int, tuple[int, int]] = {}
    code, index = 0, 0
    for length, count in enumerate(bits, start=1):
        for _ in range(count):
            codes[symbols[index]] = (code, length)
            code += 1
            index += 1
        code <<= 1
    return codes


_DC_CODES: Final = _canonical_codes(_DC_BITS, _DC_SYMBOLS)


def _ycbcr(rgb: RGB) -> tuple[int, int, int]:
    """JFIF's RGB -> YCbCr, as DC coefficients (8 x the level-shifted sample, quantiser 1)."""
    r, g, b = rgb
    y = 0.299 * r + 0.587 * g + 0.114 * b
    cb = 128 - 0.168736 * r - 0.331264 * g + 0.5 * b
    cr = 128 + 0.5 * r - 0.418688 * g - 0.081312 * b
    return tuple(max(-1024, min(1016, round(8 * (v - 128)))) for v in (y, cb, cr))  # type: ignore[return-value]


class _Bits:
    """An MSB-first bit string kept as one integer."""

    def __init__(self) -> None:
        self.value = 0
        self.length = 0

    def put(self, code: int, length: int) -> None:
        self.value = (self.value << length) | code
        self.length += length

    def dc(self, diff: int) -> None:
        category = abs(diff).bit_length()
        self.put(*_DC_CODES[category])
        if category:
            self.put(diff if diff > 0 else diff + (1 << category) - 1, category)

    def to_bytes(self) -> bytes:
        """The bits padded with ones to a whole byte, 0xFF bytes stuffed as T.81 requires."""
        pad = -self.length % 8
        value = (self.value << pad) | ((1 << pad) - 1)
        raw = value.to_bytes((self.length + pad) // 8, "big")
        return raw.replace(b"\xff", b"\xff\x00")


def _row(columns: int, left: RGB, right: RGB) -> bytes:
    """One row of MCUs: the left half's MCU columns in `left`, the rest in `right`."""
    bits = _Bits()
    predictors = [0, 0, 0]  # Y, Cb, Cr; a restart marker resets them
    split = (columns + 1) // 2
    for start, colour in ((0, left), (split, right)):
        if start >= columns:
            break
        levels = _ycbcr(colour)
        # The first MCU of a run changes the DC levels; the others repeat them: a zero
        # difference and end-of-block for each of the six blocks.
        for component, level in enumerate(levels):
            for block in range(4 if component == 0 else 1):
                bits.dc(level - predictors[component] if block == 0 else 0)
                bits.put(*_EOB)
            predictors[component] = level
        repeats = (split if start == 0 else columns) - start - 1
        zero_mcu = 6 * (_DC_CODES[0][1] + _EOB[1])  # "00" + "00" per block: all zero bits
        bits.put(0, repeats * zero_mcu)
    return bits.to_bytes()


def _segment(marker: int, body: bytes) -> bytes:
    return struct.pack(">BBH", 0xFF, marker, len(body) + 2) + body


def flat_jpeg(width: int, height: int, left: RGB, right: RGB) -> bytes:
    """A `width` x `height` baseline JPEG: the left half `left`, the right half `right` (split on
    a 16-pixel MCU boundary; a single MCU column is all `left`)."""
    if not (1 <= width <= 65535 and 1 <= height <= 65535):
        raise ValueError(f"JPEG cannot be {width}x{height} (sides 1..65535)")
    columns = -(-width // _MCU)
    rows = -(-height // _MCU)
    if columns > 65535:  # pragma: no cover (width <= 65535 already bounds it)
        raise ValueError("too many MCUs per row for a restart interval")
    header = b"".join(
        [
            b"\xff\xd8",
            _segment(0xE0, b"JFIF\x00\x01\x01\x00\x00\x01\x00\x01\x00\x00"),
            _segment(0xDB, b"\x00" + b"\x01" * 64),
            _segment(
                0xC0,
                struct.pack(">BHHB", 8, height, width, 3) + b"\x01\x22\x00\x02\x11\x00\x03\x11\x00",
            ),
            _segment(0xC4, b"\x00" + bytes(_DC_BITS) + bytes(_DC_SYMBOLS)),
            _segment(0xC4, b"\x10" + bytes(_AC_BITS) + bytes(_AC_SYMBOLS)),
            _segment(0xDD, struct.pack(">H", columns)),
            _segment(0xDA, b"\x03\x01\x00\x02\x00\x03\x00\x00\x3f\x00"),
        ]
    )
    row = _row(columns, left, right)
    body = [row]
    for index in range(1, rows):
        body.append(bytes((0xFF, 0xD0 + (index - 1) % 8)))
        body.append(row)
    return b"".join([header, *body, b"\xff\xd9"])
