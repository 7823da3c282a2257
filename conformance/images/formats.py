"""Image format vocabulary shared by the relay, the checks and the cassette recorder.

APIs, HTTP headers and Pillow each spell the same format differently ("image/jpeg",
"image/jpg", "jpg", "JPEG"). Every other module of this package speaks `ImageFormat` and
converts at the edges with the helpers below, so a spelling difference is never mistaken
for a format difference.
"""

from __future__ import annotations

import functools
from enum import StrEnum
from types import MappingProxyType
from typing import Final


class ImageFormat(StrEnum):
    """A raster format the suite can recognise; the value is the canonical short name."""

    PNG = "png"
    JPEG = "jpeg"
    WEBP = "webp"
    GIF = "gif"
    HEIC = "heic"
    HEIF = "heif"

    @property
    def mime(self) -> str:
        """Canonical MIME type, e.g. ``"image/jpeg"``."""
        return f"image/{self.value}"

    @property
    def pillow_name(self) -> str:
        """Format id used by Pillow's ``Image.open(formats=...)`` and ``Image.save(format=...)``.

        HEIC and HEIF map to "HEIF", the id the pillow-heif plugin registers; plain Pillow
        cannot read them, so they are sniffed but never decoded or encoded here.
        """
        return _PILLOW_NAMES[self]

    @property
    def max_encode_side(self) -> int | None:
        """Largest width or height Pillow can write in this format; None if it cannot write it.

        Headers can declare more (a WebP canvas may be 2**24 wide), but no encoder we use
        accepts it: libjpeg stops at 65500, libwebp at 16383.
        """
        return _MAX_ENCODE_SIDES.get(self)

    @property
    def extension(self) -> str:
        """Conventional file extension including the dot, e.g. ``".jpg"``."""
        return _EXTENSIONS[self]


_PILLOW_NAMES: Final = MappingProxyType(
    {
        ImageFormat.PNG: "PNG",
        ImageFormat.JPEG: "JPEG",
        ImageFormat.WEBP: "WEBP",
        ImageFormat.GIF: "GIF",
        ImageFormat.HEIC: "HEIF",
        ImageFormat.HEIF: "HEIF",
    }
)

_EXTENSIONS: Final = MappingProxyType(
    {
        ImageFormat.PNG: ".png",
        ImageFormat.JPEG: ".jpg",
        ImageFormat.WEBP: ".webp",
        ImageFormat.GIF: ".gif",
        ImageFormat.HEIC: ".heic",
        ImageFormat.HEIF: ".heif",
    }
)

_MAX_ENCODE_SIDES: Final = MappingProxyType(
    {
        ImageFormat.PNG: 2**31 - 1,
        ImageFormat.JPEG: 65500,
        ImageFormat.WEBP: 16383,
        ImageFormat.GIF: 65535,
    }
)

# Non-canonical spellings seen in the wild; "image/jpg" in particular is sent by several relays.
_MIME_ALIASES: Final = MappingProxyType(
    {
        "image/jpg": ImageFormat.JPEG,
        "image/pjpeg": ImageFormat.JPEG,
        "image/x-png": ImageFormat.PNG,
        "image/x-webp": ImageFormat.WEBP,
        "image/heic-sequence": ImageFormat.HEIC,
        "image/heif-sequence": ImageFormat.HEIF,
    }
)

_NAME_ALIASES: Final = MappingProxyType(
    {
        "jpg": ImageFormat.JPEG,
        "jpe": ImageFormat.JPEG,
        "jfif": ImageFormat.JPEG,
    }
)

#: Formats Pillow can write without plugins.
ENCODABLE_FORMATS: Final = frozenset(_MAX_ENCODE_SIDES)


#: The two lookups below are pure functions of a string that checks ask about the same handful
#: of spellings for every image of every case (~50k calls at 16x the providers): remembered,
#: within a bound, since answers may hold any string.
_remembered = functools.lru_cache(maxsize=512)


@_remembered
def format_from_mime(mime: str) -> ImageFormat | None:
    """Format named by a MIME type, or None if it is not an image type we know.

    Case-insensitive; parameters (``"image/png; q=1"``) and surrounding spaces are ignored.
    """
    essence = mime.split(";", 1)[0].strip().lower()
    alias = _MIME_ALIASES.get(essence)
    if alias is not None:
        return alias
    if not essence.startswith("image/"):
        return None
    return _parse_short_name(essence.removeprefix("image/"))


@_remembered
def format_from_name(name: str) -> ImageFormat | None:
    """Format named by an API short name, Pillow id, extension or MIME type, or None.

    Accepts ``"png"``, ``"JPG"``, ``"jpeg"``, ``".webp"``, ``"WEBP"``, ``"image/png"``...
    """
    cleaned = name.strip().lower()
    if "/" in cleaned:
        return format_from_mime(cleaned)
    return _parse_short_name(cleaned.removeprefix("."))


def mime_for(name: str) -> str:
    """Canonical MIME type for any spelling `format_from_name` accepts.

    Raises ValueError for an unknown format, because a caller asking for a MIME type is
    about to label a payload and must not label it with a guess.
    """
    fmt = format_from_name(name)
    if fmt is None:
        raise ValueError(f"unknown image format: {name!r}")
    return fmt.mime


def pillow_format_for(name: str) -> str:
    """Pillow format id for any spelling `format_from_name` accepts; ValueError if unknown."""
    fmt = format_from_name(name)
    if fmt is None:
        raise ValueError(f"unknown image format: {name!r}")
    return fmt.pillow_name


def same_format(a: str, b: str) -> bool:
    """True when two spellings (MIME types or names) denote the same known format."""
    fa = format_from_name(a)
    return fa is not None and fa is format_from_name(b)


def _parse_short_name(name: str) -> ImageFormat | None:
    alias = _NAME_ALIASES.get(name)
    if alias is not None:
        return alias
    try:
        return ImageFormat(name)
    except ValueError:
        return None
