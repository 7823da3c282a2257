"""Image checks: how many came back, whether each payload is whole and what it claims to be,
its pixel size against the ratio and size tier asked for, and the output format and encoding."""

from __future__ import annotations

from collections.abc import Iterator

from conformance.checks.common import Image, blocked, images
from conformance.checks.registry import Finding, check, failed, judged, passed
from conformance.exchange import Exchange
from conformance.images import same_format
from conformance.plan.case import Case
from conformance.spec.diagnostics import Location
from conformance.spec.model import Model

#: Relative aspect-ratio tolerance where sizes are advisory, against the table's own size.
RATIO_TOLERANCE = 0.02
#: Tolerance against the nominal ratio where no table entry exists: the documented tables
#: themselves stray from it (Imagen's 3:4 is 896x1280, 6.7% off; 4:3 is 7.1% off).
NOMINAL_TOLERANCE = 0.08


def expected_ratio(model: Model, ratio: str, tier: str | None) -> tuple[float | None, float]:
    """(width/height to expect, tolerance): the table's size when there is one, else nominal."""
    entry = model.pixel_size(ratio, tier or "")
    if entry is None:
        entry = next((e for e in model.pixel_sizes if e.ratio == ratio), None)
    if entry is not None:
        return entry.size.width / entry.size.height, RATIO_TOLERANCE
    return _ratio(ratio), NOMINAL_TOLERANCE


def _applies(case: Case, exchange: Exchange) -> bool:
    response = exchange.response
    return (
        response is not None and 200 <= response.status < 300 and case.expect.status_class == "2xx"
    )


def _param_location(case: Case, concept: str, rule: str) -> Location:
    param = case.operation.by_concept(concept)
    return param.rule_location(rule) if param else case.model.declared_at


def _ratio(text: str) -> float | None:
    left, _, right = text.partition(":")
    try:
        return float(left) / float(right)
    except (ValueError, ZeroDivisionError):
        return None


@check("image-count")
def image_count(case: Case, exchange: Exchange) -> Iterator[Finding]:
    if not _applies(case, exchange):
        return
    reason = blocked(case, exchange)
    found = images(case, exchange)
    expected = case.expect.images
    where = _param_location(case, "image_count", "default")
    if reason is not None:
        yield Finding(
            "",
            "blocked",
            f"content policy: {reason}",
            rule="blocked",
            spec_location=case.operation.response.declared_at,
        )
        return
    if found is None or expected is None:
        return
    yield judged(
        len(found) == expected,
        f"{len(found)} image(s), expected {expected}",
        advisory=case.expect.is_advisory("images"),
        rule="count",
        spec_location=where,
    )


def _payload(image: Image) -> Finding:
    if image.data is None:
        return failed(image.problem or "no image bytes", pointer=image.pointer, rule="decode")
    info = image.info
    if not info.complete:
        return failed(
            f"payload is not a whole image: {info.problem}", pointer=image.pointer, rule="complete"
        )
    if image.declared_mime and info.mime and not same_format(image.declared_mime, info.mime):
        return failed(
            f"declared {image.declared_mime} but the bytes are {info.mime}",
            pointer=image.pointer,
            rule="magic-bytes",
        )
    return passed(
        f"{info.mime} {info.width}x{info.height}, whole", pointer=image.pointer, rule="decode"
    )


@check("image-payload")
def image_payload(case: Case, exchange: Exchange) -> Iterator[Finding]:
    if not _applies(case, exchange):
        return
    where = case.operation.response.declared_at
    for image in images(case, exchange) or []:
        finding = _payload(image)
        yield Finding(
            "",
            finding.outcome,
            finding.message,
            pointer=finding.pointer,
            rule=finding.rule,
            spec_location=where,
        )


def _exact_size(case: Case, exchange: Exchange, size: str) -> Iterator[Finding]:
    """A size asked for as "WxH" (OpenAI's `size`) is the size every image must have."""
    where = _param_location(case, "pixel_size", "enum")
    for image in images(case, exchange) or []:
        if image.data is None:
            continue
        info = image.info
        if info.width is None or info.height is None:
            continue
        got = f"{info.width}x{info.height}"
        yield judged(
            got == size,
            f"{got} for size {size}" + ("" if got == size else f", expected {size}"),
            advisory=case.expect.is_advisory("size"),
            pointer=image.pointer,
            rule="exact-size",
            spec_location=where,
        )


@check("pixel-size")
def pixel_size(case: Case, exchange: Exchange) -> Iterator[Finding]:
    if not _applies(case, exchange):
        return
    expect = case.expect
    if expect.size is not None:
        yield from _exact_size(case, exchange, expect.size)
        return
    if expect.ratio is None and expect.tier is None:
        return
    entry = case.model.pixel_size(expect.ratio or "", expect.tier or "")
    loose = any(expect.is_advisory(k) for k in ("ratio", "tier", "size"))
    for image in images(case, exchange) or []:
        if image.data is None:
            continue
        info = image.info
        if info.width is None or info.height is None:
            continue
        got = f"{info.width}x{info.height}"
        if entry is not None and entry.enforcement == "enforced" and not loose:
            yield judged(
                got == str(entry.size),
                f"{got} for {expect.ratio} at {expect.tier}"
                + ("" if got == str(entry.size) else f", expected {entry.size}"),
                pointer=image.pointer,
                rule="exact-size",
                spec_location=entry.declared_at,
            )
            continue
        if expect.ratio is None:
            continue
        target, tolerance = expected_ratio(case.model, expect.ratio, expect.tier)
        if target is None:
            continue
        off = abs(info.width / info.height - target) / target
        where = entry.declared_at if entry else _param_location(case, "aspect_ratio", "enum")
        advisory = loose or (entry is not None and entry.enforcement != "enforced")
        untabled = (
            f"; no pixel table for the {expect.tier} tier, so only the ratio could be judged"
            if entry is None and expect.tier
            else ""
        )
        yield judged(
            off <= tolerance,
            f"{got} is {off:.1%} off {expect.ratio}"
            + (f" (table: {entry.size})" if entry else "")
            + untabled,
            advisory=advisory,
            pointer=image.pointer,
            rule="aspect-ratio",
            spec_location=where,
        )


@check("output-format")
def output_format(case: Case, exchange: Exchange) -> Iterator[Finding]:
    if not _applies(case, exchange):
        return
    expect = case.expect
    for image in images(case, exchange) or []:
        if expect.encoding is not None:
            yield judged(
                image.encoding == expect.encoding,
                f"image returned as {image.encoding}, expected {expect.encoding}",
                pointer=image.pointer,
                rule="response-encoding",
                spec_location=_param_location(case, "response_encoding", "default"),
            )
        if image.data is None or expect.mime is None:
            continue
        sniffed = image.info.mime
        if sniffed is None:
            continue
        yield judged(
            same_format(sniffed, expect.mime),
            f"bytes are {sniffed}, expected {expect.mime}",
            pointer=image.pointer,
            rule="format",
            spec_location=_param_location(case, "output_format", "enum"),
        )
