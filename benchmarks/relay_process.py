"""Run the reference relay as a child process for a benchmark, on a free loopback port.

Three benchmarks measure against a relay in its own process (concurrency, relay load, fault
detection); this is the one way they start it, wait for it and always stop it, so that a relay
that fails to start or to answer is an error of the benchmark, never a silent zero.
"""

from __future__ import annotations

import contextlib
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
from processes import child_environment, compile_package

ROOT = Path(__file__).resolve().parents[1]
READY = "conformance relay listening on "


def serve_command(*args: str) -> list[str]:
    """`conformance serve` on 127.0.0.1 with a free port, plus `args`.

    The journal is off (`--journal 0`): it exists for sandwich runs, and the figures here compare
    the suite against a relay that only answers.
    """
    return [
        sys.executable,
        "-m",
        "conformance.cli.main",
        "--specs",
        str(ROOT / "specs"),
        "serve",
        "--host",
        "127.0.0.1",
        "--port",
        "0",
        "--journal",
        "0",
        *args,
    ]


def wait_ready(base: str, seconds: float = 30.0) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        with contextlib.suppress(httpx.TransportError):
            if httpx.get(f"{base}/_relay/health", timeout=2.0).status_code == 200:
                return
        time.sleep(0.05)
    raise RuntimeError(f"the relay at {base} never answered its health check")


@contextlib.contextmanager
def relay_process(command: list[str]) -> Iterator[tuple[subprocess.Popen[str], str]]:
    """Start `command` (a relay that prints READY + its base URL), yield (process, base URL)."""
    compile_package()
    proc = subprocess.Popen(command, stdout=subprocess.PIPE, text=True, env=child_environment())
    try:
        assert proc.stdout is not None
        first = proc.stdout.readline()
        if not first.startswith(READY):
            raise RuntimeError(f"the relay did not start: {first!r}")
        base = first.split()[-1]
        wait_ready(base)
        yield proc, base
    finally:
        if proc.poll() is None:
            proc.send_signal(signal.SIGINT)
            try:
                proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()
        if proc.stdout is not None:
            proc.stdout.close()
