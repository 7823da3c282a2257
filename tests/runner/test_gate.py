"""The run's gate: no failure, no `error` (unless tolerated), and some answer make a green run;
causes of errors and skips are grouped with a hint."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from conformance.checks.registry import Finding, Outcome
from conformance.exchange import Exchange, Response
from conformance.plan.case import Case
from conformance.plan.planner import PlanOptions, plan
from conformance.runner.causes import group, hint_for
from conformance.runner.engine import skipped
from conformance.runner.results import CaseResult, RunResult
from conformance.spec.resolve import load_spec

SPEC = load_spec(Path(__file__).resolve().parents[2] / "specs")
PLAN = plan(SPEC, PlanOptions(providers=("tokaify",), max_examples=0))
CASES = PLAN.cases[:6]
ANSWER = Response(200, (), b"{}")


def _result(case: Case, outcome: Outcome) -> CaseResult:
    if outcome == "skipped":
        return skipped(case, "budget: --max-requests 0 reached")
    if outcome == "error":
        exchange = Exchange(case.request, "http://x", None, "ConnectError: refused")
        return CaseResult(
            case, exchange, (Finding("status", "error", "no answer: ConnectError: refused"),)
        )
    exchange = Exchange(case.request, "http://x", ANSWER)
    return CaseResult(case, exchange, (Finding("status", outcome, "judged"),))


def _run(outcomes: list[Outcome]) -> RunResult:
    return RunResult(PLAN, tuple(_result(c, o) for c, o in zip(CASES, outcomes, strict=False)), "t")


outcome_lists = st.lists(
    st.sampled_from(["pass", "fail", "blocked", "error", "skipped"]), min_size=1, max_size=6
)


@given(outcome_lists, st.booleans())
def test_gate_is_green_only_without_failures_errors_and_with_an_answer(
    outcomes: list[Outcome], tolerate: bool
) -> None:
    run = _run(outcomes)
    answered = any(o in ("pass", "fail", "blocked") for o in outcomes)
    expected = "fail" not in outcomes and answered and (tolerate or "error" not in outcomes)
    assert run.gate(tolerate_errors=tolerate) is expected


def test_an_error_makes_the_run_red_unless_tolerated() -> None:
    run = _run(["pass", "pass", "error"])
    assert not run.failed and run.errored
    assert run.gate() is False and run.gate(tolerate_errors=True) is True


def test_no_answer_is_red_even_when_errors_are_tolerated() -> None:
    assert _run(["error", "error"]).gate(tolerate_errors=True) is False
    assert _run(["skipped", "skipped"]).gate(tolerate_errors=True) is False


def test_causes_are_grouped_with_their_hint() -> None:
    run = _run(["error", "error", "skipped", "pass"])
    (errors,) = run.causes("error")
    assert (errors.count, errors.reason, errors.hint) == (
        2,
        "ConnectError: refused",
        "is the target up?",
    )
    assert errors.render("got no answer") == (
        "2 cases got no answer: ConnectError: refused — is the target up?"
    )
    (skips,) = run.causes("skipped")
    assert skips.count == 1 and skips.reason.startswith("budget: --max-requests 0")


@given(st.lists(st.sampled_from(["a", "b", "c", "ReadTimeout: slow"]), max_size=30))
def test_group_counts_every_reason_once_most_frequent_first(reasons: list[str]) -> None:
    causes = group(reasons)
    assert sum(c.count for c in causes) == len(reasons)
    assert sorted(c.reason for c in causes) == sorted(set(reasons))
    assert [c.count for c in causes] == sorted((c.count for c in causes), reverse=True)


@pytest.mark.parametrize(
    ("reason", "hint"),
    [
        ("ConnectError: All connection attempts failed", "is the target up?"),
        ("TooManyRedirects: Exceeded maximum allowed redirects.", "redirects in a loop"),
        ("RemoteProtocolError: peer closed connection", "mid-answer"),
        ("rate limited (429) after 3 retries", "--rate"),
    ],
)
def test_known_causes_get_a_hint(reason: str, hint: str) -> None:
    found = hint_for(reason)
    assert found is not None and hint in found
    assert hint_for("something new") is None
