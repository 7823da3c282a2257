"""Sniffing, header sizes, completeness checks and strict base64 on real and broken bytes."""

from __future__ import annotations

import base64
import functools
import io
import random
import struct
import time
import zlib

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st
from PIL import Image

from conformance.images import (
    decode_base64_strict,
    encode_base64,
    format_from_mime,
    inspect_image,
    make_image,
    read_size,
    same_format,
    sniff_mime,
)

FUZZ = settings(max_examples=50, deadline=None)


def _save(image: Image.Image, fmt: str, **options: object) -> bytes:
    out = io.BytesIO()
    image.save(out, format=fmt, **options)
    return out.getvalue()


def _noise(width: int, height: int) -> Image.Image:
    return Image.frombytes("RGB", (width, height), random.Random(7).randbytes(width * height * 3))


def _png_chunk(ctype: bytes, body: bytes) -> bytes:
    crc = zlib.crc32(ctype + body)
    return struct.pack(">I", len(body)) + ctype + body + struct.pack(">I", crc)


def _box(btype: bytes, body: bytes) -> bytes:
    return struct.pack(">I", 8 + len(body)) + btype + body


def _heif(major: bytes, *compatible: bytes) -> bytes:
    ftyp = _box(b"ftyp", major + b"\x00\x00\x00\x00" + b"".join(compatible))
    return ftyp + _box(b"meta", b"\x00" * 24) + _box(b"mdat", b"\x01" * 40)


@functools.cache
def samples() -> dict[str, tuple[bytes, str, tuple[int, int]]]:
    """Name -> (payload, sniffed MIME, pixel size), covering every header layout we parse."""
    noise = _noise(96, 40)
    alpha = noise.convert("RGBA")
    exif = Image.Exif()
    exif[0x010F] = "conformance"
    return {
        "png-synth": (make_image(96, 40, "png", "realistic"), "image/png", (96, 40)),
        "png-pillow": (_save(noise, "PNG"), "image/png", (96, 40)),
        "png-palette": (make_image(33, 7, "png"), "image/png", (33, 7)),
        "jpeg-baseline": (make_image(96, 40, "jpeg", "realistic"), "image/jpeg", (96, 40)),
        "jpeg-progressive": (
            _save(noise, "JPEG", progressive=True, quality=80),
            "image/jpeg",
            (96, 40),
        ),
        "jpeg-exif-gray": (
            _save(noise.convert("L"), "JPEG", exif=exif.tobytes()),
            "image/jpeg",
            (96, 40),
        ),
        "jpeg-restart": (_save(noise, "JPEG", restart_marker_blocks=1), "image/jpeg", (96, 40)),
        "webp-vp8": (make_image(96, 40, "webp", "realistic"), "image/webp", (96, 40)),
        "webp-vp8l": (make_image(97, 41, "webp"), "image/webp", (97, 41)),
        "webp-vp8x": (
            _save(alpha, "WEBP", quality=50, exif=exif.tobytes()),
            "image/webp",
            (96, 40),
        ),
        "gif": (_save(noise.convert("P"), "GIF"), "image/gif", (96, 40)),
        "gif-animated": (
            _save(noise.convert("P"), "GIF", save_all=True, append_images=[alpha.convert("P")]),
            "image/gif",
            (96, 40),
        ),
    }


SAMPLE_NAMES = sorted(samples())
MAGIC_PREFIXES = [
    b"\x89PNG\r\n\x1a\n",
    b"\x89PNG\r\n\x1a\n\x00\x00\x00\x0dIHDR",
    b"\xff\xd8\xff",
    b"\xff\xd8\xff\xc0\x00\x11",
    b"RIFF\x00\x00\x00\x00WEBPVP8 ",
    b"RIFF\x00\x00\x00\x00WEBPVP8L",
    b"RIFF\x00\x00\x00\x00WEBPVP8X",
    b"GIF89a",
    b"\x00\x00\x00\x18ftypheic",
]


@pytest.mark.parametrize("name", SAMPLE_NAMES)
def test_samples_sniff_size_and_decode(name: str) -> None:
    payload, mime, size = samples()[name]
    assert sniff_mime(payload) == mime
    assert read_size(payload) == size
    info = inspect_image(payload)
    assert (info.mime, info.size, info.complete, info.problem) == (mime, size, True, None)
    assert info.ok
    assert inspect_image(payload, full_decode=True).ok


def test_jpeg_declared_as_png_is_told_apart() -> None:
    payload = make_image(64, 48, "jpeg")
    declared = "image/png"
    sniffed = sniff_mime(payload)
    assert sniffed == "image/jpeg"
    assert not same_format(declared, sniffed)
    assert format_from_mime(declared) is not inspect_image(payload).format


def test_png_declared_as_jpg_alias_is_told_apart() -> None:
    payload = make_image(64, 48, "png")
    assert sniff_mime(payload) == "image/png"
    assert not same_format("image/jpg", "image/png")


