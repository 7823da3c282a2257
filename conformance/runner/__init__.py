"""Running a plan: budget and lifecycle selection, concurrent sending, checking, results."""

from conformance.runner.budget import Budget, select
from conformance.runner.engine import execute, run_plan
from conformance.runner.results import CaseResult, RunResult
from conformance.runner.targets import TargetOptions, open_transports

__all__ = [
    "Budget",
    "CaseResult",
    "RunResult",
    "TargetOptions",
    "execute",
    "open_transports",
    "run_plan",
    "select",
]
