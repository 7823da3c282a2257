"""`conformance docs` writes deterministic pages, and `--check` catches every kind of drift."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from conformance.cli.main import main
from conformance.docs.emit import MARKER, check_docs
from conformance.docs.render import render_pages
from conformance.spec.model import Spec
from conformance.spec.resolve import load_spec


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def test_rendering_is_deterministic(repo_root: Path, pages: dict[str, str]) -> None:
    again = render_pages(load_spec(repo_root / "specs"))
    assert list(again) == list(pages)
    assert again == pages


def test_pages_are_tidy_markdown(pages: dict[str, str]) -> None:
    for path, text in pages.items():
        assert text.startswith("<!-- " + MARKER), path
        assert text.endswith("\n") and not text.endswith("\n\n"), path
        assert "\n\n\n" not in text, path
        assert all(line == line.rstrip() for line in text.splitlines()), path
        for line in text.splitlines():
            if line.startswith("|"):
                assert line.endswith("|"), (path, line)


def test_committed_docs_are_fresh(repo_root: Path, spec: Spec) -> None:
    stale = check_docs(spec, repo_root / "docs" / "params")
    assert stale.fresh, f"run `conformance docs` and commit: {stale}"


def test_check_exit_codes(
    repo_root: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    specs = str(repo_root / "specs")
    out = tmp_path / "params"
    code, _, err = run(capsys, "--specs", specs, "docs", "--check", "--out", str(out))
    assert code == 1
    assert "missing: " in err and "index.md" in err

    code, stdout, _ = run(capsys, "--specs", specs, "docs", "--out", str(out))
    assert code == 0 and "wrote" in stdout
    code, stdout, _ = run(capsys, "--specs", specs, "docs", "--check", "--out", str(out))
    assert code == 0 and "up to date" in stdout

    page = out / "tokaify" / "imagen-4.0-generate-001.md"
    page.write_text(page.read_text("utf-8").replace("`4`", "`2`"), "utf-8")
    code, _, err = run(capsys, "--specs", specs, "docs", "--check", "--out", str(out))
    assert code == 1
    assert f"stale: {page}" in err

    code, _, _ = run(capsys, "--specs", specs, "docs", "--out", str(out))
    assert code == 0
    extra = out / "tokaify" / "old-model.md"
    extra.write_text("<!-- " + MARKER + ". -->\n# gone\n", "utf-8")
    code, _, err = run(capsys, "--specs", specs, "docs", "--check", "--out", str(out))
    assert code == 1
    assert f"not generated: {extra}" in err


def test_write_removes_only_stale_generated_pages(
    repo_root: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    specs = str(repo_root / "specs")
    out = tmp_path / "docs" / "params"
    guide = tmp_path / "docs" / "guide.md"
    guide.parent.mkdir(parents=True)
    guide.write_text("# hand-written\n", "utf-8")
    stale = out / "gone" / "model.md"
    stale.parent.mkdir(parents=True)
    stale.write_text("<!-- " + MARKER + ". -->\n", "utf-8")
    stray = out / "notes.md"
    stray.write_text("# someone's notes\n", "utf-8")

    code, _, err = run(capsys, "--specs", specs, "docs", "--out", str(out))
    assert code == 0
    assert not stale.exists() and not stale.parent.exists()
    assert stray.exists() and f"{stray} was not generated" in err
    assert guide.read_text("utf-8") == "# hand-written\n"

    before = {p: p.stat().st_mtime_ns for p in out.rglob("*.md")}
    code, stdout, _ = run(capsys, "--specs", specs, "docs", "--out", str(out))
    assert code == 0 and "already up to date" in stdout
    assert {p: p.stat().st_mtime_ns for p in out.rglob("*.md")} == before


def test_default_output_is_beside_the_spec_tree(
    repo_root: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    shutil.copytree(repo_root / "specs", tmp_path / "project" / "specs")
    code, _, _ = run(capsys, "--specs", str(tmp_path / "project" / "specs"), "docs")
    assert code == 0
    assert (tmp_path / "project" / "docs" / "params" / "index.md").is_file()


def test_spec_errors_exit_2(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = run(capsys, "--specs", str(tmp_path / "nope"), "docs", "--check")
    assert code == 2
    assert "does not exist" in err
