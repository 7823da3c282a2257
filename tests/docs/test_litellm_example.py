"""The documented LiteLLM sandwich (docs/examples/litellm) runs and finds what docs/litellm.md
reports. Runs where LiteLLM is installed (`pip install -e '.[litellm]'`, or LITELLM_BIN names
the `litellm` executable); CI installs the extra and runs it (.ci/run)."""

from __future__ import annotations

import importlib.util
import subprocess
import sys
from pathlib import Path
from types import ModuleType

import pytest

REPO = Path(__file__).resolve().parents[2]
DRIVER = REPO / "docs" / "examples" / "litellm" / "sandwich.py"


def _driver() -> ModuleType:
    spec = importlib.util.spec_from_file_location("litellm_sandwich", DRIVER)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_the_litellm_sandwich_finds_the_documented_deviations(tmp_path: Path) -> None:
    driver = _driver()
    if driver.litellm_binary() is None:
        pytest.skip("LiteLLM is not installed (pip install -e '.[litellm]' or set LITELLM_BIN)")
    done = subprocess.run(
        [sys.executable, str(DRIVER), "--out", str(tmp_path)],
        capture_output=True,
        text=True,
        timeout=900,
        check=False,
        cwd=REPO,
    )
    assert done.returncode == 0, done.stdout[-2000:] + done.stderr[-2000:]
    openai = driver.forward_failures(tmp_path / "litellm-openai-images.json")
    native = driver.forward_failures(tmp_path / "litellm-gemini-native.json")
    messages = {(check, message) for check, message in (*openai, *native)}
    assert any(
        c == "forward-params" and "parameters.imageSize is there" in m for c, m in messages
    ), messages
    assert any(c == "forward-added" and "default 4 applies" in m for c, m in messages)
    # LiteLLM adds "model" and "tools": null to :generateContent bodies, which Google (and the
    # relay, reading proto3 JSON) accepts: not a forward-added finding.
    assert not any(c == "forward-added" and "refused" in m for c, m in messages)
    clean = ("forward-key", "forward-route", "forward-signature", "forward-blocked")
    assert not any(c in clean for c, _ in messages), messages
