"""Load one YAML spec file into plain data plus a source map (JSON pointer -> line:col).

PyYAML resolves scalars by YAML 1.1 rules, which silently turn `1:1` into the integer 61, `on` into
True and `2026-08-20` into a date. In a spec of aspect ratios and enum values that is a bug
factory, so this loader composes the node graph itself and reports those coercions, duplicate keys
and syntax errors as diagnostics instead of guessing.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from conformance.spec.diagnostics import Diagnostic, Location
from conformance.spec.limits import check_limits

_BOOL_WORDS = {"true", "false"}
_SEXAGESIMAL = re.compile(r"^[-+]?[0-9][0-9_]*(:[0-5]?[0-9])+(\.[0-9_]*)?$")


def pointer_join(base: str, token: str | int) -> str:
    """Append one reference token to a JSON pointer (RFC 6901 escaping)."""
    text = str(token).replace("~", "~0").replace("/", "~1")
    return f"{base}/{text}"


@dataclass
class SourceDocument:
    """A parsed YAML file: its data and where every value (and mapping key) came from."""

    path: str
    data: Any
    values: dict[str, Location] = field(default_factory=dict)
    keys: dict[str, Location] = field(default_factory=dict)

    def location(self, pointer: str) -> Location:
        """The location of the value at `pointer`, or of its nearest located ancestor."""
        probe = pointer
        while True:
            if probe in self.values:
                return self.values[probe]
            if not probe:
                return Location(self.path, 1, 1)
            probe = probe.rsplit("/", 1)[0]

    def key_location(self, pointer: str) -> Location:
        """The location of the mapping key that introduces `pointer` (falls back to its value)."""
        return self.keys.get(pointer) or self.location(pointer)


class _Builder:
    def __init__(self, path: str) -> None:
        self.doc = SourceDocument(path=path, data=None)
        self.diagnostics: list[Diagnostic] = []

    def loc(self, node: yaml.Node) -> Location:
        mark = node.start_mark
        return Location(self.doc.path, mark.line + 1, mark.column + 1)

    def build(self, node: yaml.Node, pointer: str) -> Any:
        self.doc.values[pointer] = self.loc(node)
        if isinstance(node, yaml.MappingNode):
            return self._mapping(node, pointer)
        if isinstance(node, yaml.SequenceNode):
            return [self.build(item, pointer_join(pointer, i)) for i, item in enumerate(node.value)]
        assert isinstance(node, yaml.ScalarNode)
        return self._scalar(node, pointer)

    def _mapping(self, node: yaml.MappingNode, pointer: str) -> dict[str, Any]:
        result: dict[str, Any] = {}
        for key_node, value_node in node.value:
            if key_node.tag == "tag:yaml.org,2002:merge":
                self.diagnostics.append(
                    Diagnostic(
                        self.loc(key_node),
                        "yaml.merge-key",
                        "YAML merge keys (<<) are not supported",
                        pointer,
                        "use the spec's layering (family -> model -> provider) instead",
                    )
                )
                continue
            if not isinstance(key_node, yaml.ScalarNode):
                self.diagnostics.append(
                    Diagnostic(
                        self.loc(key_node),
                        "yaml.key-type",
                        "mapping keys must be scalars",
                        pointer,
                        "write the key as a plain string",
                    )
                )
                continue
            key = str(self._scalar(key_node, pointer_join(pointer, key_node.value)))
            child = pointer_join(pointer, key)
            if key in result:
                first = self.doc.keys[child]
                self.diagnostics.append(
                    Diagnostic(
                        self.loc(key_node),
                        "yaml.duplicate-key",
                        f"duplicate key {key!r} (first defined at line {first.line})",
                        child,
                        "YAML keeps only the last value silently; remove or rename one of them",
                    )
                )
                continue
            self.doc.keys[child] = self.loc(key_node)
            result[key] = self.build(value_node, child)
        return result

    def _scalar(self, node: yaml.ScalarNode, pointer: str) -> Any:
        value: str = node.value
        if node.style and node.style in "'\"|>":  # plain is None (Python) or "" (libyaml)
            return value
        tag = node.tag
        if tag == "tag:yaml.org,2002:null":
            return None
        if tag == "tag:yaml.org,2002:bool":
            if value.lower() in _BOOL_WORDS:
                return value.lower() == "true"
            return self._coercion(node, pointer, f"{value!r} is read as a boolean by YAML 1.1")
        if tag in ("tag:yaml.org,2002:int", "tag:yaml.org,2002:float"):
            if _SEXAGESIMAL.match(value):
                return self._coercion(
                    node, pointer, f"{value!r} is read as a base-60 number by YAML 1.1"
                )
            if tag == "tag:yaml.org,2002:int":
                if re.fullmatch(r"[-+]?(0|[1-9][0-9]*)", value):
                    return int(value)
                return self._coercion(
                    node, pointer, f"{value!r} is read as an octal/hex/binary integer by YAML 1.1"
                )
            if re.fullmatch(r"[-+]?([0-9]+\.[0-9]*|\.[0-9]+|[0-9]+)([eE][-+]?[0-9]+)?", value):
                return float(value)
            return self._coercion(node, pointer, f"{value!r} is read as a special float")
        if tag == "tag:yaml.org,2002:timestamp":
            return self._coercion(node, pointer, f"{value!r} is read as a date/timestamp")
        if tag == "tag:yaml.org,2002:str":
            return value
        self.diagnostics.append(
            Diagnostic(
                self.loc(node),
                "yaml.tag",
                f"unsupported YAML tag {tag}",
                pointer,
                "specs use plain YAML: strings, numbers, booleans, lists and mappings",
            )
        )
        return value

    def _coercion(self, node: yaml.ScalarNode, pointer: str, why: str) -> str:
        self.diagnostics.append(
            Diagnostic(
                self.loc(node),
                "yaml.coercion",
                f"{why}, not the string it looks like",
                pointer,
                f"quote it: '{node.value}'",
            )
        )
        return str(node.value)


# libyaml's parser when PyYAML has it: the pure-Python one was ~60% of `conformance lint`. Both
# give the same nodes and marks (tests/spec/test_source.py runs every case through each).
_LOADER: type[yaml.SafeLoader] = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def load_yaml_text(text: str, path: str) -> tuple[SourceDocument | None, list[Diagnostic]]:
    """Parse YAML text; never raises for bad input."""
    limited = check_limits(text, path)
    if limited:
        return None, limited
    try:
        nodes = list(yaml.compose_all(text, Loader=_LOADER))
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line, column = (mark.line + 1, mark.column + 1) if mark else (1, 1)
        problem = exc.problem or exc.context or "invalid YAML"
        return None, [
            Diagnostic(
                Location(path, line, column),
                "yaml.syntax",
                str(problem),
                "",
                "fix the YAML syntax (indentation, quotes, colons)",
            )
        ]
    except yaml.YAMLError as exc:
        return None, [Diagnostic(Location(path, 1, 1), "yaml.syntax", str(exc))]
    if len(nodes) != 1 or nodes[0] is None:
        what = "is empty" if not nodes or nodes[0] is None else "holds several YAML documents"
        return None, [
            Diagnostic(
                Location(path, 1, 1),
                "yaml.document",
                f"the file {what}",
                "",
                "a spec file holds exactly one YAML document (a mapping)",
            )
        ]
    builder = _Builder(path)
    builder.doc.data = builder.build(nodes[0], "")
    return builder.doc, builder.diagnostics


def load_yaml_file(path: Path, display: str) -> tuple[SourceDocument | None, list[Diagnostic]]:
    """Read and parse one spec file; unreadable or non-UTF-8 files become diagnostics."""
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        return None, [Diagnostic(Location(display, 1, 1), "io.read", f"cannot read file: {exc}")]
    return load_yaml_text(text, display)
