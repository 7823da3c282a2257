"""The YAML loader: source map, YAML 1.1 coercions and duplicate keys as errors, never a crash."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

from conformance.spec import source
from conformance.spec.source import load_yaml_file, load_yaml_text

SPECS = Path(__file__).resolve().parents[2] / "specs"


@pytest.fixture(autouse=True, params=["python", "libyaml"])
def loader(request: pytest.FixtureRequest) -> Iterator[None]:
    """Every test here holds under both YAML parsers (the CLI uses libyaml's when present)."""
    chosen = yaml.SafeLoader if request.param == "python" else yaml.CSafeLoader
    previous, source._LOADER = source._LOADER, chosen
    try:
        yield
    finally:
        source._LOADER = previous


@pytest.mark.parametrize("path", sorted(SPECS.rglob("*.yaml")), ids=lambda p: p.name)
def test_both_parsers_read_the_committed_specs_alike(path: Path) -> None:
    read = []
    for chosen in (yaml.SafeLoader, yaml.CSafeLoader):
        source._LOADER = chosen
        doc, diagnostics = load_yaml_file(path, path.name)
        assert doc is not None and diagnostics == []
        read.append((doc.data, doc.values, doc.keys))
    assert read[0] == read[1]


def codes(text: str) -> list[tuple[str, int, int]]:
    _, diagnostics = load_yaml_text(text, "t.yaml")
    return [(d.code, d.location.line, d.location.column) for d in diagnostics]


def test_values_and_keys_are_located() -> None:
    doc, diagnostics = load_yaml_text("a:\n  b: [1, 'x']\n  c: {d: true}\n", "t.yaml")
    assert not diagnostics and doc is not None
    assert doc.data == {"a": {"b": [1, "x"], "c": {"d": True}}}
    assert (doc.values["/a/b/1"].line, doc.values["/a/b/1"].column) == (2, 10)
    assert (doc.keys["/a/c"].line, doc.keys["/a/c"].column) == (3, 3)
    assert doc.location("/a/c/d/missing").line == 3


def test_unquoted_ratio_is_a_coercion_error() -> None:
    assert codes("ratios: [1:1, '16:9']\n") == [("yaml.coercion", 1, 10)]


def test_yaml11_booleans_and_dates_are_errors_but_true_false_are_not() -> None:
    assert codes("a: on\nb: no\nc: 2026-08-20\nd: true\ne: False\n") == [
        ("yaml.coercion", 1, 4),
        ("yaml.coercion", 2, 4),
        ("yaml.coercion", 3, 4),
    ]


def test_coerced_values_are_kept_as_the_string_written() -> None:
    doc, _ = load_yaml_text("a: 16:9\nb: yes\n", "t.yaml")
    assert doc is not None and doc.data == {"a": "16:9", "b": "yes"}


def test_octal_looking_integers_are_errors() -> None:
    assert codes("a: 0755\nb: 12\n") == [("yaml.coercion", 1, 4)]


def test_duplicate_key_points_at_the_second_occurrence() -> None:
    _, diagnostics = load_yaml_text("a: 1\nb: 2\na: 3\n", "t.yaml")
    assert [(d.code, d.location.line, d.location.column) for d in diagnostics] == [
        ("yaml.duplicate-key", 3, 1)
    ]
    assert "first defined at line 1" in diagnostics[0].message


def test_syntax_error_has_a_position() -> None:
    assert codes("a: [1, 2\nb: 3\n") == [("yaml.syntax", 2, 2)]


def test_empty_and_multi_document_files_are_errors() -> None:
    assert codes("") == [("yaml.document", 1, 1)]
    assert codes("a: 1\n---\nb: 2\n") == [("yaml.document", 1, 1)]


def test_merge_keys_are_refused() -> None:
    assert [c for c, _, _ in codes("x: &x {a: 1}\ny:\n  <<: *x\n  b: 2\n")] == ["yaml.merge-key"]


@settings(max_examples=300, deadline=None)
@given(st.text(max_size=200))
def test_arbitrary_text_never_raises(text: str) -> None:
    doc, diagnostics = load_yaml_text(text, "fuzz.yaml")
    assert doc is not None or diagnostics
