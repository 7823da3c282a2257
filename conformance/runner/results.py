"""Results of a run: each case with its exchange and findings, and the outcome they add up to.

A case fails when any finding failed; otherwise it is `error` (transport trouble), `blocked`
(content policy) or `skipped` (budget, lifecycle) when any finding says so, and `pass` only when
every finding passed. Blocked, error and skipped never count as passes or as failures; but a
run is only green when every case got a usable answer (`gate`): an `error` outcome (no answer)
fails the gate unless errors are tolerated explicitly, and a run in which no case got an
answer is never green.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from functools import cached_property

from conformance.checks.registry import OUTCOMES, Finding, Outcome
from conformance.exchange import Exchange
from conformance.images.thumbnail import ImageSummary
from conformance.plan.case import Case
from conformance.plan.planner import Plan
from conformance.runner.causes import Cause, group, reason_of

_PRECEDENCE: tuple[Outcome, ...] = ("fail", "error", "blocked", "skipped")


@dataclass(frozen=True)
class CaseResult:
    case: Case
    exchange: Exchange | None
    findings: tuple[Finding, ...]
    #: Measured facts (and, for an HTML report, thumbnails) of every returned image.
    images: tuple[ImageSummary, ...] = ()

    @cached_property  # asked ~12 times per case by the summary and the reports
    def outcome(self) -> Outcome:
        seen = {f.outcome for f in self.findings}
        for outcome in _PRECEDENCE:
            if outcome in seen:
                return outcome
        return "pass"

    def failures(self) -> tuple[Finding, ...]:
        return tuple(f for f in self.findings if f.outcome == "fail")

    @property
    def answered(self) -> bool:
        """True when the case got an HTTP answer (whatever its verdict)."""
        return self.exchange is not None and self.exchange.response is not None

    @property
    def requests_sent(self) -> int:
        return self.exchange.requests_sent if self.exchange is not None else 0

    @property
    def retry_count(self) -> int:
        return len(self.exchange.retries) if self.exchange is not None else 0

    def cause(self) -> str | None:
        """Why the case is `error` or `skipped` (None for the other outcomes)."""
        outcome = self.outcome
        if outcome not in ("error", "skipped"):
            return None
        return reason_of(self.findings, outcome) or outcome


#: Where a `--jobs` worker wrote a case's JSON report entry: (worker number, byte offset,
#: length) in that worker's spool file (`report/json_spool.py`).
EntryPlace = tuple[int, int, int]


@dataclass(frozen=True)
class BriefResult(CaseResult):
    """A case's result as a `--jobs` worker hands it over when no report needs its exchange.

    The exchange is most of a result's pickle (at 1x 3.5 of 5 MB; the findings 1.1, the case
    0.6); the terminal summary, the gate and the JSON report's head read only whether it got an
    answer and its request and retry counts, kept here. Of the findings, it keeps those the
    parent reads (the summary's failures, causes and advisory count): every finding that did not
    pass, and advisory passes; a plain pass says nothing its absence does not (the outcome is
    the same), and those were two thirds of a brief's pickle (at 1x 1.0 of 1.5 MB). The JSON
    report's entry, when one is asked for, was encoded by the worker from the whole result
    (`entry`); every other report needs the whole result, and such runs send that
    (`cli/run_jobs.py`)."""

    got_answer: bool = False
    sent: int = 0
    retried: int = 0
    entry: EntryPlace | None = None

    @classmethod
    def of(cls, result: CaseResult, entry: EntryPlace | None = None) -> BriefResult:
        return cls(
            result.case,
            None,
            tuple(f for f in result.findings if f.outcome != "pass" or f.advisory),
            (),
            result.answered,
            result.requests_sent,
            result.retry_count,
            entry,
        )

    @property
    def answered(self) -> bool:
        return self.got_answer

    @property
    def requests_sent(self) -> int:
        return self.sent

    @property
    def retry_count(self) -> int:
        return self.retried


@dataclass(frozen=True)
class RunResult:
    plan: Plan
    results: tuple[CaseResult, ...]
    target: str
    wall: float = 0.0
    notes: tuple[str, ...] = field(default=())

    @cached_property
    def _tally(self) -> tuple[Counter[str], int]:
        """(outcome counts, cases answered), read in one pass: the summary, the verdict, the
        gate and the exit code each ask (at 64x the providers, 75,968 results a pass)."""
        counts: Counter[str] = Counter()
        answered = 0
        for result in self.results:
            counts[result.outcome] += 1
            answered += result.answered
        return counts, answered

    @property
    def failed(self) -> bool:
        return self._tally[0]["fail"] > 0

    @property
    def errored(self) -> bool:
        return self._tally[0]["error"] > 0

    @property
    def answered(self) -> int:
        """How many cases got an HTTP answer at all."""
        return self._tally[1]

    def gate(self, *, tolerate_errors: bool = False) -> bool:
        """True when the run is green: no failure, no error (unless tolerated), some answer."""
        if self.failed or self.answered == 0:
            return False
        return tolerate_errors or not self.errored

    def causes(self, outcome: str) -> list[Cause]:
        """The reasons of the `error` (or `skipped`) cases, grouped, most frequent first."""
        return group(c for r in self.results if r.outcome == outcome and (c := r.cause()))

    def counts(self) -> Counter[str]:
        return Counter(self._tally[0])

    def by_model(self) -> dict[tuple[str, str], Counter[str]]:
        """provider x model -> outcome counts, in plan order."""
        out: dict[tuple[str, str], Counter[str]] = {}
        for result in self.results:
            key = (result.case.provider.id, result.case.model.id)
            row = out.get(key)
            if row is None:  # not setdefault: that built a Counter per result (0.4 s at 16x)
                row = out[key] = Counter({o: 0 for o in OUTCOMES})
            row[result.outcome] += 1
        return out

    @property
    def requests_sent(self) -> int:
        return sum(r.requests_sent for r in self.results)

    @property
    def retries(self) -> int:
        return sum(r.retry_count for r in self.results)
