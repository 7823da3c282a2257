"""An item's verdict over all its cases: a failure, or no usable answer, or nothing judged.

An item passes only when its checks judged something and nothing failed. Cases that got no
answer (connection refused, timeout, rate limited) and answers its checks had nothing to say
about (a 501 HTML page for the `shape` family) make the item fail with one readable line —
grouped like the CLI's causes — rather than a green that hides an unreachable target.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

from conformance.checks.registry import Finding
from conformance.exchange import Exchange
from conformance.runner.causes import group, reason_of


class NoVerdict(AssertionError):
    """The item judged nothing: the one line says why."""


@dataclass
class Tally:
    """Findings of one item's cases, as they come."""

    judged: int = 0
    cases: int = 0
    no_answer: list[str] = field(default_factory=list)
    answers: Counter[str] = field(default_factory=Counter)

    def add(self, exchange: Exchange | None, findings: list[Finding]) -> None:
        self.cases += 1
        if exchange is not None and exchange.response is not None:
            response = exchange.response
            self.answers[f"{response.status} {response.media_type or 'no content type'}"] += 1
        self.judged += sum(1 for f in findings if f.outcome in ("pass", "fail", "blocked"))
        reason = reason_of(findings, "error")
        if reason is not None:
            self.no_answer.append(reason)

    @property
    def unreachable(self) -> bool:
        """True once a case got no answer: further cases would only repeat the cause."""
        return bool(self.no_answer)

    def problem(self) -> str | None:
        """The one-line reason the item cannot pass, or None."""
        if self.no_answer:
            top = group(self.no_answer)[0]
            hint = f" — {top.hint}" if top.hint else ""
            return f"no usable answer: {top.reason}{hint}"
        if self.cases and not self.judged:
            seen = ", ".join(f"{n}x {answer}" for answer, n in self.answers.most_common(3))
            return f"nothing to judge: the checks found nothing to look at in {seen or 'no answer'}"
        return None

    def verdict(self) -> None:
        problem = self.problem()
        if problem is not None:
            raise NoVerdict(problem)
