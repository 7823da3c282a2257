"""The explored requests are the same however the suite is installed.

Hypothesis mixes literals from "local" modules (outside site-packages) into its draws; without
`strategies._without_local_constants` a checkout and a wheel explore different requests from the
same seed, and the committed cassettes go stale in CI. The recorded draws of the built-in specs
(`plan/recorded_draws.py`) are switched off here: the point is what hypothesis draws live.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]

DIGEST = """
import argparse, hashlib, json
import conformance
from conformance.cli.common import load_or_report
from conformance.plan import recorded_draws
from conformance.plan.planner import PlanOptions, plan
recorded_draws.lookup = lambda key: None
spec = load_or_report(argparse.Namespace(specs=[]))
cases = [c for c in plan(spec, PlanOptions()).cases if c.kind == "explore"]
print(conformance.__file__)
bodies = json.dumps([c.request.body_json() for c in cases]).encode()
print(len(cases), hashlib.sha256(bodies).hexdigest())
"""


def _digest(cwd: Path, pythonpath: str | None) -> tuple[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PYTEST", "PYTHON"))}
    if pythonpath:
        env["PYTHONPATH"] = pythonpath
    done = subprocess.run(
        [sys.executable, "-c", DIGEST],
        cwd=cwd,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    where, digest = done.stdout.strip().splitlines()[-2:]
    return where, digest


def test_a_checkout_and_an_installed_copy_explore_the_same_requests(tmp_path: Path) -> None:
    site = tmp_path / "lib" / "site-packages"
    ignore = shutil.ignore_patterns("__pycache__", "*.pyc")
    shutil.copytree(ROOT / "conformance", site / "conformance", ignore=ignore)
    shutil.copytree(ROOT / "specs", site / "conformance" / "builtin_specs", ignore=ignore)
    installed_at, installed = _digest(tmp_path, str(site))
    checkout_at, checkout = _digest(ROOT, None)
    assert "/site-packages/" in installed_at and "/site-packages/" not in checkout_at
    assert installed == checkout
