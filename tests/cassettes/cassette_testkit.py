"""Helpers for the cassette tests: running `conformance run` in-process, reading its JSON report,
comparing findings, and a reference relay on a loopback port for recordings of a "live" target.

A uniquely named module rather than conftest.py: test directories have no __init__.py, so
`from conftest import ...` would pick whichever conftest was imported first in a full run."""

from __future__ import annotations

import json
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from loopback import serving

from conformance.cli.main import main
from conformance.server import RelayOptions, create_app
from conformance.spec.model import Spec

ROOT = Path(__file__).resolve().parents[2]
SPECS = ROOT / "specs"
CASSETTES = ROOT / "cassettes"
# Imagen over :predict (base64), Gemini 3 Pro (4K tiers), Apiframe's async job with URL images.
SMALL = [
    "--provider",
    "tokaify",
    "--provider",
    "routescope",
    "--provider",
    "apiframe",
    "--model",
    "imagen-4.0-generate-001",
    "--model",
    "gemini-3-pro-image-preview",
    "--model",
    "imagen-4",
    "--max-examples",
    "1",
]


def run(args: list[str], report: Path | None = None, specs: Path = SPECS) -> tuple[int, Any]:
    """`conformance --specs SPECS run ARGS [--json REPORT]`: exit code and the parsed report."""
    extra = ["--json", str(report)] if report is not None else []
    code = main(["--specs", str(specs), "run", *args, *extra])
    parsed = json.loads(report.read_text()) if report is not None and report.exists() else None
    return code, parsed


def findings(report: Any) -> dict[str, tuple[str, list[tuple[Any, ...]]]]:
    """case id -> (outcome, every finding as (check, outcome, message, pointer, rule, spec))."""
    return {
        case["id"]: (
            case["outcome"],
            [
                (f["check"], f["outcome"], f["message"], f["pointer"], f["rule"], f["spec"])
                for f in case["findings"]
            ],
        )
        for case in report["cases"]
    }


def files_under(root: Path) -> list[Path]:
    return sorted(p for p in root.rglob("*") if p.is_file())


@contextmanager
def loopback_relay(spec: Spec, key: str) -> Iterator[str]:
    """The reference relay over HTTP on 127.0.0.1, accepting `key`; yields its base URL."""
    with serving(create_app(spec, RelayOptions(keys=(key,)))) as base:
        yield base
