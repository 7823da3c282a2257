"""`conformance run --upstream URL`: the sandwich run's plan and its upstream side.

Kept out of `run.py`: that command only asks this module for the sandwiched plan and for the
`attach` hook the runner calls after each case (see `conformance.runner.sandwich`).
"""

from __future__ import annotations

import argparse
import os
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import TYPE_CHECKING

from conformance.cli.common import UsageError
from conformance.plan.planner import Plan
from conformance.spec.model import Spec

if TYPE_CHECKING:
    from conformance.runner.engine import Attach
    from conformance.runner.sandwich import Marked
    from conformance.runner.targets import TargetOptions

# conformance.runner.sandwich is imported only by the runs that name --upstream or --check: it
# brings the relay's journal and control types, hence the whole relay and Starlette (~30 ms of
# every other run's start-up).


def plan_checks(args: argparse.Namespace) -> tuple[str, ...]:
    """The --check selection the planner sees: forwarding checks are added after planning, so a
    selection of only those plans every case (and the sandwich keeps only the selected ones)."""
    if not args.check:
        return ()
    from conformance.runner.sandwich import FORWARD

    ordinary = tuple(c for c in args.check if not c.startswith(FORWARD))
    if args.upstream is not None and args.check and not ordinary:
        return ()
    return tuple(args.check)


def prepare(spec: Spec, the_plan: Plan, args: argparse.Namespace) -> tuple[Plan, dict[str, Marked]]:
    """The plan with markers and forwarding checks (unchanged without --upstream)."""
    if args.upstream is None:
        return the_plan, {}
    from conformance.runner.sandwich import sandwich_plan

    return sandwich_plan(the_plan, spec, args.upstream_provider, tuple(args.check))


def _client_key(spec: Spec, args: argparse.Namespace, target: TargetOptions) -> str | None:
    provider = spec.provider(args.provider[0]) if args.provider else None
    env = target.api_key_env or (provider.auth.key_env if provider else None)
    return os.environ.get(env) if env else None


@asynccontextmanager
async def attach_hook(
    spec: Spec, args: argparse.Namespace, target: TargetOptions, marks: dict[str, Marked]
) -> AsyncIterator[Attach | None]:
    """The runner's `attach` for a sandwich run; None without --upstream."""
    if args.upstream is None:
        yield None
        return
    from conformance.runner.sandwich import SandwichError, open_sandwich

    try:
        async with open_sandwich(
            args.upstream,
            spec,
            marks,
            args.upstream_provider,
            _client_key(spec, args, target),
            timeout=min(target.timeout, 60.0),
            key_mode=args.upstream_key,
        ) as sandwich:
            yield sandwich.attach
    except SandwichError as exc:
        raise UsageError(f"--upstream {args.upstream}: {exc}") from None
