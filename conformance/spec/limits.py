"""Limits on a YAML file's shape, checked on the event stream before anything is built.

PyYAML composes nodes recursively (1,000 levels of nesting is a `RecursionError`) and the source
map builder expands aliases, so a recursive alias (`&a [*a]`) never ends and a billion-laughs
file of a few KB expands to gigabytes. `yaml.parse` yields events without recursion or
expansion, so the nesting depth and the size a file would expand to are counted here first;
each limit is far beyond any real spec (the committed tree nests 12 deep and expands to a few
thousand nodes) and a file past one is a diagnostic, not a crash.
"""

from __future__ import annotations

import yaml

from conformance.spec.diagnostics import Diagnostic, Location

MAX_DEPTH = 64
MAX_NODES = 100_000

# libyaml's event parser when PyYAML has it: the pure-Python one was ~55% of `conformance lint`
# (0.45 s of 0.82 s under cProfile); both yield the same events and marks.
_LOADER: type[yaml.SafeLoader] = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def _at(path: str, event: yaml.Event) -> Location:
    mark = event.start_mark
    return Location(path, mark.line + 1, mark.column + 1) if mark else Location(path, 1, 1)


def _too_deep(path: str, event: yaml.Event) -> Diagnostic:
    return Diagnostic(
        _at(path, event),
        "yaml.depth",
        f"nesting deeper than {MAX_DEPTH} levels (aliases expanded)",
        "",
        "spec files are shallow; flatten the structure",
    )


def check_limits(text: str, path: str) -> list[Diagnostic]:
    """Diagnostics for nesting beyond MAX_DEPTH, a recursive alias, or an expansion beyond
    MAX_NODES. Syntax errors are left to the composer, which reports them with their line."""
    open_anchors: list[str | None] = []
    sizes: list[int] = []
    heights: list[int] = []  # per open collection: the tallest child so far (aliases expanded)
    anchored: dict[str, tuple[int, int]] = {}  # anchor -> (expanded size, height)
    expanded = 0
    try:
        for event in yaml.parse(text, Loader=_LOADER):
            if isinstance(event, yaml.AliasEvent):
                anchor = event.anchor or ""
                if anchor in open_anchors:
                    return [
                        Diagnostic(
                            _at(path, event),
                            "yaml.recursive-alias",
                            f"alias *{anchor} refers to a node that contains it",
                            "",
                            "a spec is a tree: repeat the value instead of referring to itself",
                        )
                    ]
                grown, height = anchored.get(anchor, (1, 0))
            elif isinstance(event, yaml.ScalarEvent):
                grown, height = 1, 0
                if event.anchor:
                    anchored[event.anchor] = (1, 0)
            elif isinstance(event, yaml.CollectionStartEvent):
                open_anchors.append(event.anchor)
                sizes.append(1)
                heights.append(0)
                if len(sizes) > MAX_DEPTH:
                    return [_too_deep(path, event)]
                expanded += 1
                continue
            elif isinstance(event, yaml.CollectionEndEvent):
                closed, size, height = open_anchors.pop(), sizes.pop(), heights.pop() + 1
                if closed:
                    anchored[closed] = (size, height)
                if sizes:
                    sizes[-1] += size
                    heights[-1] = max(heights[-1], height)
                continue
            else:
                continue
            expanded += grown
            if sizes:
                sizes[-1] += grown
                heights[-1] = max(heights[-1], height)
            if len(sizes) + height > MAX_DEPTH:
                return [_too_deep(path, event)]
            if expanded > MAX_NODES:
                return [
                    Diagnostic(
                        _at(path, event),
                        "yaml.expansion",
                        f"the file expands to more than {MAX_NODES} values (aliases included)",
                        "",
                        "aliases here repeat large values many times over; write them out or "
                        "split the file",
                    )
                ]
    except yaml.YAMLError:
        return []
    return []
