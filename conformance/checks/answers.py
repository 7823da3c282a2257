"""What a success answer must say beyond its schema: the fields upstream always sends, the
modalities that were asked for, and image token counts that bill what was generated.

- `required-fields`: each `response.required` entry of the spec (with its evidence): e.g.
  `usageMetadata` and `finishReason` on Gemini answers, `mimeType` on every Imagen prediction.
- `modalities`: when the request names `responseModalities`, the answer's parts hold only those
  (text parts for TEXT, inline images for IMAGE; thought parts aside).
- `image-tokens`: the IMAGE entry of `usageMetadata.candidatesTokensDetails` is the number of
  images times the spec's tokens per image for the tier; more overbills the caller.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from conformance.checks.common import find, image_source, is_success
from conformance.checks.registry import Finding, check, failed, judged, passed
from conformance.exchange import Exchange
from conformance.plan.case import Case
from conformance.spec.model import Operation, Parameter

_PARTS = "/candidates/*/content/parts/*"
_IMAGE_DETAILS = "/usageMetadata/candidatesTokensDetails/*"


def _answer(case: Case, exchange: Exchange) -> tuple[Operation, Any] | None:
    response = exchange.response
    if response is None or not is_success(response):
        return None
    operation, body = image_source(case, exchange)
    return (operation, body) if isinstance(body, dict) else None


@check("required-fields")
def required_fields(case: Case, exchange: Exchange) -> Iterator[Finding]:
    found = _answer(case, exchange)
    if found is None:
        return
    operation, body = found
    for rule in operation.response.required:
        parent, _, name = rule.pointer.rpartition("/")
        holders = [
            (where, node) for where, node in find(body, parent or "") if isinstance(node, dict)
        ]
        for where, node in holders:
            if rule.when is not None and rule.when not in node:
                continue
            yield judged(
                name in node,
                f"{where}/{name} is "
                + (
                    "present"
                    if name in node
                    else f"missing (upstream always sends it: {rule.source.cite()})"
                ),
                pointer=f"{where}/{name}",
                rule="required-field",
                spec_location=rule.declared_at,
            )


def _value(operation: Operation, body: Any, param: Parameter) -> Any:
    """The value `param` has in `body`, under any of its documented spellings."""
    node = body
    for depth in range(1, len(param.path) + 1):
        if not isinstance(node, dict):
            return None
        prefix = param.path[:depth]
        owner = next((p for p in operation.body_parameters if p.path == prefix), None)
        names = owner.property_names if owner is not None else (prefix[-1],)
        key = next((n for n in names if n in node), None)
        if key is None:
            return None
        node = node[key]
    return node


def _modalities_of(body: Any) -> set[str]:
    out: set[str] = set()
    for _, part in find(body, _PARTS):
        if not isinstance(part, dict) or part.get("thought") is True:
            continue
        if isinstance(part.get("text"), str):
            out.add("TEXT")
        if isinstance(part.get("inlineData"), dict):
            out.add("IMAGE")
    return out


@check("modalities")
def modalities(case: Case, exchange: Exchange) -> Iterator[Finding]:
    found = _answer(case, exchange)
    param = case.operation.by_concept("response_modalities")
    if found is None or param is None:
        return
    asked = _value(case.operation, case.request.body, param)
    if not isinstance(asked, list) or not asked:
        return
    wanted = {str(m).upper() for m in asked}
    got = _modalities_of(found[1])
    if not got:
        return  # nothing generated: the blocked and image-count checks speak to that
    extra = sorted(got - wanted)
    yield judged(
        not extra,
        f"asked for {'+'.join(sorted(wanted))}, answered {'+'.join(sorted(got))}"
        + (f": {', '.join(extra)} was not asked for" if extra else ""),
        pointer="/candidates",
        rule="response-modalities",
        spec_location=param.declared_at,
    )


def _tokens_per_image(case: Case) -> int | None:
    table = case.model.tokens_per_image
    if not table:
        return None
    tier = case.expect.tier
    size = case.operation.by_concept("image_size")
    if tier is None and size is not None and size.has_default:
        tier = str(size.default)
    if tier is None and len(table) == 1:
        tier = next(iter(table))
    return table.get(tier) if tier is not None else None


@check("image-tokens")
def image_tokens(case: Case, exchange: Exchange) -> Iterator[Finding]:
    found = _answer(case, exchange)
    per_image = _tokens_per_image(case)
    if found is None or per_image is None:
        return
    body = found[1]
    reported = [
        item.get("tokenCount")
        for _, item in find(body, _IMAGE_DETAILS)
        if isinstance(item, dict) and item.get("modality") == "IMAGE"
    ]
    if not reported or not isinstance(reported[0], int):
        return
    images = sum(1 for _, p in find(body, _PARTS) if isinstance(p, dict) and "inlineData" in p)
    expected = images * per_image
    where = case.model.declared_at
    got = reported[0]
    tier = case.expect.tier or "the default tier"
    if got > expected:
        yield failed(
            f"usage reports {got} image tokens for {images} image(s) at {tier}; the spec's "
            f"{per_image} per image make {expected}: the caller is overbilled",
            pointer="/usageMetadata/candidatesTokensDetails",
            rule="tokens-per-image",
            spec_location=where,
        )
    elif got < expected:
        yield judged(
            False,
            f"usage reports {got} image tokens for {images} image(s), the spec's {per_image} "
            f"per image make {expected}",
            advisory=True,
            pointer="/usageMetadata/candidatesTokensDetails",
            rule="tokens-per-image",
            spec_location=where,
        )
    else:
        yield passed(
            f"{got} image tokens = {images} x {per_image}",
            rule="tokens-per-image",
            spec_location=where,
        )
