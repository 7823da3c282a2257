"""The asynchronous job store behind Apiframe-style submit-then-poll operations.

A submit creates a job holding everything needed to finish it later; each poll advances it one
step through the family's non-terminal states until it completes (or never does, under the
stuck-job fault). Jobs live in memory, bounded: beyond the cap the oldest are forgotten (a poll
then gets 404), which is what keeps a long load test flat in memory.
"""

from __future__ import annotations

import secrets
import threading
from collections import OrderedDict
from dataclasses import dataclass, field

from conformance.server.generation import Generation
from conformance.spec.model import JobSpec, Model, Operation, Provider


@dataclass
class Job:
    """One submitted job. `files` holds the served file names once it has completed."""

    id: str
    provider: Provider
    model: Model
    operation: Operation
    generation: Generation
    polls: int = 0
    files: list[str] | None = None
    finished: str | None = None

    @property
    def spec(self) -> JobSpec:
        assert self.operation.job is not None
        return self.operation.job


@dataclass
class JobStore:
    """Jobs by id, bounded (oldest evicted first)."""

    max_jobs: int = 10_000
    _jobs: OrderedDict[str, Job] = field(default_factory=OrderedDict)
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def create(
        self, provider: Provider, model: Model, operation: Operation, generation: Generation
    ) -> Job:
        job = Job(secrets.token_hex(16), provider, model, operation, generation)
        with self._lock:
            self._jobs[job.id] = job
            while len(self._jobs) > self.max_jobs:
                self._jobs.popitem(last=False)
        return job

    def get(self, provider: Provider, job_id: str) -> Job | None:
        """The job, if it exists and was submitted to this provider."""
        with self._lock:
            job = self._jobs.get(job_id)
        return job if job is not None and job.provider is provider else None

    def __len__(self) -> int:
        return len(self._jobs)


def non_terminal(spec: JobSpec) -> tuple[str, ...]:
    """The job states a client sees before the end, in the spec's order."""
    return tuple(s for s in spec.states if s not in spec.terminal)


def advance(job: Job, steps: int, stuck: bool) -> str:
    """Count one poll and return the state it shows.

    Polls 1..`steps` show non-terminal states, ending on the last one (PENDING ... PROCESSING);
    poll `steps` + 1 and every later one show the success state. Under the stuck-job fault
    every poll shows the last non-terminal state.
    """
    job.polls += 1
    waiting = non_terminal(job.spec) or (job.spec.states[0],)
    if stuck:
        return waiting[-1]
    if job.finished is None and job.polls <= steps:
        return waiting[max(0, len(waiting) - 1 - (steps - job.polls))]
    job.finished = job.spec.success
    return job.finished