@pytest.mark.parametrize(
    ("payload", "mime"),
    [
        (_heif(b"heic", b"mif1", b"heic"), "image/heic"),
        (_heif(b"mif1", b"mif1", b"heic"), "image/heic"),
        (_heif(b"mif1", b"mif1"), "image/heif"),
        (_heif(b"msf1"), "image/heif"),
        (_heif(b"isom", b"mp41"), None),
        (_heif(b"avif", b"mif1"), "image/heif"),
    ],
)
def test_heif_brands(payload: bytes, mime: str | None) -> None:
    assert sniff_mime(payload) == mime


def test_heic_is_sniffed_and_checked_but_not_sized() -> None:
    payload = _heif(b"heic", b"mif1", b"heic")
    info = inspect_image(payload)
    assert (info.mime, info.size, info.complete, info.problem) == ("image/heic", None, True, None)
    assert read_size(payload) is None
    decoded = inspect_image(payload, full_decode=True)
    if "HEIF" not in Image.OPEN:
        assert decoded.complete
        assert decoded.problem is not None and decoded.problem.startswith("unsupported:")
    truncated = inspect_image(payload[:-5])
    assert not truncated.complete
    assert truncated.problem is not None and truncated.problem.startswith("truncated:")
    no_mdat = inspect_image(payload[: -(8 + 40)])
    assert no_mdat.problem == "truncated: HEIF has no mdat box"


TRUNCATABLE = [
    "png-synth",
    "png-pillow",
    "jpeg-baseline",
    "jpeg-progressive",
    "jpeg-restart",
    "webp-vp8",
    "webp-vp8l",
    "webp-vp8x",
    "gif",
    "gif-animated",
]


@pytest.mark.parametrize("name", TRUNCATABLE)
@FUZZ
@given(data=st.data())
def test_any_truncation_is_incomplete(name: str, data: st.DataObject) -> None:
    payload, mime, _ = samples()[name]
    keep = data.draw(st.integers(min_value=0, max_value=len(payload) - 1), label="keep")
    cut = payload[:keep]
    info = inspect_image(cut)
    assert not info.complete
    assert not info.ok
    assert info.problem is not None
    if info.mime is None:
        assert info.problem.startswith("not an image:")
    else:
        assert info.mime == mime
        assert info.problem.startswith("truncated:"), info.problem


@pytest.mark.parametrize("name", ["png-synth", "jpeg-baseline", "webp-vp8", "gif"])
@pytest.mark.parametrize("extra", [b"\x00", b"\x00\x00", b"junk junk"])
def test_trailing_bytes_are_reported(name: str, extra: bytes) -> None:
    payload, mime, size = samples()[name]
    info = inspect_image(payload + extra)
    assert (info.mime, info.size, info.complete) == (mime, size, False)
    assert info.problem is not None and info.problem.startswith("trailing data:")


def test_png_crc_mismatch_is_corrupt() -> None:
    payload = bytearray(samples()["png-synth"][0])
    idat = payload.index(b"IDAT")
    payload[idat + 20] ^= 0xFF
    info = inspect_image(bytes(payload))
    assert not info.complete
    assert info.problem is not None and info.problem.startswith("corrupt: PNG IDAT chunk")
    assert info.problem.endswith("fails its CRC")


def test_bad_pixel_data_is_caught_only_by_full_decode() -> None:
    payload = samples()["png-pillow"][0]
    idat = payload.index(b"IDAT") - 4
    length = int.from_bytes(payload[idat : idat + 4], "big")
    body = b"\x00\x00" + payload[idat + 10 : idat + 8 + length]  # break the zlib header
    broken = payload[:idat] + _png_chunk(b"IDAT", body) + payload[idat + 12 + length :]
    assert inspect_image(broken).ok
    decoded = inspect_image(broken, full_decode=True)
    assert not decoded.complete
    assert decoded.problem is not None and decoded.problem.startswith("undecodable:")


def test_huge_header_is_not_decoded() -> None:
    ihdr = struct.pack(">IIBBBBB", 20000, 20000, 8, 2, 0, 0, 0)
    payload = (
        b"\x89PNG\r\n\x1a\n"
        + _png_chunk(b"IHDR", ihdr)
        + _png_chunk(b"IDAT", zlib.compress(b""))
        + _png_chunk(b"IEND", b"")
    )
    fast = inspect_image(payload)
    assert fast.ok and fast.size == (20000, 20000)
    decoded = inspect_image(payload, full_decode=True)
    assert decoded.complete
    assert decoded.problem is not None and decoded.problem.startswith("too large:")


def test_zero_sized_header_is_corrupt() -> None:
    ihdr = struct.pack(">IIBBBBB", 0, 10, 8, 2, 0, 0, 0)
    payload = (
        b"\x89PNG\r\n\x1a\n"
        + _png_chunk(b"IHDR", ihdr)
        + _png_chunk(b"IDAT", zlib.compress(b""))
        + _png_chunk(b"IEND", b"")
    )
    assert read_size(payload) is None
    problem = inspect_image(payload).problem
    assert problem == "corrupt: cannot read the PNG image size from its header"


