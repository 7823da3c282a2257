"""The registry's stamping of findings: a stamped finding is the one its constructor builds."""

from __future__ import annotations

import dataclasses

import pytest
from hypothesis import given
from hypothesis import strategies as st

from conformance.checks.registry import OUTCOMES, Finding
from conformance.spec.diagnostics import Location

text = st.text(max_size=20)
findings = st.builds(
    Finding,
    check=text,
    outcome=st.sampled_from(OUTCOMES),
    message=text,
    case_id=text,
    pointer=text,
    rule=text,
    spec_location=st.none() | st.builds(Location, text, st.integers(1, 99), st.integers(1, 99)),
    advisory=st.booleans(),
)


@given(findings, text, text)
def test_a_stamped_finding_equals_the_one_the_constructor_builds(
    finding: Finding, check: str, case_id: str
) -> None:
    stamped = finding.stamped(check, case_id)
    built = dataclasses.replace(finding, check=check, case_id=case_id)
    assert stamped == built and hash(stamped) == hash(built)
    assert stamped.as_dict() == built.as_dict() and stamped.render() == built.render()


def test_a_stamped_finding_stays_frozen() -> None:
    stamped = Finding("", "pass", "ok").stamped("status", "case-1")
    with pytest.raises(dataclasses.FrozenInstanceError):
        stamped.outcome = "fail"  # type: ignore[misc]
    assert stamped.check == "status" and stamped.case_id == "case-1"
