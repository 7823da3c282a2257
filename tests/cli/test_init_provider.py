"""`conformance init-provider NAME --extends P`: a skeleton that lints and resolves as written."""

from __future__ import annotations

from pathlib import Path

import pytest

from conformance.cli.main import main
from conformance.spec.resolve import check_layers
from conformance.spec.trees import spec_roots


@pytest.fixture
def here(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.chdir(tmp_path)
    return tmp_path


@pytest.mark.parametrize("parent", ["routescope", "aimlapi", "apiframe", "google", "tokaify"])
def test_the_skeleton_is_a_working_variant(here: Path, parent: str) -> None:
    assert main(["init-provider", "my-relay", "--extends", parent]) == 0
    written = here / "specs" / "providers" / "my-relay.yaml"
    text = written.read_text()
    assert f"extends: {parent}" in text and "key_env: MY_RELAY_API_KEY" in text
    spec, diagnostics = check_layers(spec_roots(["specs"]))
    assert spec is not None, [d.render() for d in diagnostics]
    mine, theirs = spec.provider("my-relay"), spec.provider(parent)
    assert [m.id for m in mine.models] == [m.id for m in theirs.models]
    assert mine.auth.key_env == "MY_RELAY_API_KEY" and mine.auth.schemes == theirs.auth.schemes


def test_refuses_to_overwrite_or_guess(here: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["init-provider", "mine", "--extends", "routescope"]) == 0
    assert main(["init-provider", "mine", "--extends", "routescope"]) == 2
    assert "exists; pass --force" in capsys.readouterr().err
    assert main(["init-provider", "mine", "--extends", "routescope", "--force"]) == 0
    assert main(["init-provider", "other", "--extends", "nobody"]) == 2
    assert "unknown provider 'nobody'" in capsys.readouterr().err
    assert main(["init-provider", "Bad_Name", "--extends", "routescope"]) == 2
    assert main(["init-provider", "google", "--extends", "routescope"]) == 2
    assert "already exists" in capsys.readouterr().err
