"""Synthesized images have the exact size, format and weight asked for, and are cached."""

from __future__ import annotations

import hashlib
import io

import pytest
from PIL import Image

from conformance.images import (
    ImageFormat,
    clear_synth_cache,
    decode_base64_strict,
    inspect_image,
    make_base64_image,
    make_image,
    read_size,
    sniff_mime,
)

FORMATS = ["png", "jpeg", "webp"]
MIMES = {"png": "image/png", "jpeg": "image/jpeg", "webp": "image/webp"}
SIZES = [
    (1, 1),
    (2, 1),
    (1, 2),
    (17, 13),
    (1024, 1024),
    (1536, 672),
    (672, 1536),
    (384, 3072),
    (3072, 384),
    (896, 1280),
]


def _assert_image(payload: bytes, fmt: str, size: tuple[int, int], *, full: bool) -> None:
    assert sniff_mime(payload) == MIMES[fmt]
    assert read_size(payload) == size
    info = inspect_image(payload, full_decode=full)
    assert (info.mime, info.size, info.problem) == (MIMES[fmt], size, None)
    assert info.ok


@pytest.mark.parametrize("fmt", FORMATS)
@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
def test_small_images_have_exact_size(fmt: str, size: tuple[int, int]) -> None:
    _assert_image(make_image(*size, fmt, "small"), fmt, size, full=True)


@pytest.mark.parametrize("fmt", FORMATS)
@pytest.mark.parametrize("size", [(1, 1), (17, 13), (1536, 672), (384, 3072)], ids=str)
def test_realistic_images_have_exact_size(fmt: str, size: tuple[int, int]) -> None:
    _assert_image(make_image(*size, fmt, "realistic", seed=3), fmt, size, full=True)


@pytest.mark.parametrize(
    ("fmt", "size"),
    [("png", (8192, 12288)), ("jpeg", (8192, 12288)), ("webp", (6336, 2688))],
    ids=str,
)
def test_largest_sizes(fmt: str, size: tuple[int, int]) -> None:
    _assert_image(make_image(*size, fmt, "small"), fmt, size, full=fmt == "png")


def test_realistic_weights_like_a_photo() -> None:
    png = make_image(2048, 2048, "png", "realistic")
    jpeg = make_image(2048, 2048, "jpeg", "realistic")
    webp = make_image(2048, 2048, "webp", "realistic")
    assert len(png) > 4_000_000
    assert len(jpeg) > 1_000_000
    assert len(webp) > 400_000
    for fmt in FORMATS:
        assert len(make_image(2048, 2048, fmt, "small")) < 100_000
    assert len(make_image(4096, 4096, "png", "realistic")) > 20_000_000
    _assert_image(jpeg, "jpeg", (2048, 2048), full=True)
    _assert_image(webp, "webp", (2048, 2048), full=False)


def test_realistic_png_decodes_to_noise() -> None:
    payload = make_image(300, 200, "png", "realistic", seed=9)
    with Image.open(io.BytesIO(payload)) as image:
        assert image.mode == "RGB"
        colors = image.getcolors(maxcolors=100_000)
    assert colors is not None and len(colors) > 1000


def test_small_is_two_tone() -> None:
    with Image.open(io.BytesIO(make_image(64, 32, "png", "small", seed=5))) as image:
        colors = image.convert("RGB").getcolors()
    assert colors is not None and len(colors) == 2
    assert sorted(count for count, _ in colors) == [32 * 32, 32 * 32]


def test_deterministic_and_cached() -> None:
    first = make_image(640, 480, "png", "realistic", seed=1)
    assert make_image(640, 480, "png", "realistic", seed=1) is first
    digest = hashlib.sha256(first).hexdigest()
    clear_synth_cache()
    again = make_image(640, 480, "png", "realistic", seed=1)
    assert again is not first
    assert hashlib.sha256(again).hexdigest() == digest
    assert make_image(640, 480, "png", "realistic", seed=2) != first
    assert make_image(640, 480, "png", "small", seed=1) != make_image(640, 480, "png", "small")


@pytest.mark.parametrize("spelling", ["jpg", "JPEG", "image/jpeg", "image/jpg", ImageFormat.JPEG])
def test_format_spellings(spelling: str) -> None:
    assert make_image(40, 30, spelling) is make_image(40, 30, "jpeg")


@pytest.mark.parametrize("fmt", FORMATS)
def test_base64_matches_bytes(fmt: str) -> None:
    text = make_base64_image(512, 384, fmt, "realistic")
    assert make_base64_image(512, 384, fmt, "realistic") is text
    assert decode_base64_strict(text) == make_image(512, 384, fmt, "realistic")


@pytest.mark.parametrize(
    ("args", "message"),
    [
        ((0, 10, "png", "small"), "cannot be"),
        ((10, -1, "png", "small"), "cannot be"),
        ((10, 10, "gif", "small"), "cannot synthesize"),
        ((10, 10, "bmp", "small"), "cannot synthesize"),
        ((10, 10, "png", "huge"), "unknown payload"),
        ((16384, 10, "webp", "small"), "cannot be"),
        ((65501, 10, "jpeg", "small"), "cannot be"),
        ((20000, 20000, "png", "small"), "exceeds"),
    ],
)
def test_invalid_requests(args: tuple[int, int, str, str], message: str) -> None:
    with pytest.raises(ValueError, match=message):
        make_image(*args)
    with pytest.raises(ValueError, match=message):
        make_base64_image(*args)
