"""A fuzzer over spec files and cassette files: mutations, truncation, bad bytes, alias and
nesting bombs. Whatever the damage, the CLI answers with a diagnostic or a verdict (a spec:
exit 0 or 2; a replay: 0, 1 or 2, since damaged but readable answers may fail checks), never
an internal error (exit 3), never a hang (runs are killed after a limit, which fails the test)
and in bounded memory (peak RSS of every process under `RSS_BOUND_KB`)."""

from __future__ import annotations

import contextlib
import io
import resource
import shutil
import subprocess
import tempfile
from datetime import timedelta
from pathlib import Path
from typing import Any

import peak_rss
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st

from conformance.cli.main import main

REPO = Path(__file__).resolve().parents[2]
SPECS = REPO / "specs"
CASSETTES = REPO / "cassettes"
SPEC_FILES = sorted(p.relative_to(SPECS).as_posix() for p in SPECS.rglob("*.yaml"))
PROVIDER = "tokaify"
CASSETTE_FILES = sorted(p.name for p in (CASSETTES / PROVIDER).iterdir() if p.is_file())
RSS_BOUND_KB = 1536 * 1024

BOMBS = [
    "x: " + "[" * 1000 + "]" * 1000 + "\n",
    "x: &loop [*loop]\n",
    "a: &a [lol,lol,lol,lol,lol,lol,lol,lol,lol]\n"
    + "".join(
        f"{n}: &{n} [{','.join([f'*{p}'] * 9)}]\n"
        for p, n in zip("abcdefgh", "bcdefghi", strict=True)
    ),
    "".join("  " * i + f"k{i}:\n" for i in range(300)) + "  " * 300 + "v: 1\n",
    "x: 1" + "0" * 400 + "\n",
    "x: 1e400\n",
    "\x00\xff\xfe",
]


def _mutate(data: st.DataObject, original: bytes) -> bytes:
    how = data.draw(st.sampled_from(["truncate", "bytes", "bomb", "splice"]))
    at = data.draw(st.integers(0, len(original)))
    if how == "truncate":
        return original[:at]
    if how == "bytes":
        junk = data.draw(st.binary(min_size=1, max_size=16))
        return original[:at] + junk + original[at + len(junk) :]
    bomb = data.draw(st.sampled_from(BOMBS)).encode("utf-8", "surrogateescape")
    if how == "bomb":
        return original + b"\n" + bomb
    line_start = original.rfind(b"\n", 0, at) + 1
    return original[:line_start] + bomb + original[line_start:]


def _cli(*argv: str) -> tuple[int, str]:
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        code = main(list(argv))
    return code, err.getvalue()


def _assert_bounded() -> None:
    assert resource.getrusage(resource.RUSAGE_SELF).ru_maxrss < RSS_BOUND_KB


def _subprocess(*argv: str, limit: float = 60.0) -> tuple[int, str]:
    """The CLI in a child process (planning uses hypothesis, which cannot nest in a test's
    @given), killed after `limit` seconds; its own peak RSS is held to the bound."""
    with tempfile.TemporaryDirectory() as tmp:
        peak_file = Path(tmp) / "peak"
        with (Path(tmp) / "err").open("w+b") as err:
            proc = subprocess.Popen(
                peak_rss.command(*argv),
                stdout=subprocess.DEVNULL,
                stderr=err,
                env=peak_rss.environment(peak_file),
            )
            try:
                code = proc.wait(timeout=limit)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()
                raise AssertionError(f"hung for {limit:g} s: {argv}") from None
            err.seek(0)
            text = err.read().decode("utf-8", "replace")
        peak = peak_rss.read_peak(peak_file)
    assert 0 < peak < RSS_BOUND_KB * 1024, f"peak RSS {peak} bytes: {argv}"
    return code, text


FUZZ = settings(
    max_examples=15,
    deadline=timedelta(seconds=30),
    database=None,
    phases=(Phase.explicit, Phase.generate),  # shrinking a whole CLI run takes minutes
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)


@FUZZ
@given(data=st.data())
def test_damaged_spec_files_are_diagnostics(tmp_path_factory: Any, data: st.DataObject) -> None:
    root = tmp_path_factory.mktemp("specs")
    shutil.copytree(SPECS, root, dirs_exist_ok=True)
    target = root / data.draw(st.sampled_from(SPEC_FILES))
    target.write_bytes(_mutate(data, target.read_bytes()))
    code, err = _cli("--specs", str(root), "lint")
    assert code in (0, 2), err
    assert "internal error" not in err
    if code == 0:
        code, err = _subprocess("--specs", str(root), "run", "--dry-run", "--provider", PROVIDER)
        assert code in (0, 2), err
    _assert_bounded()


@settings(FUZZ, max_examples=10)
@given(data=st.data())
def test_damaged_cassettes_are_cassette_errors_or_verdicts(
    tmp_path_factory: Any, data: st.DataObject
) -> None:
    root = tmp_path_factory.mktemp("cassettes")
    shutil.copytree(CASSETTES / PROVIDER, root / PROVIDER)
    target = root / PROVIDER / data.draw(st.sampled_from(CASSETTE_FILES))
    target.write_bytes(_mutate(data, target.read_bytes()))
    code, err = _subprocess(
        "--specs", str(SPECS), "run", "--replay", str(root), "--block-network", "--concurrency", "4"
    )
    assert code in (0, 1, 2), f"exit {code}: {err[-1500:]}"
    assert "internal error" not in err
    if code == 2:
        assert str(root) in err  # the diagnostic names the damaged file's directory
    _assert_bounded()
