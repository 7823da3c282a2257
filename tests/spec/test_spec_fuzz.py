"""Hostile specs: any mutation of a real spec file yields diagnostics, never an exception."""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from conformance.spec.resolve import check_spec

REPO = Path(__file__).resolve().parents[2]
SPECS = REPO / "specs"
FILES = sorted(p.relative_to(SPECS).as_posix() for p in SPECS.rglob("*.yaml"))

SCALARS = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(-5, 10**10),
    st.floats(allow_nan=False),
    st.text(max_size=12),
    st.sampled_from(["1:1", "2K", "enforced", "seed-routescope-imagen"]),
)
VALUES = st.recursive(
    SCALARS,
    lambda inner: (
        st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=8), inner, max_size=3)
    ),
    max_leaves=6,
)


def _paths(node: Any, prefix: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    found = [prefix]
    if isinstance(node, dict):
        for key, value in node.items():
            found += _paths(value, (*prefix, key))
    elif isinstance(node, list):
        for i, value in enumerate(node):
            found += _paths(value, (*prefix, i))
    return found


def _replace(node: Any, path: tuple[Any, ...], value: Any, delete: bool) -> Any:
    if not path:
        return value
    head, rest = path[0], path[1:]
    if not rest and delete:
        if isinstance(node, dict):
            node.pop(head, None)
        elif isinstance(node, list):
            node.pop(head)
        return node
    node[head] = _replace(node[head], rest, value, delete)
    return node


@settings(
    max_examples=25,
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(data=st.data())
def test_mutated_specs_never_crash(tmp_path_factory: Any, data: st.DataObject) -> None:
    root = tmp_path_factory.mktemp("specs")
    shutil.copytree(SPECS, root, dirs_exist_ok=True)
    name = data.draw(st.sampled_from(FILES))
    target = root / name
    original = yaml.safe_load(target.read_text())
    path = data.draw(st.sampled_from(_paths(original)))
    delete = data.draw(st.booleans()) and bool(path)
    mutated = _replace(original, path, data.draw(VALUES), delete)
    target.write_text(yaml.safe_dump(mutated, sort_keys=False))
    spec, diagnostics = check_spec(root)
    assert spec is not None or diagnostics
    for diagnostic in diagnostics:
        assert diagnostic.location.line >= 1 and diagnostic.code


@settings(
    max_examples=12,
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
@given(garbage=st.binary(max_size=300))
def test_garbage_bytes_never_crash(tmp_path_factory: Any, garbage: bytes) -> None:
    root = tmp_path_factory.mktemp("specs")
    shutil.copytree(SPECS, root, dirs_exist_ok=True)
    (root / "providers" / "tokaify.yaml").write_bytes(garbage)
    spec, diagnostics = check_spec(root)
    assert spec is None and diagnostics


@settings(max_examples=150, deadline=None, database=None)
@given(data=st.data())
def test_the_fast_meta_schema_verdict_agrees_with_the_diagnostics(data: st.DataObject) -> None:
    """lint takes its verdict from jsonschema-rs and asks Python jsonschema only on a failure:
    the two must agree on every file, mutated or not, or a broken file would pass unnamed."""
    from conformance.spec import files

    name = data.draw(st.sampled_from(FILES))
    original = yaml.safe_load((SPECS / name).read_text())
    kind = original["kind"]
    if kind == "provider" and "extends" in original:
        kind = files.VARIANT
    path = data.draw(st.sampled_from(_paths(original)))
    delete = data.draw(st.booleans()) and bool(path)
    mutated = _replace(original, path, data.draw(VALUES), delete)
    fast = files._fast_validator(kind).is_valid(mutated)
    slow = next(iter(files._validator(kind).iter_errors(mutated)), None) is None
    assert fast == slow
