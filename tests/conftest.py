"""Shared fixtures: the committed spec tree, loaded once per session."""

from __future__ import annotations

import json
import os
import tempfile
from pathlib import Path

import pytest

from conformance.spec.model import Spec
from conformance.spec.resolve import load_spec

REPO = Path(__file__).resolve().parents[1]
SPECS = REPO / "specs"
SCHEMAS = REPO / "schemas"
UPSTREAM_SAMPLES = REPO.parent / "shared" / "upstream-samples"


@pytest.fixture(scope="session")
def spec() -> Spec:
    return load_spec(SPECS)


@pytest.hookimpl(trylast=True)
def pytest_runtest_teardown(item: pytest.Item) -> None:
    """Every JSON report a test wrote into its tmp_path must match schemas/report.schema.json."""
    tmp = getattr(item, "funcargs", {}).get("tmp_path")
    if not isinstance(tmp, Path) or not tmp.is_dir():
        return
    check_reports_in(tmp)


def check_reports_in(folder: Path) -> int:
    """Validate every conformance JSON report under `folder`; returns how many there were."""
    from conformance.report.json_report import schema_errors
    from conformance.report.model import FORMAT

    seen = 0
    for path in sorted(folder.rglob("*.json")):
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
        except (ValueError, UnicodeDecodeError):
            continue
        if not isinstance(data, dict) or data.get("format") != FORMAT:
            continue
        seen += 1
        errors = schema_errors(data)
        assert not errors, f"{path} breaks schemas/report.schema.json: {errors[:5]}"
    return seen


# Encoded images go to a cache of this session, not the user's (conformance.images.disk_cache).
os.environ.setdefault("CONFORMANCE_IMAGE_CACHE", tempfile.mkdtemp(prefix="conformance-images-"))
