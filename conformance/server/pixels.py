"""The pixel size the relay answers with, for a model, an aspect ratio and a size tier.

The spec's pixel tables are the truth wherever they have an entry. Some requests are valid but
have no entry (the 512 tier of Gemini 3.1 Flash, a tier a relay sells on a channel-dependent
basis, an extreme ratio on another model); for those the relay computes a plausible size rather
than refusing, and says so here: it is not a documented fact and checks must not treat it as one.
"""

from __future__ import annotations

import math
import re

from conformance.spec.model import Model

_TIER = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*([kK]?)\s*$")
_DEFAULT_EDGE = 1024
_GRID = 8  # generated sizes are multiples of 8 pixels, like every documented size


def tier_edge(tier: str) -> int | None:
    """The nominal long edge of a size tier: "512" -> 512, "1K" -> 1024, "4K" -> 4096."""
    match = _TIER.match(tier)
    if match is None:
        return None
    value = float(match.group(1))
    return round(value * 1024) if match.group(2) else round(value)


def parse_ratio(ratio: str) -> tuple[int, int]:
    """Width and height of a ratio: "16:9" -> (16, 9); anything unreadable -> (1, 1)."""
    left, _, right = ratio.partition(":")
    try:
        width, height = int(left), int(right)
    except ValueError:
        return (1, 1)
    return (width, height) if width > 0 and height > 0 else (1, 1)


def smallest_tier(model: Model) -> str:
    """The model's tier with the shortest nominal edge (its first tier when none parse)."""
    ranked = sorted(model.tiers, key=lambda t: tier_edge(t) or math.inf)
    return ranked[0] if ranked else "1K"


def pixel_size(model: Model, ratio: str, tier: str) -> tuple[int, int]:
    """(width, height) for `ratio` at `tier`: the table's entry, else a computed size."""
    entry = model.pixel_size(ratio, tier)
    if entry is not None:
        return (entry.size.width, entry.size.height)
    edge = tier_edge(tier) or _DEFAULT_EDGE
    # Not documented. First choice: the same ratio at another documented tier, scaled by the
    # tiers' nominal edges (every table here doubles from 1K to 2K and again to 4K), e.g. the
    # 512 tier of Gemini 3.1 Flash is its 1K size halved.
    for other in model.pixel_sizes:
        other_edge = tier_edge(other.tier)
        if other.ratio == ratio and other_edge:
            scale = edge / other_edge
            return (_grid(other.size.width * scale), _grid(other.size.height * scale))
    # Second choice: the tier's nominal edge as the long side, the ratio giving the short one.
    rw, rh = parse_ratio(ratio)
    if rw >= rh:
        return (_grid(edge), _grid(edge * rh / rw))
    return (_grid(edge * rw / rh), _grid(edge))


def _grid(value: float) -> int:
    return max(_GRID, round(value / _GRID) * _GRID)
