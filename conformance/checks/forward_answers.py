"""Forwarding checks of the way back: what the relay did with what upstream answered.

In a sandwich run some cases script the upstream (`conformance.server.scripts`) or trigger a
content-policy outcome there, then judge the answer the client got:

- `forward-signature`: `thoughtSignature` and the other native fields of every part upstream
  sent survive byte for byte.
- `forward-blocked`: a block upstream stays a block in the provider's blocked form (a rule of
  its spec: finishReason, promptFeedback, raiFilteredReason ...; a 4xx only when upstream's
  block was itself a 4xx refusal), not a 5xx, not a refusal the provider does not document and
  not a silent empty success.
- `forward-error`: an upstream error reaches the client with the right status in the
  provider's error envelope (a 429 keeps its retry delay, as RetryInfo or Retry-After).
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from conformance import triggers
from conformance.checks.common import blocked, find, json_of
from conformance.checks.fields import canonical
from conformance.checks.forward import with_last_entry
from conformance.checks.registry import Finding, check, failed, judged, passed
from conformance.exchange import Exchange, JournalEntry, Upstream
from conformance.plan.case import Case
from conformance.schema.validate import validator_for
from conformance.spec.model import Operation

_PARTS = "/candidates/*/content/parts/*"
SIGNATURE = "thoughtSignature"


@check("forward-signature")
@with_last_entry
def signature(
    case: Case, exchange: Exchange, upstream: Upstream, entry: JournalEntry
) -> Iterator[Finding]:
    ok, sent = entry.parsed_response
    theirs = find(sent, _PARTS) if ok else []
    signed = [(p, part) for p, part in theirs if isinstance(part, dict) and SIGNATURE in part]
    if not signed:
        yield Finding("", "skipped", "upstream sent no part with a thoughtSignature")
        return
    mine = dict(find(json_of(exchange.response), _PARTS))
    for pointer, part in signed:
        got = mine.get(pointer)
        if not isinstance(got, dict):
            yield failed(f"the part upstream sent at {pointer} is missing", pointer=pointer)
            continue
        got_signature = got.get(SIGNATURE, got.get("thought_signature"))
        if got_signature != part[SIGNATURE]:
            yield failed(
                f"thoughtSignature changed or dropped: upstream sent {len(part[SIGNATURE])} "
                f"characters, the client got {got_signature!r:.40}",
                pointer=f"{pointer}/{SIGNATURE}",
                rule="signature",
            )
            continue
        lost = _lost_fields(part, got)
        yield judged(
            not lost,
            f"signature kept byte for byte; native fields lost or changed: {', '.join(lost)}"
            if lost
            else "signature and native part fields kept byte for byte",
            pointer=pointer,
            rule="native-fields",
        )


def _lost_fields(theirs: dict[str, Any], mine: dict[str, Any]) -> list[str]:
    ours = canonical(mine)
    out = []
    for name, value in canonical(theirs).items():
        if ours.get(name) != value:
            out.append(name)
    return sorted(out)


@check("forward-blocked")
@with_last_entry
def stays_blocked(
    case: Case, exchange: Exchange, upstream: Upstream, entry: JournalEntry
) -> Iterator[Finding]:
    if not _upstream_blocked(upstream.operation, entry):
        yield Finding(
            "", "skipped", f"upstream did not block (it answered {entry.status}); nothing to keep"
        )
        return
    response = exchange.response
    assert response is not None
    outcome = blocked(case, exchange)
    if outcome is not None:
        yield passed(f"still a block: {outcome}", rule="blocked")
    elif 400 <= response.status < 500 and 400 <= entry.status < 500:
        yield passed(
            f"the {entry.status} refusal upstream reached the client as a {response.status}",
            rule="blocked",
        )
    elif 400 <= response.status < 500:
        rules = ", ".join(r.pointer for r in case.operation.response.blocked) or "none"
        yield failed(
            f"upstream blocked in a {entry.status} answer but the client got a {response.status} "
            f"refusal, not {case.provider.id}'s blocked form (blocked answers carry: {rules})",
            rule="blocked",
        )
    elif response.status >= 500:
        yield failed(f"the block upstream became a {response.status}", rule="blocked")
    else:
        yield failed(
            f"upstream blocked (answered {entry.status}) but the client got a {response.status} "
            "that reports no block (a silent empty success)",
            rule="blocked",
        )


def _upstream_blocked(operation: Operation | None, entry: JournalEntry) -> bool:
    """Whether upstream's answer is a content-policy block (a rule of its spec, or Imagen's 400
    for a blocked prompt)."""
    ok, body = entry.parsed_response
    if not ok:
        return False
    if operation is not None:
        for rule in operation.response.blocked:
            for _, value in find(body, rule.pointer):
                if rule.values is None or value in rule.values:
                    return True
    # Imagen refuses a blocked prompt with a plain 400; the reference upstream does so exactly
    # when the prompt that reached it carries the block trigger.
    return entry.status == 400 and triggers.BLOCK_PROMPT.encode() in entry.body


def _retry_delay(body: Any) -> bool:
    return any(isinstance(d, dict) and "retryDelay" in d for _, d in find(body, "/error/details/*"))


@check("forward-error")
@with_last_entry
def upstream_error(
    case: Case, exchange: Exchange, upstream: Upstream, entry: JournalEntry
) -> Iterator[Finding]:
    response = exchange.response
    assert response is not None
    want = entry.status
    if want < 400:
        yield Finding("", "skipped", f"upstream answered {want}, not an error")
        return
    right = response.status == want or (want >= 500 and response.status >= 500)
    yield judged(
        right,
        f"upstream answered {want}; the client got {response.status}",
        rule="status",
    )
    validator = validator_for(case.provider, case.model, case.operation, "error")
    ok, body = response.parsed
    if validator is not None:
        violations = validator.violations(body) if ok else []
        yield judged(
            ok and not violations,
            f"the error is in the {case.provider.envelope.id} envelope"
            if ok and not violations
            else f"the error is not in the {case.provider.envelope.id} envelope: "
            + (violations[0].message if violations else f"not JSON: {response.text(80)!r}"),
            rule="envelope",
            spec_location=case.provider.envelope.declared_at,
        )
    if want == 429:
        kept = response.header("retry-after") is not None or (ok and _retry_delay(body))
        yield judged(
            kept,
            "the retry delay reached the client"
            if kept
            else "upstream's RetryInfo retryDelay was lost (no Retry-After either)",
            advisory=True,
            rule="retry-delay",
        )
