"""MIME, short-name and Pillow spellings resolve to one ImageFormat."""

from __future__ import annotations

import pytest

from conformance.images import (
    ImageFormat,
    format_from_mime,
    format_from_name,
    mime_for,
    pillow_format_for,
    same_format,
)


@pytest.mark.parametrize(
    ("name", "mime"),
    [
        ("png", "image/png"),
        ("PNG", "image/png"),
        ("jpg", "image/jpeg"),
        ("jpeg", "image/jpeg"),
        ("JPEG", "image/jpeg"),
        (".jpg", "image/jpeg"),
        ("webp", "image/webp"),
        ("WEBP", "image/webp"),
        ("gif", "image/gif"),
        ("heic", "image/heic"),
        ("heif", "image/heif"),
        ("image/jpg", "image/jpeg"),
        (ImageFormat.WEBP, "image/webp"),
    ],
)
def test_mime_for_accepts_every_spelling(name: str, mime: str) -> None:
    assert mime_for(name) == mime


@pytest.mark.parametrize("name", ["", "bmp", "svg", "image/svg+xml", "text/plain", "pngg"])
def test_mime_for_refuses_to_guess(name: str) -> None:
    with pytest.raises(ValueError, match="unknown image format"):
        mime_for(name)


@pytest.mark.parametrize(
    ("mime", "expected"),
    [
        ("image/png", ImageFormat.PNG),
        ("IMAGE/PNG", ImageFormat.PNG),
        (" image/png ; charset=binary", ImageFormat.PNG),
        ("image/x-png", ImageFormat.PNG),
        ("image/jpeg", ImageFormat.JPEG),
        ("image/jpg", ImageFormat.JPEG),
        ("Image/JPG", ImageFormat.JPEG),
        ("image/pjpeg", ImageFormat.JPEG),
        ("image/webp", ImageFormat.WEBP),
        ("image/gif", ImageFormat.GIF),
        ("image/heic", ImageFormat.HEIC),
        ("image/heif", ImageFormat.HEIF),
        ("image/svg+xml", None),
        ("application/octet-stream", None),
        ("png", None),
        ("", None),
    ],
)
def test_format_from_mime(mime: str, expected: ImageFormat | None) -> None:
    assert format_from_mime(mime) is expected


def test_format_properties_and_pillow_names() -> None:
    assert ImageFormat.JPEG.mime == "image/jpeg"
    assert ImageFormat.JPEG.extension == ".jpg"
    assert ImageFormat.JPEG.pillow_name == "JPEG"
    assert pillow_format_for("jpg") == "JPEG"
    assert pillow_format_for("image/webp") == "WEBP"
    assert format_from_name("WEBP") is ImageFormat.WEBP
    assert format_from_name("tiff") is None
    with pytest.raises(ValueError, match="unknown image format"):
        pillow_format_for("tiff")


def test_same_format_ignores_spelling_only() -> None:
    assert same_format("image/jpg", "jpeg")
    assert same_format("IMAGE/PNG", "png")
    assert not same_format("image/png", "image/jpeg")
    assert not same_format("image/bmp", "image/bmp")
