"""Schemathesis, every check on, against each provider's OpenAPI export and the reference relay
(`conformance openapi` + `conformance serve`): zero failures.

The one documented exception: for a wrong Google key Schemathesis expects 401 or 403
(`ignored_auth`), and Google answers 400 INVALID_ARGUMENT with reason API_KEY_INVALID, which is
what the relay copies (specs/providers/google.yaml, `auth.rejections.wrong`, cites the source).
So that check is off for google only; every other check runs for every provider.
"""

from __future__ import annotations

import importlib.util
import json
import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from types import ModuleType

import pytest

from conformance.spec.resolve import load_spec

ROOT = Path(__file__).resolve().parents[2]
KEY = "test-key"
SPEC = load_spec(ROOT / "specs")
#: Checks a provider's documented behaviour contradicts, with the reason.
EXCEPTIONS = {"google": ["ignored_auth"]}  # wrong key: 400 API_KEY_INVALID, as Google answers


def _relay_process() -> ModuleType:
    spec = importlib.util.spec_from_file_location(
        "relay_process", ROOT / "benchmarks" / "relay_process.py"
    )
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="module")
def relay() -> Iterator[str]:
    rp = _relay_process()
    with rp.relay_process(rp.serve_command("--key", KEY, "--log-level", "error")) as (_, base):
        yield base


def _header(provider_id: str) -> str:
    provider = SPEC.provider(provider_id)
    assert provider is not None
    scheme = next(s for s in provider.auth.schemes if s.kind in ("bearer", "header"))
    return f"{scheme.name}: Bearer {KEY}" if scheme.kind == "bearer" else f"{scheme.name}: {KEY}"


@pytest.mark.slow
@pytest.mark.parametrize("provider_id", [p.id for p in SPEC.providers])
def test_schemathesis_finds_nothing_against_the_reference_relay(
    relay: str, provider_id: str, tmp_path: Path
) -> None:
    executable = shutil.which("schemathesis", path=str(Path(sys.executable).parent))
    assert executable is not None, "schemathesis is part of the [test] extra"
    document = tmp_path / "openapi.json"
    subprocess.run(
        [
            sys.executable,
            "-m",
            "conformance.cli.main",
            "--specs",
            str(ROOT / "specs"),
            "openapi",
            "--provider",
            provider_id,
            "--out",
            str(document),
        ],
        check=True,
        capture_output=True,
        timeout=120,
    )
    report = tmp_path / "report.json"
    excluded = [
        arg for check in EXCEPTIONS.get(provider_id, []) for arg in ("--exclude-checks", check)
    ]
    done = subprocess.run(
        [
            executable,
            "run",
            str(document),
            "--url",
            f"{relay}/{provider_id}",
            "--header",
            _header(provider_id),
            "--checks",
            "all",
            *excluded,
            "--max-examples",
            "2",
            "--seed",
            "1",
            "--generation-database",
            "none",
            "--request-timeout",
            "60",
            "--report",
            "json",
            "--report-json-path",
            str(report),
            "--no-color",
        ],
        capture_output=True,
        text=True,
        timeout=600,
        cwd=tmp_path,  # its cache directory goes there, not into the checkout
    )
    data = json.loads(report.read_text(encoding="utf-8"))
    failures = sorted({f"{f['code']} {f['title']}" for f in data.get("failures", [])})
    assert done.returncode == 0 and not failures, (failures, done.stdout[-3000:])
    assert data.get("complete") and not data.get("errors"), data.get("errors")
