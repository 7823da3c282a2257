"""Why cases got no verdict: the causes of `error` and `skipped` outcomes, grouped, with a hint.

A CI gate reading only the counts cannot tell "the relay is fine" from "the relay was never
reached"; grouping the causes lets the terminal (and the pytest plugin) say in one line why
186 cases got no answer, and what to try (`is the target up?`).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass

from conformance.checks.registry import Finding, Outcome

#: The exception (or condition) that ends a cause's text -> what the user should look at.
HINTS: dict[str, str] = {
    "ConnectError": "is the target up?",
    "ConnectTimeout": "is the target up and reachable?",
    "ReadTimeout": "the target is slow: raise --timeout",
    "WriteTimeout": "the target stopped reading the request: raise --timeout",
    "PoolTimeout": "too many cases in flight: lower --concurrency",
    "RemoteProtocolError": "the target dropped the connection mid-answer",
    "ReadError": "the connection broke while the answer was read",
    "WriteError": "the connection broke while the request was sent",
    "TooManyRedirects": "the target redirects in a loop",
    "ProxyError": "check the proxy settings (HTTPS_PROXY)",
    "ConnectionRefusedError": "is the target up?",
    "rate limited": "lower --rate or --concurrency",
    "timeout after": "the target is slow: raise --timeout",
}

_NO_ANSWER = "no answer: "


@dataclass(frozen=True)
class Cause:
    """One reason shared by `count` cases, and the hint for it when one is known."""

    reason: str
    count: int
    hint: str | None = None

    def render(self, what: str) -> str:
        """`186 cases got no answer: ConnectError: ... — is the target up?`"""
        noun = "case" if self.count == 1 else "cases"
        hint = f" — {self.hint}" if self.hint else ""
        return f"{self.count} {noun} {what}: {self.reason}{hint}"


def hint_for(reason: str) -> str | None:
    for key, hint in HINTS.items():
        if reason.startswith(key):
            return hint
    return None


def reason_of(findings: Iterable[Finding], outcome: Outcome) -> str | None:
    """The first message among `findings` with `outcome`, without the `no answer:` prefix."""
    for finding in findings:
        if finding.outcome == outcome:
            message = finding.message
            return message[len(_NO_ANSWER) :] if message.startswith(_NO_ANSWER) else message
    return None


def group(reasons: Iterable[str]) -> list[Cause]:
    """Causes, most frequent first (ties in first-seen order)."""
    counts = Counter(reasons)
    order = {reason: i for i, reason in enumerate(counts)}
    ranked = sorted(counts, key=lambda r: (-counts[r], order[r]))
    return [Cause(r, counts[r], hint_for(r)) for r in ranked]
