"""Real image payloads for the suite: synthesize them, inspect them, slim them for cassettes.

Self-contained (Pillow and pybase64 only) so the reference relay, the conformance checks
and the cassette recorder share one notion of what a valid image is.
"""

from conformance.images.formats import (
    ENCODABLE_FORMATS,
    ImageFormat,
    format_from_mime,
    format_from_name,
    mime_for,
    pillow_format_for,
    same_format,
)
from conformance.images.slim import SlimResult, slim_image
from conformance.images.sniff import (
    MAX_DECODE_PIXELS,
    ImageInfo,
    decode_base64_strict,
    encode_base64,
    inspect_image,
    read_size,
    sniff_format,
    sniff_mime,
)
from conformance.images.synth import (
    PAYLOADS,
    SYNTH_FORMATS,
    clear_synth_cache,
    make_base64_image,
    make_image,
)

__all__ = [
    "ENCODABLE_FORMATS",
    "MAX_DECODE_PIXELS",
    "PAYLOADS",
    "SYNTH_FORMATS",
    "ImageFormat",
    "ImageInfo",
    "SlimResult",
    "clear_synth_cache",
    "decode_base64_strict",
    "encode_base64",
    "format_from_mime",
    "format_from_name",
    "inspect_image",
    "make_base64_image",
    "make_image",
    "mime_for",
    "pillow_format_for",
    "read_size",
    "same_format",
    "slim_image",
    "sniff_format",
    "sniff_mime",
]
