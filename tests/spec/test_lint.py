"""Broken specs: `conformance lint` reports every problem at once, with code, line and column."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from conformance.cli.main import main
from conformance.spec.resolve import check_spec

REPO = Path(__file__).resolve().parents[2]
SPECS = REPO / "specs"


@pytest.fixture()
def tree(tmp_path: Path) -> Path:
    root = tmp_path / "specs"
    shutil.copytree(SPECS, root)
    return root


def edit(root: Path, rel: str, old: str, new: str) -> int:
    """Replace `old` (must occur) in one spec file; return the 1-based line it starts on."""
    path = root / rel
    text = path.read_text()
    assert old in text, f"{old!r} not in {rel}"
    line = text[: text.index(old)].count("\n") + 1
    path.write_text(text.replace(old, new, 1))
    return line


def diagnostics(root: Path) -> list[tuple[str, str, int, int]]:
    spec, found = check_spec(root)
    assert spec is None
    return [(d.code, d.location.file, d.location.line, d.location.column) for d in found]


def test_committed_specs_lint_clean(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["--specs", str(SPECS), "lint"]) == 0
    assert "ok: 7 providers, 21 models, 22 operations" in capsys.readouterr().out


def test_unquoted_ratio(tree: Path) -> None:
    line = edit(tree, "providers/apiframe.yaml", 'default: "1:1"', "default: 1:1")
    assert diagnostics(tree) == [("yaml.coercion", "specs/providers/apiframe.yaml", line, 18)]


def test_duplicate_key(tree: Path) -> None:
    line = edit(tree, "providers/tokaify.yaml", "title: Tokaify\n", "title: Tokaify\ntitle: T2\n")
    assert diagnostics(tree) == [
        ("yaml.duplicate-key", "specs/providers/tokaify.yaml", line + 1, 1)
    ]


def test_misspelled_key_is_unknown(tree: Path) -> None:
    line = edit(
        tree,
        "providers/aimlapi.yaml",
        "        default: 1\n        minimum: 1",
        "        default: 1\n        minimun: 1",
    )
    assert diagnostics(tree) == [("spec.unknown-key", "specs/providers/aimlapi.yaml", line + 1, 9)]


def test_default_outside_enum_points_at_the_default(tree: Path) -> None:
    line = edit(tree, "providers/apiframe.yaml", "default: jpg", "default: gif")
    assert diagnostics(tree) == [("spec.default", "specs/providers/apiframe.yaml", line, 18)]


def test_unknown_source(tree: Path) -> None:
    line = edit(
        tree,
        "providers/tokaify.yaml",
        'ref: seed-tokaify-imagen, section: "Path',
        'ref: seed-tokaify-imagn, section: "Path',
    )
    found = diagnostics(tree)
    assert [(c, f, ln) for c, f, ln, _ in found] == [
        ("spec.unknown-source", "specs/providers/tokaify.yaml", line)
    ]


def test_unknown_family_and_model(tree: Path) -> None:
    fam = edit(tree, "providers/aimlapi.yaml", "family: openai-images", "family: openai-image")
    mod = edit(
        tree, "providers/tokaify.yaml", "upstream: imagen-4.0-generate-001", "upstream: imagen-9"
    )
    found = {(c, f, ln) for c, f, ln, _ in diagnostics(tree)}
    assert ("spec.unknown-family", "specs/providers/aimlapi.yaml", fam) in found
    assert ("spec.unknown-model", "specs/providers/tokaify.yaml", mod) in found


def test_every_problem_is_reported_at_once(tree: Path) -> None:
    edit(tree, "providers/apiframe.yaml", 'default: "1:1"', "default: 1:1")
    edit(tree, "providers/tokaify.yaml", "title: Tokaify\n", "title: Tokaify\ntitle: T2\n")
    edit(
        tree,
        "providers/aimlapi.yaml",
        "default: block_medium_and_above",
        "default: block_everything",
    )
    codes = sorted(c for c, _, _, _ in diagnostics(tree))
    assert codes == ["spec.default", "yaml.coercion", "yaml.duplicate-key"]


def test_syntax_error_does_not_cascade(tree: Path) -> None:
    line = edit(tree, "families/openai-images.yaml", "    method: POST", "    method: [POST")
    found = diagnostics(tree)
    assert [c for c, _, _, _ in found] == ["yaml.syntax"]
    assert found[0][1] == "specs/families/openai-images.yaml" and found[0][2] >= line


def test_lint_cli_exit_2_and_compiler_style_output(
    tree: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    line = edit(tree, "providers/apiframe.yaml", 'default: "1:1"', "default: 1:1")
    assert main(["--specs", str(tree), "lint"]) == 2
    err = capsys.readouterr().err
    assert f"specs/providers/apiframe.yaml:{line}:18: error[yaml.coercion]:" in err
    assert "  at /operations/images.generate/parameters/imagenParams.aspect_ratio/default" in err
    assert "  hint: quote it: '1:1'" in err
    assert "Traceback" not in err


def test_lint_json_output(tree: Path, capsys: pytest.CaptureFixture[str]) -> None:
    import json

    edit(tree, "providers/apiframe.yaml", "default: jpg", "default: gif")
    assert main(["--specs", str(tree), "lint", "--json"]) == 2
    (item,) = json.loads(capsys.readouterr().out)
    assert item["code"] == "spec.default" and item["file"] == "specs/providers/apiframe.yaml"


def test_missing_spec_dir_is_a_usage_error(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["--specs", str(tmp_path / "nope"), "lint"]) == 2
    assert "does not exist" in capsys.readouterr().err


def test_non_mapping_file(tree: Path) -> None:
    (tree / "providers" / "junk.yaml").write_text("- just\n- a list\n")
    assert [c for c, _, _, _ in diagnostics(tree)] == ["spec.kind"]
