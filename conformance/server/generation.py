"""What a request asks the relay to generate, resolved from the body by parameter concept.

Reads the request through parameter concepts (image_count, aspect_ratio, image_size,
output_format, response_encoding, response_modalities, prompt), never provider-specific keys,
and applies the documented defaults for whatever is omitted. The faults that distort what is
generated (ignore-count, ignore-aspect-ratio, ignore-image-size, wrong-default) act here and
nowhere else, so each changes exactly the value it names.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from conformance import triggers
from conformance.images import SYNTH_FORMATS, ImageFormat, format_from_mime, format_from_name
from conformance.server import faults as f
from conformance.server.options import RelayOptions
from conformance.server.params import BodyReader, Found, prompt_text
from conformance.server.pixels import pixel_size, smallest_tier, tier_edge
from conformance.spec.model import Model, Operation, Parameter

# Hard cap on images per answer, whatever a parameter without a maximum lets through: the relay
# must stay bounded in memory under hostile input.
MAX_IMAGES = 16
_PREFERRED_TIER = "1K"  # the documented default tier of every family in REFERENCE.md
_WXH = re.compile(r"^[1-9][0-9]*x[1-9][0-9]*$")  # an exact size asked for (OpenAI's `size`)
_MAX_EDGE = 4096  # bounded memory: no edge longer than the largest documented tier's


@dataclass(frozen=True)
class Generation:
    """The resolved request: what to produce and how to hand it back."""

    prompt: str
    count: int
    ratio: str
    tier: str
    width: int
    height: int
    format: ImageFormat
    as_url: bool
    modalities: tuple[str, ...]
    trigger: str | None

    @property
    def mime(self) -> str:
        """The MIME type of the bytes generated (what an honest relay declares)."""
        return self.format.mime

    @property
    def wants_image(self) -> bool:
        return not self.modalities or "IMAGE" in self.modalities

    @property
    def wants_text(self) -> bool:
        return "TEXT" in self.modalities


def find_trigger(prompt: str) -> str | None:
    """The first content-policy marker of `conformance.triggers` found in the prompt."""
    return next((marker for marker in triggers.ALL if marker in prompt), None)


def resolve(
    operation: Operation, model: Model, reader: BodyReader, body: Any, options: RelayOptions
) -> Generation:
    """Resolve a (validated, or accepted-anyway) request body into a `Generation`."""
    wrong = options.has(f.WRONG_DEFAULT)
    prompt = prompt_text(reader, body, operation.by_concept("prompt"))

    count_param = operation.by_concept("image_count")
    count = _value(
        reader.read(body, count_param), count_param, model.default_image_count, wrong, _other_count
    )
    count = max(1, min(int(count), MAX_IMAGES))
    if options.has(f.IGNORE_COUNT):
        count = 1

    ratio_param = operation.by_concept("aspect_ratio")
    ratio = str(_value(reader.read(body, ratio_param), ratio_param, "1:1", wrong, _other_enum))
    if options.has(f.IGNORE_ASPECT_RATIO):
        ratio = "1:1"

    size_param = operation.by_concept("image_size")
    tier = str(
        _value(
            reader.read(body, size_param),
            size_param,
            _default_tier(model),
            wrong,
            _other_tier(model),
        )
    )
    if options.has(f.IGNORE_IMAGE_SIZE):
        tier = smallest_tier(model)

    format_param = operation.by_concept("output_format")
    fmt_value = _value(reader.read(body, format_param), format_param, None, wrong, _other_enum)
    image_format = _format(format_param, fmt_value, model)

    encoding_param = operation.by_concept("response_encoding")
    encoding = _value(reader.read(body, encoding_param), encoding_param, False, wrong, _other_enum)

    modal_param = operation.by_concept("response_modalities")
    modalities = _value(reader.read(body, modal_param), modal_param, None, False, _other_enum)
    if options.has(f.IGNORE_MODALITIES) and modal_param is not None:
        modalities = ["TEXT", "IMAGE"]

    width, height = pixel_size(model, ratio, tier)
    exact_param = operation.by_concept("pixel_size")
    exact = _value(reader.read(body, exact_param), exact_param, None, wrong, _other_enum)
    if isinstance(exact, str) and _WXH.match(exact) and not options.has(f.IGNORE_IMAGE_SIZE):
        width, height = (min(int(v), _MAX_EDGE) for v in exact.split("x"))
    return Generation(
        prompt=prompt,
        count=count,
        ratio=ratio,
        tier=tier,
        width=width,
        height=height,
        format=image_format,
        as_url=_as_url(encoding),
        modalities=tuple(str(m).upper() for m in modalities)
        if isinstance(modalities, list)
        else (),
        trigger=find_trigger(prompt),
    )


def _value(found: Found, param: Parameter | None, fallback: Any, wrong: bool, other: Any) -> Any:
    """The sent value if usable, else the documented default (or a wrong one under the fault)."""
    if found.present and found.value is not None:
        return found.value
    default = param.default if param is not None and param.has_default else fallback
    if wrong and not found.present and param is not None and param.has_default:
        return other(param, default)
    return default


def _other_count(param: Parameter, default: Any) -> Any:
    """A valid count other than the default: the maximum, else one less, else one more."""
    if param.maximum is not None and param.maximum != default:
        return int(param.maximum)
    if param.minimum is None or default - 1 >= param.minimum:
        return max(1, default - 1)
    return default + 1


def _other_enum(param: Parameter, default: Any) -> Any:
    """The first valid value other than the default (a flipped boolean for booleans)."""
    if isinstance(default, bool):
        return not default
    choices = param.enum or ()
    return next((v for v in choices if v != default), default)


def _other_tier(model: Model) -> Any:
    def pick(param: Parameter, default: Any) -> Any:
        choices = [v for v in (param.enum or model.tiers) if v != default]
        sold = [v for v in choices if v in model.tiers]
        return (sold or choices or [default])[0]

    return pick


def _default_tier(model: Model) -> str:
    if _PREFERRED_TIER in model.tiers or not model.tiers:
        return _PREFERRED_TIER
    return min(model.tiers, key=lambda t: abs((tier_edge(t) or 0) - 1024))


def _format(param: Parameter | None, value: Any, model: Model) -> ImageFormat:
    mime = model.output_mime
    if param is not None and isinstance(value, str):
        mapping = param.value_mime or {}
        mime = mapping.get(value, value)
    fmt = format_from_mime(mime) if "/" in mime else format_from_name(mime)
    if fmt is None or fmt not in SYNTH_FORMATS:
        fmt = format_from_mime(model.output_mime)
    return fmt if fmt is not None and fmt in SYNTH_FORMATS else ImageFormat.PNG


def _as_url(encoding: Any) -> bool:
    """Whether images go back as URLs: a boolean "convert to URL" flag, or a value naming url."""
    if isinstance(encoding, bool):
        return encoding
    return isinstance(encoding, str) and "url" in encoding.lower()
