"""The direct flat JPEG writer against a real decoder (Pillow's libjpeg-turbo)."""

from __future__ import annotations

import io
import warnings

from hypothesis import given, settings
from hypothesis import strategies as st
from PIL import Image

from conformance.images import inspect_image
from conformance.images.flat_jpeg import flat_jpeg

colours = st.tuples(*[st.integers(0, 255)] * 3)


def _decode(data: bytes) -> Image.Image:
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # a truncated or corrupt stream warns in Pillow
        image = Image.open(io.BytesIO(data))
        image.load()
    return image


def _close(a: tuple[int, ...], b: tuple[int, ...]) -> bool:
    return all(abs(x - y) <= 2 for x, y in zip(a, b, strict=True))


@settings(max_examples=60, deadline=None)
@given(st.integers(1, 300), st.integers(1, 300), colours, colours)
def test_decodes_to_its_size_and_colours(
    width: int, height: int, left: tuple[int, int, int], right: tuple[int, int, int]
) -> None:
    image = _decode(flat_jpeg(width, height, left, right))
    assert image.format == "JPEG" and image.mode == "RGB"
    assert image.size == (width, height)
    assert _close(image.getpixel((0, 0)), left)  # type: ignore[arg-type]
    assert _close(image.getpixel((0, height - 1)), left)  # type: ignore[arg-type]
    # The right half starts on a 16-pixel MCU boundary. libjpeg's fancy upsampling blends an
    # MCU's first pixel column with its left neighbour's chroma, so the last column is pure
    # `right` only when it is not the first or second of its MCU (a failure seen at width 33).
    if width > 32 and (width - 1) % 16 >= 2:
        assert _close(image.getpixel((width - 1, height - 1)), right)  # type: ignore[arg-type]
        assert _close(image.getpixel((width - 1, 0)), right)  # type: ignore[arg-type]


def test_large_sizes_decode_and_inspect_as_complete() -> None:
    for width, height in [(4800, 3584), (3072, 5504), (6144, 768), (16, 16), (17, 4097)]:
        data = flat_jpeg(width, height, (250, 255, 255), (0, 0, 0))  # 0xFF-heavy entropy data
        assert _decode(data).size == (width, height)
        info = inspect_image(data)
        assert info.format is not None and info.format.value == "jpeg"
        assert (info.width, info.height) == (width, height)


def test_restart_markers_cycle_and_rows_repeat() -> None:
    data = flat_jpeg(64, 16 * 10, (1, 2, 3), (4, 5, 6))
    scan = data[data.index(b"\xff\xda") :]
    markers = [
        scan[i + 1] for i in range(len(scan) - 1) if scan[i] == 0xFF and 0xD0 <= scan[i + 1] <= 0xD7
    ]
    assert markers == [0xD0 + i % 8 for i in range(9)]  # one between each of the 10 MCU rows


def test_rejects_sizes_jpeg_cannot_hold() -> None:
    for width, height in [(0, 1), (1, 0), (65536, 1)]:
        try:
            flat_jpeg(width, height, (0, 0, 0), (0, 0, 0))
        except ValueError as exc:
            assert "JPEG cannot be" in str(exc)
        else:
            raise AssertionError("accepted an impossible size")
