"""Fixtures for the generated parameter docs: the repository's spec and its rendered pages."""

from __future__ import annotations

from pathlib import Path

import pytest

from conformance.docs.render import render_pages
from conformance.spec.model import Spec
from conformance.spec.resolve import load_spec

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="session")
def repo_root() -> Path:
    return ROOT


@pytest.fixture(scope="session")
def spec() -> Spec:
    return load_spec(ROOT / "specs")


@pytest.fixture(scope="session")
def pages(spec: Spec) -> dict[str, str]:
    return render_pages(spec)
