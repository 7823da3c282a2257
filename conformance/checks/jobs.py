"""Async job lifecycle: the submit answer carries an id, polled states are documented and never
go backwards, a terminal state comes within the timeout, and a completed job has images."""

from __future__ import annotations

import itertools
from collections.abc import Iterator

from conformance.checks.common import find, images, json_of
from conformance.checks.registry import Finding, check, failed, judged, passed
from conformance.exchange import Exchange
from conformance.plan.case import Case


@check("job-lifecycle")
def job_lifecycle(case: Case, exchange: Exchange) -> Iterator[Finding]:
    job = case.operation.job
    response = exchange.response
    if job is None or response is None or not 200 <= response.status < 300:
        return
    where = case.operation.declared_at
    ids = find(json_of(response), job.id_pointer)
    if not ids or not isinstance(ids[0][1], str) or not ids[0][1]:
        yield failed(
            "submit answer carries no job id",
            pointer=job.id_pointer,
            rule="job-id",
            spec_location=where,
        )
        return
    yield passed(f"job id {ids[0][1]}", pointer=job.id_pointer, rule="job-id", spec_location=where)
    states: list[str] = []
    for step in exchange.polls:
        found = find(json_of(step.response), job.status_pointer)
        if found and isinstance(found[0][1], str):
            states.append(found[0][1])
    unknown = [s for s in states if s not in job.states]
    if unknown:
        yield failed(
            f"undocumented job state(s): {', '.join(sorted(set(unknown)))}",
            pointer=job.status_pointer,
            rule="job-state",
            spec_location=where,
        )
    order = [job.states.index(s) for s in states if s in job.states]
    monotonic = all(a <= b for a, b in itertools.pairwise(order))
    yield judged(
        monotonic,
        "job states: " + " -> ".join(states or ["(none)"]),
        pointer=job.status_pointer,
        rule="monotonic",
        spec_location=where,
    )
    terminal = bool(states) and states[-1] in job.terminal
    stopped = _stopped(exchange)
    if stopped is not None and not terminal:
        yield failed(
            f"job {ids[0][1]} {stopped}",
            pointer=job.id_pointer,
            rule="terminal",
            spec_location=where,
        )
        return
    if not terminal or exchange.job_terminal is False:
        last = states[-1] if states else "(no poll answered)"
        yield failed(
            f"job not terminal within the timeout: last state {last} after {len(states)} poll(s)",
            pointer=job.status_pointer,
            rule="terminal",
            spec_location=where,
        )
        return
    if states[-1] == job.success:
        count = len(images(case, exchange) or [])
        yield judged(
            count > 0,
            f"{job.success} with {count} image(s)",
            rule="result-images",
            spec_location=where,
        )
    else:
        yield failed(f"job ended {states[-1]}", rule="terminal", spec_location=where)


def _stopped(exchange: Exchange) -> str | None:
    """Why polling ended before a terminal state, when the last poll says so."""
    if not exchange.polls:
        return None
    last, n = exchange.polls[-1], len(exchange.polls)
    if last.response is None:
        return f"could not be polled: poll {n} got no answer ({last.error or 'transport failure'})"
    if last.response.status == 404:
        return f"never found: poll {n} answered 404 for the id the submit answer gave"
    if last.response.status >= 400:
        return f"could not be polled: poll {n} answered {last.response.status}"
    return None
