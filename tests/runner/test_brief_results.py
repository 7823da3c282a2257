"""A `--jobs` worker's brief results: what the parent reads of them says what the whole one does."""

from __future__ import annotations

import sys
from pathlib import Path

from hypothesis import given
from hypothesis import strategies as st

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "report"))
from report_testkit import relay_run, small_plan

from conformance.checks.registry import OUTCOMES, Finding
from conformance.runner.results import BriefResult, CaseResult, RunResult

PLAN = small_plan("tokaify")
CASE = PLAN.cases[0]

findings = st.lists(
    st.builds(
        Finding,
        check=st.sampled_from(["status", "image-count", "error-leak"]),
        outcome=st.sampled_from(OUTCOMES),
        message=st.sampled_from(["ok", "no answer: refused", "budget", "deviates"]),
        advisory=st.booleans(),
    ),
    max_size=8,
)


@given(findings)
def test_a_brief_result_reads_as_the_whole_one(found: list[Finding]) -> None:
    whole = CaseResult(CASE, None, tuple(found))
    brief = BriefResult.of(whole)
    assert brief.outcome == whole.outcome
    assert brief.cause() == whole.cause()
    assert brief.failures() == whole.failures()
    assert [f for f in brief.findings if f.advisory] == [f for f in whole.findings if f.advisory]
    assert [f for f in brief.findings if f.outcome == "skipped"] == [
        f for f in whole.findings if f.outcome == "skipped"
    ]


def test_a_brief_of_a_plain_pass_keeps_no_findings_and_the_run_reads_the_same() -> None:
    run = relay_run(PLAN, thumbnails=False)
    briefs = RunResult(run.plan, tuple(BriefResult.of(r) for r in run.results), run.target)
    assert briefs.counts() == run.counts() and briefs.by_model() == run.by_model()
    assert briefs.gate() == run.gate() and briefs.requests_sent == run.requests_sent
    passes = [b for b in briefs.results if b.outcome == "pass"]
    assert passes and all(not b.findings for b in passes)
