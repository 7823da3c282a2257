"""Run the conformance CLI in a child process and learn its own peak RSS.

`os.wait4`'s `ru_maxrss` is no good here: Linux carries the high-water mark of the memory the
child had before `exec` (the forking test worker's, shared), so a test would measure pytest.
The child's `VmHWM` in /proc is its own address space's peak, read by the child itself on exit
(written to the file named by `$PEAK_RSS_FILE`).
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

WRAPPER = """
import atexit, os, sys
def _peak():
    for line in open("/proc/self/status"):
        if line.startswith("VmHWM:"):
            open(os.environ["PEAK_RSS_FILE"], "w").write(str(int(line.split()[1]) * 1024))
atexit.register(_peak)
from conformance.cli.main import main
sys.exit(main(sys.argv[1:]))
"""


def command(*argv: str) -> list[str]:
    """The argv that runs `conformance ARGV...` and records its peak RSS."""
    return [sys.executable, "-c", WRAPPER, *argv]


def read_peak(path: Path) -> int:
    """Bytes the child peaked at (0 if it died before telling: a kill, which the caller sees)."""
    try:
        return int(path.read_text())
    except (OSError, ValueError):
        return 0


def environment(path: Path) -> dict[str, str]:
    return {**os.environ, "PEAK_RSS_FILE": str(path)}