def test_jpeg_size_skips_segments_that_look_like_frames() -> None:
    payload = samples()["jpeg-baseline"][0]
    fake_frame = b"\xff\xc0\x00\x11\x08\x00\x01\x00\x01\x03" + b"\x00" * 9
    app1 = b"\xff\xe1" + struct.pack(">H", 2 + len(fake_frame)) + fake_frame
    shifted = payload[:2] + app1 + b"\xff\xff" + payload[2:]  # plus fill bytes
    assert read_size(shifted) == (96, 40)
    assert inspect_image(shifted).ok


@pytest.mark.parametrize("payload", [b"", b"\x00", b"hello world", b"<html></html>", b"\xff\xd8"])
def test_not_images(payload: bytes) -> None:
    info = inspect_image(payload)
    assert (info.mime, info.size, info.complete) == (None, None, False)
    assert info.problem is not None and info.problem.startswith("not an image:")
    assert sniff_mime(payload) is None
    assert read_size(payload) is None


@FUZZ
@given(payload=st.binary(max_size=4096))
def test_garbage_never_raises(payload: bytes) -> None:
    sniff_mime(payload)
    read_size(payload)
    for full in (False, True):
        info = inspect_image(payload, full_decode=full)
        if info.problem is None:
            assert info.complete
        else:
            assert not info.complete or info.problem.startswith(("unsupported:", "too large:"))


@FUZZ
@given(prefix=st.sampled_from(MAGIC_PREFIXES), tail=st.binary(max_size=512))
def test_garbage_behind_magic_never_raises(prefix: bytes, tail: bytes) -> None:
    payload = prefix + tail
    assert sniff_mime(payload) is not None
    read_size(payload)
    inspect_image(payload)
    inspect_image(payload, full_decode=True)


@pytest.mark.parametrize("name", ["png-palette", "jpeg-progressive", "webp-vp8x", "gif"])
@FUZZ
@given(data=st.data())
def test_corrupted_images_never_raise(name: str, data: st.DataObject) -> None:
    payload = bytearray(samples()[name][0])
    for _ in range(data.draw(st.integers(1, 4), label="flips")):
        index = data.draw(st.integers(0, len(payload) - 1), label="index")
        payload[index] = data.draw(st.integers(0, 255), label="value")
    read_size(bytes(payload))
    info = inspect_image(bytes(payload), full_decode=True)
    if info.complete:
        assert info.size is not None


def test_header_checks_are_fast_on_a_large_payload() -> None:
    payload = make_image(4096, 4096, "png", "realistic")
    assert len(payload) > 20_000_000
    start = time.perf_counter()
    assert read_size(payload) == (4096, 4096)
    assert time.perf_counter() - start < 0.01
    start = time.perf_counter()
    assert inspect_image(payload).ok
    assert time.perf_counter() - start < 1.0


# --- strict base64 -------------------------------------------------------------------------


@FUZZ
@given(payload=st.binary(max_size=300))
@example(payload=b"")
@example(payload=b"\xfb\xff\xbf")
def test_base64_round_trip(payload: bytes) -> None:
    text = base64.b64encode(payload).decode()
    assert decode_base64_strict(text) == payload
    assert decode_base64_strict(text.encode()) == payload
    assert decode_base64_strict(text, urlsafe=True) == payload
    assert encode_base64(payload) == text


@FUZZ
@given(
    payload=st.binary(min_size=1, max_size=300),
    data=st.data(),
    bad=st.characters(exclude_characters="=+/-_", exclude_categories=["Lu", "Ll", "Nd"]),
)
def test_base64_rejects_foreign_characters(payload: bytes, data: st.DataObject, bad: str) -> None:
    text = base64.b64encode(payload).decode()
    index = data.draw(st.integers(0, len(text) - 1), label="index")
    broken = text[:index] + bad + text[index + 1 :]
    assert decode_base64_strict(broken) is None
    assert decode_base64_strict(broken, urlsafe=True) is None


@pytest.mark.parametrize(
    "text",
    [
        "QQ",  # missing padding
        "QQ=",
        "QQ===",
        "QUJD=",
        "=QUJ",
        "Q===",
        "QQ==QQ==",  # padding in the middle
        "Q Q==",
        " QQ==",
        "QQ==\n",
        "QUJD\nQUJD",
        "data:image/png;base64,QUJD",
        "QUJ\u00e9",
        "-_8=",  # url-safe alphabet when not asked for
    ],
)
def test_base64_rejects_malformed(text: str) -> None:
    assert decode_base64_strict(text) is None


def test_base64_urlsafe_only_when_asked() -> None:
    assert decode_base64_strict("-_8=") is None
    assert decode_base64_strict("-_8=", urlsafe=True) == b"\xfb\xff"
    assert decode_base64_strict("-_8", urlsafe=True) is None
    assert decode_base64_strict("+/8=", urlsafe=True) == b"\xfb\xff"


def test_base64_of_an_image_decodes_fast() -> None:
    payload = make_image(4096, 4096, "png", "realistic")
    text = encode_base64(payload)
    start = time.perf_counter()
    assert decode_base64_strict(text) == payload
    assert time.perf_counter() - start < 1.0
