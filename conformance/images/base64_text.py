"""Base64 as image payloads carry it: canonical padded text only, decoded at C speed.

pybase64 (SIMD) where installed, a declared dependency: the standard library decodes 7x slower,
which on a 20 MB answer is the difference between reading it and waiting for it.
"""

from __future__ import annotations

import binascii

try:
    import pybase64 as _pybase64
except ImportError:  # pragma: no cover - pybase64 is a declared dependency
    _pybase64 = None  # type: ignore[assignment]


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
