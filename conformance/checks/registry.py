"""The check registry: named, pure functions of (case, exchange) that yield findings.

A check never does I/O and never raises on a bad answer: what it thinks of the answer is a
`Finding` with an outcome, the JSON pointer it looked at, the rule, and the spec line that
declared the rule. Transport failures are turned into `error` findings here, once, so that
individual checks only ever judge real answers.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any, Literal

from conformance.exchange import Exchange
from conformance.plan.case import Case
from conformance.spec.diagnostics import Location

Outcome = Literal["pass", "fail", "blocked", "error", "skipped"]
OUTCOMES: tuple[Outcome, ...] = ("pass", "fail", "blocked", "error", "skipped")
CheckFn = Callable[[Case, Exchange], Iterable["Finding"]]


@dataclass(frozen=True)
class Finding:
    """One verdict of one check on one case. `advisory` passes carry a documented deviation."""

    check: str
    outcome: Outcome
    message: str
    case_id: str = ""
    pointer: str = ""
    rule: str = ""
    spec_location: Location | None = None
    advisory: bool = False

    def as_dict(self) -> dict[str, Any]:
        return {
            "check": self.check,
            "outcome": self.outcome,
            "message": self.message,
            "case": self.case_id,
            "pointer": self.pointer,
            "rule": self.rule,
            "spec": str(self.spec_location) if self.spec_location else None,
            "advisory": self.advisory,
        }

    def stamped(self, check: str, case_id: str) -> Finding:
        """This finding as check `check` said it of case `case_id`. Copied through the instance
        dict: the frozen dataclass's `__init__` sets its eight fields one `object.__setattr__`
        at a time, 1.5 us a finding against 0.6 here, at ~24 findings a case (2% of a 64x
        run's workers). tests/checks/test_registry.py holds it equal to the constructor's."""
        stamped = object.__new__(Finding)
        stamped.__dict__.update(self.__dict__, check=check, case_id=case_id)
        return stamped

    def render(self) -> str:
        where = f" at {self.pointer}" if self.pointer else ""
        spec = f" [{self.spec_location}]" if self.spec_location else ""
        rule = f" ({self.rule})" if self.rule else ""
        return f"{self.check}{rule}{where}: {self.message}{spec}"


REGISTRY: dict[str, CheckFn] = {}


def check(name: str) -> Callable[[CheckFn], CheckFn]:
    """Register a check under `name` (the name findings, filters and reports use)."""

    def register(fn: CheckFn) -> CheckFn:
        if name in REGISTRY:
            raise ValueError(f"check {name!r} registered twice")
        REGISTRY[name] = fn
        return fn

    return register


def run_checks(case: Case, exchange: Exchange, names: Iterable[str] | None = None) -> list[Finding]:
    """Every applicable check's findings, each stamped with the case id."""
    selected = list(names) if names is not None else list(case.checks)
    if exchange.response is None:
        return [
            Finding(name, "error", f"no answer: {exchange.error or 'transport failure'}", case.id)
            for name in selected
        ]
    out: list[Finding] = []
    for name in selected:
        fn = REGISTRY.get(name)
        if fn is None:
            continue
        out.extend(finding.stamped(name, case.id) for finding in fn(case, exchange))
    return out


def passed(message: str, **kw: Any) -> Finding:
    return Finding("", "pass", message, **kw)


def failed(message: str, **kw: Any) -> Finding:
    return Finding("", "fail", message, **kw)


def judged(ok: bool, message: str, *, advisory: bool = False, **kw: Any) -> Finding:
    """pass when ok; else fail, or an advisory pass that says what deviated."""
    if ok:
        return Finding("", "pass", message, **kw)
    if advisory:
        return Finding("", "pass", f"advisory: {message}", advisory=True, **kw)
    return Finding("", "fail", message, **kw)
