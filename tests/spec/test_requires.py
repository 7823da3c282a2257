"""The `requires` rule in the spec format: resolved onto the parameter, and every way to get it
wrong reported by `conformance lint` at the entry, with a hint."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from conformance.cli.main import main
from conformance.spec.model import Spec
from conformance.spec.resolve import check_spec

SPECS = Path(__file__).resolve().parents[2] / "specs"
VERTEX = "providers/vertex.yaml"
RULE = "        requires: {parameters.addWatermark: false}\n"


@pytest.fixture()
def tree(tmp_path: Path) -> Path:
    root = tmp_path / "specs"
    shutil.copytree(SPECS, root)
    return root


def _rewrite(root: Path, new: str) -> tuple[int, int]:
    """Put `new` in place of vertex's seed rule; return its line and the column of the first
    entry's value (where a diagnostic about that entry points)."""
    path = root / VERTEX
    text = path.read_text()
    assert RULE in text
    line = text[: text.index(RULE)].count("\n") + 1
    path.write_text(text.replace(RULE, f"        {new}\n", 1))
    value = new.find(": ", len("requires: ")) + len(": ")
    return line, len("        ") + value + 1


def _found(root: Path) -> list[tuple[str, str, int, int, str]]:
    spec, found = check_spec(root)
    assert spec is None
    return [(d.code, d.location.file, d.location.line, d.location.column, d.hint) for d in found]


def test_vertex_seed_requires_watermark_off(spec: Spec) -> None:
    for provider, _, operation in spec.iter_operations():
        seed = operation.parameter("parameters.seed")
        if provider.id == "vertex" and seed is not None:
            assert seed.requires == (("parameters.addWatermark", False),)
            where = seed.rule_location("requires")
            assert where.file == f"specs/{VERTEX}" and where.line > 1


def test_unknown_parameter_is_reported_at_the_entry_with_a_suggestion(tree: Path) -> None:
    line, column = _rewrite(tree, "requires: {parameters.addWatermarks: false}")
    # one diagnostic, though three models resolve the operation
    assert _found(tree) == [
        (
            "spec.unknown-parameter",
            f"specs/{VERTEX}",
            line,
            column,
            "did you mean 'parameters.addWatermark'? name a parameter of the same operation",
        )
    ]


def test_lint_exits_2_with_file_line_col(tree: Path, capsys: pytest.CaptureFixture[str]) -> None:
    line, column = _rewrite(tree, "requires: {parameters.noSuchThing: false}")
    assert main(["--specs", str(tree), "lint"]) == 2
    err = capsys.readouterr().err
    where = f"specs/{VERTEX}:{line}:{column}"
    assert f"{where}: error[spec.unknown-parameter]" in err
    assert "parameters.seed requires 'parameters.noSuchThing'" in err


@pytest.mark.parametrize(
    ("rule", "message"),
    [
        ('requires: {parameters.addWatermark: "no"}', "not a boolean value"),
        ("requires: {parameters.sampleCount: 9}", "outside its range"),
        ('requires: {parameters.aspectRatio: "2:1"}', "not in its enum"),
        ("requires: {parameters.seed: 1}", "requires itself"),
        ('requires: {instances: "x"}', "not in the same body object"),
    ],
)
def test_a_value_the_parameter_cannot_hold_is_reported(tree: Path, rule: str, message: str) -> None:
    line, _ = _rewrite(tree, rule)
    spec, found = check_spec(tree)
    assert spec is None
    assert [(d.code, d.location.line) for d in found] == [("spec.requires", line)]
    assert message in found[0].message and found[0].hint


@pytest.mark.parametrize(
    "rule", ["requires: {}", "requires: [parameters.addWatermark]", "requires: {a: [false]}"]
)
def test_the_meta_schema_wants_a_mapping_of_scalars(tree: Path, rule: str) -> None:
    _rewrite(tree, rule)
    spec, found = check_spec(tree)
    assert spec is None and found
    assert all(d.location.file == f"specs/{VERTEX}" for d in found)
