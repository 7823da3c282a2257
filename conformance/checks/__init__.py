"""Named checks of an answer against the spec; importing the package registers every family."""

from conformance.checks import (  # noqa: F401 - imported to register the checks
    answers,
    auth,
    content_type,
    defaults,
    envelope,
    errors,
    forward,
    forward_answers,
    images,
    jobs,
    leaks,
    shape,
    status,
)
from conformance.checks.registry import OUTCOMES, REGISTRY, Finding, Outcome, check, run_checks

__all__ = ["OUTCOMES", "REGISTRY", "Finding", "Outcome", "check", "run_checks"]
