"""Shared fixtures: the committed spec tree, loaded once per session."""

from __future__ import annotations

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


# Encoded images go to a cache of this session, not the user's (conformance.images.disk_cache).
os.environ.setdefault("CONFORMANCE_IMAGE_CACHE", tempfile.mkdtemp(prefix="conformance-images-"))
