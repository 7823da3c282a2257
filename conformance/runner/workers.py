"""`--jobs N`: worker processes that each plan and run their part of a run's operations.

The workers are forked from the parent once the spec is loaded and the options checked, so they
start in milliseconds with the spec, the imports and the environment (API keys included) the
parent has; nothing is serialised to start them. Each worker talks to the parent over its own
pipe, in messages pickled by `portable.Codec`: first `planned` (its cases per operation and its
coverage), then `results` in batches as its cases finish, then `done`; or `usage` (an option the
target refuses, e.g. a missing key variable) or `failed` (anything else it raised, redacted).
A worker that dies without `done` (killed, out of memory, a crash) ends with the cause the
parent reads off its exit status; `gather` turns its unfinished cases into `error` results.

Workers ignore SIGINT: Ctrl-C reaches the parent, which stops every worker (`Pool.stop`) and
lets the interrupt end the run as a single-process run's does.
"""

from __future__ import annotations

import gc
import multiprocessing
import multiprocessing.connection
import os
import signal
import sys
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

from conformance.plan.planner import Coverage
from conformance.runner.portable import Codec
from conformance.runner.results import CaseResult

#: A worker sends its finished cases at least this often, and at most this many at once, so the
#: parent's progress stays live and unpickles while the workers run.
BATCH_SECONDS = 0.2
BATCH_RESULTS = 256


class WorkerUsageError(Exception):
    """A worker met a usage error (the target refuses the options); the run ends with it."""


def _nothing() -> None:
    pass


class Outbox:
    """A worker's end of its pipe: what it planned, its results in batches, its end."""

    def __init__(self, conn: multiprocessing.connection.Connection, codec: Codec) -> None:
        self._conn, self._codec = conn, codec
        self._batch: list[tuple[int, CaseResult]] = []
        self._sent = time.monotonic()
        #: Called before each batch of results goes out: what the results name elsewhere (a
        #: spooled report entry) must be written by then (`report/json_spool.py`).
        self.before_results: Callable[[], None] = _nothing

    def _send(self, message: tuple[Any, ...]) -> None:
        self._conn.send_bytes(self._codec.dumps(message))

    def planned(self, counts: Sequence[int], coverage: Sequence[Coverage]) -> None:
        self._send(("planned", tuple(counts), tuple(coverage)))

    def result(self, position: int, result: CaseResult) -> None:
        self._batch.append((position, result))
        now = time.monotonic()
        if len(self._batch) >= BATCH_RESULTS or now - self._sent >= BATCH_SECONDS:
            self.flush(now)

    def flush(self, now: float | None = None) -> None:
        if self._batch:
            self.before_results()
            self._send(("results", self._batch))
            self._batch = []
        self._sent = time.monotonic() if now is None else now

    def done(self, wall: float) -> None:
        self.flush()
        self._send(("done", wall))

    def usage(self, message: str) -> None:
        self._send(("usage", message))

    def failed(self, text: str) -> None:
        self.flush()
        self._send(("failed", text))


#: What a worker runs: its number (0-based), its operations, and the outbox to report to. It
#: returns normally after `done`, `usage` or `failed`; anything it raises is a crash.
Work = Callable[[int, tuple[int, ...], Outbox], None]


@dataclass
class Worker:
    """The parent's view of one worker."""

    number: int
    operations: tuple[int, ...]
    process: Any = None
    conn: multiprocessing.connection.Connection | None = None
    counts: tuple[int, ...] | None = None
    coverage: tuple[Coverage, ...] = ()
    results: dict[int, CaseResult] = field(default_factory=dict)
    wall: float = 0.0
    done: bool = False
    #: Why the worker ended without finishing (None while running and after `done`).
    cause: str | None = None

    @property
    def ended(self) -> bool:
        return self.conn is None

    @property
    def planned(self) -> bool:
        return self.counts is not None or self.ended


