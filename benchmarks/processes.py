"""Time a command in its own process: wall, CPU and peak RSS of that child alone.

Every end-to-end figure (start-up, scaling, payload overhead, first run) runs the CLI the way a
user does, as a process, never warm and in-process. The child gets SIGINT's default disposition
back: a benchmark started from a background shell inherits SIGINT ignored, and Python then skips
installing its Ctrl-C handler, which hid a defect that only shows with it (asyncio formatting the
whole run result when it restores that handler).

Children also run with bytecode as an installed package has it. `pip install` compiles every
module to `.pyc`; an editable checkout compiles on first import and caches the result, unless
`PYTHONDONTWRITEBYTECODE` is set (it is on some build machines), and then every run compiles
~140 modules again: 0.16 s of a 0.7 s dry run, measured. The package is compiled once before
the first timed child, and the variable is dropped from the children's environment.
"""

from __future__ import annotations

import compileall
import functools
import os
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


@dataclass(frozen=True)
class Timed:
    """One finished child: wall seconds, CPU seconds (user + system), peak RSS in MB."""

    wall: float
    cpu: float
    rss_mb: float
    returncode: int
    stdout: str


def conformance(*args: str) -> list[str]:
    """The `conformance` command as installed beside this interpreter (the console script)."""
    script = Path(sys.executable).with_name("conformance")
    if script.exists():
        return [str(script), *args]
    return [sys.executable, "-m", "conformance.cli.main", *args]


@functools.cache
def compile_package() -> None:
    """Compile the suite's modules to bytecode once, as `pip install` does."""
    compileall.compile_dir(str(ROOT / "conformance"), quiet=1)


def child_environment(extra: Mapping[str, str] | None = None) -> dict[str, str]:
    """This process' environment for a timed child: bytecode caching on, plus `extra`."""
    env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
    return {**env, **(extra or {})}


def _default_sigint() -> None:
    signal.signal(signal.SIGINT, signal.SIG_DFL)


def timed(
    command: Sequence[str],
    *,
    cwd: Path | None = None,
    env: Mapping[str, str] | None = None,
    ok: tuple[int, ...] = (0,),
) -> Timed:
    """Run `command` to its end; raises RuntimeError when it exits with a code not in `ok`."""
    compile_package()
    with tempfile.TemporaryFile("w+") as out, tempfile.TemporaryFile("w+") as err:
        started = time.perf_counter()
        proc = subprocess.Popen(
            list(command),
            cwd=cwd or ROOT,
            env=child_environment(env),
            stdout=out,
            stderr=err,
            text=True,
            preexec_fn=_default_sigint,
        )
        _, status, usage = os.wait4(proc.pid, 0)  # this child's own rusage
        wall = time.perf_counter() - started
        proc.returncode = os.waitstatus_to_exitcode(status)
        out.seek(0)
        err.seek(0)
        stdout, stderr = out.read(), err.read()
    if proc.returncode not in ok:
        raise RuntimeError(
            f"{' '.join(command)} exited {proc.returncode}: {(stderr or stdout).strip()[-400:]}"
        )
    # ru_maxrss is in KiB on Linux.
    return Timed(
        wall, usage.ru_utime + usage.ru_stime, usage.ru_maxrss / 1024, proc.returncode, stdout
    )


def median_of(rounds: int, run: Callable[[], Timed]) -> tuple[Timed, list[Timed]]:
    """Run `rounds` times; the run of median wall time, and all of them."""
    runs = [run() for _ in range(max(1, rounds))]
    middle = statistics.median_low([r.wall for r in runs])
    return next(r for r in runs if r.wall == middle), runs
