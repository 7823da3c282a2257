"""Per-image summaries of a case's answer, taken right after its checks and before the engine
lets go of the answer bodies: what the HTML and JSON reports show for each returned image."""

from __future__ import annotations

from conformance.checks.common import blocked, images
from conformance.exchange import Exchange
from conformance.images.thumbnail import ImageSummary, summarize_image
from conformance.plan.case import Case


def summarize_images(
    case: Case, exchange: Exchange, *, thumbnails: bool = False
) -> tuple[ImageSummary, ...]:
    """Every image of a 2xx answer (none for errors, blocked answers or no locator)."""
    response = exchange.response
    if response is None or not 200 <= response.status < 300:
        return ()
    if blocked(case, exchange) is not None:
        return ()
    return tuple(
        summarize_image(
            image.pointer,
            image.data,
            encoding=image.encoding,
            declared_mime=image.declared_mime,
            problem=image.problem,
            url=image.url,
            thumbnail=thumbnails,
            info=image.info if image.data is not None else None,
        )
        for image in images(case, exchange) or []
    )
