"""Defaults applied: with a documented field omitted, its documented default must take effect.

Effects are observable for count, aspect ratio, size tier, output format and response encoding;
other omitted defaults are only required to be accepted. A default documented as advisory (e.g.
Gemini's 1:1 when no ratio is set, which Google itself does not honour) is reported, not failed.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from conformance.checks.common import blocked, images
from conformance.checks.images import expected_ratio
from conformance.checks.registry import Finding, check, judged, passed
from conformance.exchange import Exchange
from conformance.images import same_format
from conformance.plan.case import Case
from conformance.spec.model import Parameter


def _sizes(case: Case, exchange: Exchange) -> list[tuple[str, int, int, str | None, str]]:
    out = []
    for image in images(case, exchange) or []:
        if image.data is None:
            continue
        info = image.info
        if info.width and info.height:
            out.append((image.pointer, info.width, info.height, info.mime, image.encoding))
    return out


def _effect(case: Case, exchange: Exchange, param: Parameter) -> Iterator[Finding]:
    where = param.rule_location("default")
    advisory = param.default_enforcement != "enforced" or param.enforcement != "enforced"
    default: Any = param.default
    sizes = _sizes(case, exchange)
    label = f"{param.name} omitted"
    if param.concept == "image_count":
        found = images(case, exchange) or []
        yield judged(
            len(found) == default,
            f"{label}: {len(found)} image(s), default is {default}",
            advisory=advisory,
            rule="default",
            spec_location=where,
        )
    elif param.concept == "aspect_ratio":
        target, tolerance = expected_ratio(case.model, str(default), case.expect.tier)
        for pointer, w, h, _, _ in sizes:
            off = abs(w / h - target) / target if target else 0.0
            yield judged(
                off <= tolerance,
                f"{label}: {w}x{h} is {off:.1%} off the default {default}",
                advisory=advisory,
                pointer=pointer,
                rule="default",
                spec_location=where,
            )
    elif param.concept == "image_size":
        entry = case.model.pixel_size(case.expect.ratio or "", str(default))
        if entry is None:
            return
        for pointer, w, h, _, _ in sizes:
            got = f"{w}x{h}"
            yield judged(
                got == str(entry.size),
                f"{label}: {got}, the default tier {default} "
                f"at {case.expect.ratio} is {entry.size}",
                advisory=advisory,
                pointer=pointer,
                rule="default",
                spec_location=where,
            )
    elif param.concept == "output_format":
        mime = (param.value_mime or {}).get(default, default)
        for pointer, _, _, sniffed, _ in sizes:
            ok = sniffed is not None and same_format(sniffed, mime)
            yield judged(
                ok,
                f"{label}: bytes are {sniffed}, the default is {mime}",
                advisory=advisory,
                pointer=pointer,
                rule="default",
                spec_location=where,
            )
    elif param.concept == "response_encoding":
        expected = "url" if default else "b64"
        for image in images(case, exchange) or []:
            yield judged(
                image.encoding == expected,
                f"{label}: image returned as {image.encoding}, the default is {expected}",
                advisory=advisory,
                pointer=image.pointer,
                rule="default",
                spec_location=where,
            )
    else:
        yield passed(
            f"{label}: accepted (no observable effect to compare)",
            rule="default",
            spec_location=where,
        )


@check("defaults")
def defaults_applied(case: Case, exchange: Exchange) -> Iterator[Finding]:
    response = exchange.response
    if not case.expect.defaults or response is None or not 200 <= response.status < 300:
        return
    reason = blocked(case, exchange)
    if reason is not None:
        yield Finding("", "blocked", f"content policy: {reason}", rule="blocked")
        return
    for name in case.expect.defaults:
        param = case.operation.parameter(name)
        if param is not None:
            yield from _effect(case, exchange, param)