def _child(work: Work, worker: Worker, conn: Any, codec: Codec) -> None:
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    # Forked inside the parent's `collector.paused()` (its unpickled results are acyclic), a
    # worker would inherit the collector off; but planning (hypothesis) and sending (asyncio,
    # httpx) leave cyclic garbage only the collector frees: at 64x the providers each worker
    # grew to 1.3 GB without it, 0.5 GB with it, in the same time.
    gc.enable()
    outbox = Outbox(conn, codec)
    try:
        work(worker.number, worker.operations, outbox)
    finally:
        conn.close()


def _exit_cause(code: int | None) -> str:
    if code is None:
        return "it stopped answering"
    if code < 0:
        try:
            name = signal.Signals(-code).name
        except ValueError:
            name = f"signal {-code}"
        return f"it was killed by {name}"
    return f"it exited with status {code}"


class Pool:
    """The worker processes of one run, started together, read until every one has ended."""

    def __init__(self, parts: Sequence[Sequence[int]], work: Work, codec: Codec) -> None:
        self.workers = [Worker(n, tuple(ops)) for n, ops in enumerate(parts)]
        self._work, self._codec = work, codec
        self.progress: Callable[[CaseResult], None] | None = None
        self._unreported: list[CaseResult] = []

    def start(self) -> None:
        context = multiprocessing.get_context("fork")
        sys.stdout.flush()  # a forked child must not write the parent's buffered output again
        sys.stderr.flush()
        for worker in self.workers:
            receive, send = context.Pipe(duplex=False)
            process = context.Process(
                target=_child,
                args=(self._work, worker, send, self._codec),
                name=f"conformance-worker-{worker.number + 1}",
                daemon=True,
            )
            process.start()
            send.close()
            worker.process, worker.conn = process, receive

    def wait_planned(self) -> None:
        """Read until every worker has said what it planned (or ended)."""
        while not all(w.planned for w in self.workers):
            self._read()

    def wait_done(self, progress: Callable[[CaseResult], None] | None) -> None:
        """Read until every worker has ended, showing each result to `progress` once (those
        that arrived before, too)."""
        self.progress = progress
        if progress is not None:
            for result in self._unreported:
                progress(result)
        self._unreported = []
        while not all(w.ended for w in self.workers):
            self._read()

    def _read(self) -> None:
        open_conns = {w.conn: w for w in self.workers if w.conn is not None}
        for conn in multiprocessing.connection.wait(list(open_conns)):
            worker = open_conns[conn]  # type: ignore[index]
            try:
                data = worker.conn.recv_bytes()  # type: ignore[union-attr]
            except (EOFError, OSError):
                self._end(worker)
                continue
            self._handle(worker, self._codec.loads(data))
            if worker.done:  # its results are all here: not waiting for it to free its memory
                self._end(worker, wait=False)

    def _handle(self, worker: Worker, message: tuple[Any, ...]) -> None:
        kind = message[0]
        if kind == "planned":
            worker.counts, worker.coverage = message[1], message[2]
        elif kind == "results":
            for position, result in message[1]:
                worker.results[position] = result
                if self.progress is not None:
                    self.progress(result)
                else:
                    self._unreported.append(result)
        elif kind == "done":
            worker.wall, worker.done = message[1], True
        elif kind == "usage":
            raise WorkerUsageError(message[1])
        elif kind == "failed":
            worker.cause = f"it failed: {message[1]}"

    def _end(self, worker: Worker, *, wait: bool = True) -> None:
        assert worker.conn is not None
        worker.conn.close()
        worker.conn = None
        if not wait:  # `stop` ends it (at 16x the providers a worker took 0.3 s to free its heap)
            return
        worker.process.join(timeout=5)
        if worker.process.is_alive():
            worker.process.kill()
            worker.process.join()
        code = worker.process.exitcode
        if not worker.done and worker.cause is None:
            worker.cause = _exit_cause(code)

    def stop(self) -> None:
        """Stop every worker still running (Ctrl-C, a usage error, the parent failing)."""
        for worker in self.workers:
            if worker.process is not None and worker.process.is_alive():
                os.kill(worker.process.pid, signal.SIGTERM)
        for worker in self.workers:
            if worker.conn is not None:
                worker.conn.close()
                worker.conn = None
            if worker.process is not None:
                worker.process.join(timeout=5)
                if worker.process.is_alive():
                    worker.process.kill()
                    worker.process.join()
