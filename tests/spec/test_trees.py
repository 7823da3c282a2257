"""Spec trees laid over the built-in one, and provider variants (`extends:`)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from conformance.spec.extends import merge_documents
from conformance.spec.resolve import check_layers
from conformance.spec.source import SourceDocument, load_yaml_text, pointer_join
from conformance.spec.trees import builtin_specs_dir, spec_roots

REPO = Path(__file__).resolve().parents[2]

VARIANT = """\
kind: provider
id: myrelay
extends: routescope
title: My Relay
base_url: https://relay.example.com
auth:
  key_env: MYRELAY_API_KEY
operations:
  predict:
    parameters:
      parameters.sampleCount: {minimum: 2}
models:
  - id: imagen-4.0-generate-001
  - id: gemini-2.5-flash-image
    lifecycle:
      - status: deprecated
        scope: myrelay
        date: "2026-12-01"
        source: {ref: seed-routescope-gemini}
"""


def tree(root: Path, files: dict[str, str]) -> Path:
    for rel, text in files.items():
        (root / rel).parent.mkdir(parents=True, exist_ok=True)
        (root / rel).write_text(text)
    return root


def layered(*trees: Path) -> Any:
    spec, diagnostics = check_layers(spec_roots(trees))
    return spec, diagnostics


def test_the_builtin_tree_is_the_checkouts_specs() -> None:
    """In a checkout (editable install) it is `specs/` itself; installed (as CI installs it),
    the packaged copy holds the same files."""
    builtin = builtin_specs_dir()
    if builtin == REPO / "specs":
        return
    assert builtin.name == "builtin_specs"

    def files(root: Path) -> dict[str, bytes]:
        return {str(p.relative_to(root)): p.read_bytes() for p in root.rglob("*.yaml")}

    assert files(builtin) == files(REPO / "specs")


def test_a_tree_named_twice_counts_once() -> None:
    builtin = builtin_specs_dir()
    assert spec_roots([builtin, "x", "x"]) == [builtin, Path("x")]


def test_a_variant_inherits_and_overrides(tmp_path: Path) -> None:
    mine = tree(tmp_path / "mine", {"providers/myrelay.yaml": VARIANT})
    spec, diagnostics = layered(mine)
    assert spec is not None, [d.render() for d in diagnostics]
    relay, parent = spec.provider("myrelay"), spec.provider("routescope")
    assert (relay.title, relay.base_url, relay.auth.key_env) == (
        "My Relay",
        "https://relay.example.com",
        "MYRELAY_API_KEY",
    )
    assert relay.auth.schemes == parent.auth.schemes
    assert relay.auth.missing == parent.auth.missing
    assert relay.conflicts and [c.topic for c in relay.conflicts] == [
        c.topic for c in parent.conflicts
    ]
    assert [m.id for m in relay.models] == ["imagen-4.0-generate-001", "gemini-2.5-flash-image"]
    imagen, gemini = relay.models
    count = imagen.operations[0].by_concept("image_count")
    assert count is not None and count.minimum == 2
    parent_count = parent.model("imagen-4.0-generate-001").operations[0].by_concept("image_count")
    assert parent_count is not None and count.maximum == parent_count.maximum
    assert parent_count.minimum == 1
    assert count.description == parent_count.description
    assert imagen.status == "ga" and "routescope.yaml" in imagen.status_origin
    assert gemini.status == "deprecated" and "mine/providers/myrelay.yaml" in gemini.status_origin


def test_a_one_provider_tree_uses_the_builtin_catalogues(tmp_path: Path) -> None:
    text = (REPO / "specs/providers/tokaify.yaml").read_text().replace("id: tokaify", "id: mine")
    mine = tree(tmp_path / "mine", {"providers/mine.yaml": text})
    spec, diagnostics = layered(mine)
    assert spec is not None, [d.render() for d in diagnostics]
    assert spec.provider("mine").envelope == spec.provider("tokaify").envelope


def test_later_trees_win_by_id(tmp_path: Path) -> None:
    google = (REPO / "specs/providers/google.yaml").read_text()
    first = tree(tmp_path / "first", {"p/google.yaml": google.replace("title: ", "title: One ")})
    second = tree(
        tmp_path / "second",
        {
            "providers/google.yaml": google.replace("title: ", "title: Two "),
            "sources.yaml": "kind: sources\nsources:\n"
            "  assumed: {title: Mine, document: x, as_of: '2026-01-01'}\n",
        },
    )
    spec, diagnostics = layered(first, second)
    assert spec is not None, [d.render() for d in diagnostics]
    assert spec.provider("google").title.startswith("Two ")
    assert spec.sources["assumed"].title == "Mine"
    assert len(spec.sources) > 1  # the other built-in sources stay
    spec, _ = layered(second, first)
    assert spec is not None and spec.provider("google").title.startswith("One ")


def test_diagnostics_name_the_file_of_the_user_tree(tmp_path: Path) -> None:
    mine = tree(
        tmp_path / "mine",
        {"providers/myrelay.yaml": VARIANT.replace("title: My Relay", "titel: My Relay")},
    )
    spec, diagnostics = layered(mine)
    assert spec is None
    assert [(d.code, d.location.file, d.location.line) for d in diagnostics] == [
        ("spec.unknown-key", "mine/providers/myrelay.yaml", 4)
    ]
    assert "did you mean 'title'?" in diagnostics[0].hint


@pytest.mark.parametrize(
    ("extends", "code", "hint"),
    [
        ("routescop", "spec.unknown-provider", "did you mean 'routescope'?"),
        ("myrelay", "spec.extends-cycle", "does not extend it back"),
    ],
)
def test_bad_parents(tmp_path: Path, extends: str, code: str, hint: str) -> None:
    mine = tree(
        tmp_path / "mine",
        {"providers/myrelay.yaml": VARIANT.replace("extends: routescope", f"extends: {extends}")},
    )
    spec, diagnostics = layered(mine)
    assert spec is None
    assert [(d.code, d.location.file, d.location.line) for d in diagnostics] == [
        (code, "mine/providers/myrelay.yaml", 3)
    ]
    assert hint in diagnostics[0].hint


def test_an_inherited_error_names_the_parents_file(tmp_path: Path) -> None:
    """A variant that breaks an inherited fact: the merged file still points at real lines."""
    mine = tree(
        tmp_path / "mine",
        {"providers/myrelay.yaml": VARIANT.replace("{minimum: 2}", "{maximum: 0, minimum: 0}")},
    )
    spec, diagnostics = layered(mine)
    assert spec is None
    assert [(d.code, d.location.file) for d in diagnostics] == [
        ("spec.default", "specs/families/gemini-predict.yaml")  # where the default is written
    ]
    assert "above its maximum 0" in diagnostics[0].message


def test_a_bad_source_ref_is_reported_once_with_the_closest_name(tmp_path: Path) -> None:
    """It used to be reported once per model using the family, plus 3 knock-on errors."""
    import shutil

    root = tmp_path / "specs"
    shutil.copytree(REPO / "specs", root)
    family = root / "families/gemini-predict.yaml"
    text = family.read_text()
    needle = 'source: {ref: upstream-imagen, section: "parameters.sampleCount"}'
    assert needle in text
    family.write_text(text.replace(needle, needle.replace("upstream-imagen", "upstream-imagn")))
    spec, diagnostics = check_layers([root])
    assert spec is None
    assert [d.code for d in diagnostics] == ["spec.unknown-source"]
    assert diagnostics[0].hint.startswith("did you mean 'upstream-imagen'?")


# -- the merge itself ------------------------------------------------------------------------

_keys = st.sampled_from(["a", "b", "c", "d"])
_leaves = st.one_of(st.integers(0, 9), st.text("xyz", max_size=2))
_trees = st.recursive(
    st.dictionaries(_keys, _leaves, max_size=3),
    lambda inner: st.dictionaries(_keys, st.one_of(_leaves, inner), max_size=3),
    max_leaves=12,
)


def _doc(data: dict[str, Any], path: str) -> SourceDocument:
    doc, problems = load_yaml_text(json.dumps(data, indent=1), path)
    assert doc is not None and not problems
    return doc


def _leaves_of(data: Any, at: str = "") -> dict[str, Any]:
    if isinstance(data, dict) and data:
        out: dict[str, Any] = {}
        for key, value in data.items():
            out.update(_leaves_of(value, pointer_join(at, key)))
        return out
    return {at: data}


@given(_trees, _trees)
def test_merge_takes_the_variants_value_and_location_else_the_parents(
    parent_data: dict[str, Any], variant_data: dict[str, Any]
) -> None:
    parent, variant = _doc(parent_data, "parent.yaml"), _doc(variant_data, "variant.yaml")
    merged = merge_documents(parent, variant)
    p_leaves, v_leaves = _leaves_of(parent_data), _leaves_of(variant_data)
    for pointer, value in _leaves_of(merged.data).items():
        if pointer in v_leaves:
            assert value == v_leaves[pointer]
            assert merged.location(pointer) == variant.location(pointer)
        else:
            assert value == p_leaves[pointer]
            assert merged.location(pointer) == parent.location(pointer)
    for pointer, value in v_leaves.items():  # nothing the variant states is lost
        assert pointer == "" or _leaves_of(merged.data).get(pointer, value) == value
