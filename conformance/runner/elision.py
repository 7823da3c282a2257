"""Long strings in an answer body cut to what a reader is shown: one rule for retain and reports.

A report shows an answer's JSON with every string longer than `MAX_STRING` cut to its first
`KEEP` characters and a note of how many followed (image payloads become markers). A finished
case needs to keep no more than that, so `runner.retain` applies the same cut to the parsed body
and `report.bodies` reads the result: a report from retained bodies is the report the whole
bodies would have given, without keeping (or re-encoding) a single multi-MB image.
"""

from __future__ import annotations

from typing import Any

#: Strings longer than this are cut (base64 images, long texts).
MAX_STRING = 512
#: Characters of a cut string that are kept.
KEEP = 64


def elide(text: str) -> str:
    """`text`, or its head and how many characters were cut when longer than `MAX_STRING`."""
    if len(text) <= MAX_STRING:
        return text
    return text[:KEEP] + f"… [{len(text) - KEEP} more characters elided]"


def elided(node: Any) -> tuple[Any, bool]:
    """(a copy of the JSON value `node` with every long string elided, whether any was)."""
    if isinstance(node, str):
        cut = elide(node)
        return cut, cut is not node
    if isinstance(node, dict):
        out: dict[str, Any] = {}
        changed = False
        for key, value in node.items():
            out[key], hit = elided(value)
            changed = changed or hit
        return out, changed
    if isinstance(node, list):
        items = []
        changed = False
        for value in node:
            item, hit = elided(value)
            items.append(item)
            changed = changed or hit
        return items, changed
    return node, False
