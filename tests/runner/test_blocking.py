"""The run result must never be formatted when asyncio restores its Ctrl-C handler."""

from __future__ import annotations

import asyncio
import pathlib
import signal
from collections.abc import Iterator

import pytest

from conformance.runner.blocking import run_sync


class _Large:
    """Stands for a run result with every body: counts how often anything formats it."""

    def __init__(self) -> None:
        self.formatted = 0

    def __repr__(self) -> str:
        self.formatted += 1
        return "x" * 1_000_000


@pytest.fixture
def default_sigint() -> Iterator[None]:
    """The defect only shows with SIGINT's default handler (not under a background shell)."""
    previous = signal.signal(signal.SIGINT, signal.default_int_handler)
    try:
        yield
    finally:
        signal.signal(signal.SIGINT, previous)


async def _produce(value: _Large) -> _Large:
    await asyncio.sleep(0)
    return value


def test_asyncio_run_formats_a_returned_result(default_sigint: None) -> None:
    # The defect the helper exists for: if this stops holding, run_sync may go.
    value = _Large()
    assert asyncio.run(_produce(value)) is value
    assert value.formatted > 0


def test_run_sync_returns_the_value_without_formatting_it(default_sigint: None) -> None:
    value = _Large()
    assert run_sync(_produce(value)) is value
    assert value.formatted == 0


def test_run_sync_propagates_errors(default_sigint: None) -> None:
    async def fail() -> None:
        raise ValueError("boom")

    with pytest.raises(ValueError, match="boom"):
        run_sync(fail())


def test_no_module_returns_a_value_through_asyncio_run() -> None:
    root = pathlib.Path(__file__).resolve().parents[2] / "conformance"
    offenders = [
        str(path.relative_to(root))
        for path in root.rglob("*.py")
        if "asyncio.run(" in path.read_text() and path.name != "blocking.py"
    ]
    assert offenders == []
