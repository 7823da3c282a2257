"""Slimmed images keep format, pixel size and the original's identity, and are tiny."""

from __future__ import annotations

import dataclasses
import hashlib
import io

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from PIL import Image

from conformance.images import (
    ImageFormat,
    SlimResult,
    inspect_image,
    make_image,
    read_size,
    slim_image,
    sniff_mime,
)


def _gif(width: int, height: int) -> bytes:
    out = io.BytesIO()
    Image.new("P", (width, height), 3).save(out, format="GIF")
    return out.getvalue()


def _check(original: bytes, slim: SlimResult | None) -> SlimResult:
    assert slim is not None
    size = read_size(original)
    assert size is not None
    assert (slim.width, slim.height) == size
    assert slim.mime == sniff_mime(original) == sniff_mime(slim.data)
    assert read_size(slim.data) == size
    assert slim.original_bytes == len(original)
    assert slim.original_sha256 == hashlib.sha256(original).hexdigest()
    assert inspect_image(slim.data).ok
    return slim


@pytest.mark.parametrize("fmt", ["png", "jpeg", "webp"])
@pytest.mark.parametrize("size", [(1, 1), (1536, 672), (384, 3072), (1024, 1024)], ids=str)
def test_slim_keeps_format_size_and_identity(fmt: str, size: tuple[int, int]) -> None:
    original = make_image(*size, fmt, "realistic")
    slim = _check(original, slim_image(original))
    assert slim.format is ImageFormat(fmt)
    assert inspect_image(slim.data, full_decode=True).ok
    if size != (1, 1):
        assert len(slim.data) * 20 < len(original)


def test_slim_gif() -> None:
    original = _gif(300, 200)
    slim = _check(original, slim_image(original))
    assert slim.format is ImageFormat.GIF


@pytest.mark.parametrize(
    ("fmt", "size", "limit"),
    [
        ("png", (4096, 4096), 4_000),
        ("jpeg", (4096, 4096), 70_000),
        ("jpeg", (6336, 2688), 70_000),
        ("webp", (4096, 4096), 200),
        ("png", (8192, 12288), 16_000),
    ],
    ids=str,
)
def test_slim_is_tiny_at_large_sizes(fmt: str, size: tuple[int, int], limit: int) -> None:
    original = make_image(*size, fmt, "small")
    slim = _check(original, slim_image(original))
    assert len(slim.data) < limit


def test_slim_realistic_4096_png() -> None:
    original = make_image(4096, 4096, "png", "realistic")
    slim = _check(original, slim_image(original))
    assert len(slim.data) * 5000 < len(original)


def test_slim_is_deterministic_and_frozen() -> None:
    original = make_image(800, 600, "jpeg", "realistic")
    first = slim_image(original)
    second = slim_image(original)
    assert first is not None and first == second
    with pytest.raises(dataclasses.FrozenInstanceError):
        first.width = 1  # type: ignore[misc]


@pytest.mark.parametrize(
    "payload",
    [
        b"",
        b"not an image",
        b"\x89PNG\r\n\x1a\n",
        b"\x00\x00\x00\x18ftypheic\x00\x00\x00\x00mif1heic",
    ],
)
def test_non_images_are_kept(payload: bytes) -> None:
    assert slim_image(payload) is None


@pytest.mark.parametrize("fmt", ["png", "jpeg", "webp"])
@settings(max_examples=20, deadline=None)
@given(data=st.data())
def test_truncated_images_are_kept(fmt: str, data: st.DataObject) -> None:
    original = make_image(200, 100, fmt, "realistic")
    keep = data.draw(st.integers(0, len(original) - 1), label="keep")
    assert slim_image(original[:keep]) is None


def test_trailing_data_is_kept() -> None:
    assert slim_image(make_image(20, 20, "png") + b"\x00") is None


def test_sizes_no_encoder_can_write_are_kept() -> None:
    original = bytearray(make_image(30, 20, "webp", "realistic"))
    # Rewrite as VP8X whose canvas is wider than libwebp can encode; the container stays valid.
    vp8x = b"VP8X" + (10).to_bytes(4, "little") + b"\x00" * 4
    vp8x += (19999).to_bytes(3, "little") + (19).to_bytes(3, "little")
    payload = bytearray(b"RIFF\x00\x00\x00\x00WEBP" + vp8x + original[12:])
    payload[4:8] = (len(payload) - 8).to_bytes(4, "little")
    info = inspect_image(bytes(payload))
    assert info.ok and info.size == (20000, 20)
    assert slim_image(bytes(payload)) is None
