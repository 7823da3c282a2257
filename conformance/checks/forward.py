"""Forwarding checks: what a relay sent upstream, judged against what its client asked for.

They run in a sandwich run (`conformance run --base-url RELAY --upstream UPSTREAM`), where the
relay under test forwards to `conformance serve` and the runner attaches, to each exchange,
what the upstream journal saw for the case's marker (`Exchange.upstream`). The upstream's
parameters come from its own spec (Google's `sampleImageSize`, not a relay's `imageSize`),
matched to the client's by concept.

- `forward-reached`: the case reached upstream, or why not (rejected by the relay; a 2xx
  that never reached upstream came from a cache or was made up).
- `forward-route`: the right upstream model and method (`:predict` vs `:generateContent`).
- `forward-params`: every parameter sent arrives with the same meaning, in the field upstream
  reads.
- `forward-added`: nothing un-asked that changes behaviour: no field upstream refuses, no
  default different from the provider's documented one.
- `forward-key`: the client's key never goes upstream; the relay's own key is accepted there.
  With `--upstream-key client` (a bring-your-own-key gateway) the other way round: the client's
  key arrives upstream as sent, and a missing or wrong one is refused there, not replaced.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Iterator
from typing import Any

from conformance.checks.fields import same, values
from conformance.checks.registry import Finding, check, failed, judged, passed
from conformance.exchange import Exchange, JournalEntry, Upstream
from conformance.plan.case import Case
from conformance.spec.model import Operation, Parameter

#: Concepts whose meaning is judged elsewhere (the route carries the model).
_NOT_PARAMS = frozenset({"model"})
_REJECTABLE = ("negative", "auth")
#: Concepts whose values may be pixel sizes (`WxH`) that upstream takes as ratio and tier.
_PIXELS = ("aspect_ratio", "pixel_size")


def skipped(message: str) -> Finding:
    return Finding("", "skipped", message)


def _upstream(exchange: Exchange) -> Upstream | Finding:
    upstream = exchange.upstream
    if upstream is None:
        return skipped("not a sandwich run (no --upstream)")
    if upstream.error is not None:
        return Finding("", "error", f"upstream journal unreadable: {upstream.error}")
    if upstream.marker is None:
        return skipped("the case has no prompt to carry a marker; cannot correlate")
    return upstream


def last_entry(exchange: Exchange) -> tuple[Upstream, JournalEntry] | Finding:
    found = _upstream(exchange)
    if isinstance(found, Finding):
        return found
    if not found.entries:
        return skipped("never reached upstream (see forward-reached)")
    return found, found.entries[-1]


#: A forwarding judgement of the case's last upstream request (the one whose answer came back).
EntryJudge = Callable[[Case, Exchange, Upstream, JournalEntry], Iterator[Finding]]


def with_last_entry(judge: EntryJudge) -> Callable[[Case, Exchange], Iterator[Finding]]:
    """A check from `judge`, run only when the case reached upstream; otherwise the reason it
    cannot be judged (not a sandwich run, no marker, journal unreadable, never reached)."""

    @functools.wraps(judge)
    def run(case: Case, exchange: Exchange) -> Iterator[Finding]:
        found = last_entry(exchange)
        if isinstance(found, Finding):
            yield found
            return
        yield from judge(case, exchange, *found)

    return run


def _body(entry: JournalEntry) -> Any:
    ok, body = entry.parsed
    return body if ok else None


def _status(exchange: Exchange) -> int:
    return exchange.response.status if exchange.response is not None else 0


@check("forward-reached")
def reached(case: Case, exchange: Exchange) -> Iterator[Finding]:
    found = _upstream(exchange)
    if isinstance(found, Finding):
        yield found
        return
    status = _status(exchange)
    if found.entries:
        first = found.entries[-1]
        yield passed(
            f"reached upstream ({len(found.entries)} request(s), last {first.method} "
            f"{first.path} -> {first.status}); the relay answered {status}"
        )
    elif 200 <= status < 300:
        yield failed(
            f"the relay answered {status} without reaching upstream (from a cache, or made up)",
            rule="reached",
        )
    elif case.kind in _REJECTABLE:
        yield passed(f"rejected by the relay ({status}) without reaching upstream")
    else:
        yield failed(
            f"never reached upstream: the relay answered {status} itself to a valid request",
            rule="reached",
        )


def _model_and_method(path: str) -> tuple[str | None, str | None]:
    """(model, method suffix) of a Google-style `/v1beta/models/{model}:{method}` path."""
    tail = path.rsplit("/models/", 1)[-1] if "/models/" in path else None
    if tail is None:
        return None, None
    model, _, method = tail.partition(":")
    return model or None, method or None


def _route_problem(upstream: Upstream, entry: JournalEntry) -> Finding | None:
    """Why `entry` went to the wrong model or method; None when the route is right (or unknown)."""
    operation, model = upstream.operation, upstream.model
    if operation is None or model is None:
        return None
    want_method = operation.path_template.rsplit(":", 1)[-1]
    got_model, got_method = _model_and_method(entry.path)
    where = operation.declared_at
    if entry.method.upper() != operation.method.upper():
        return failed(
            f"forwarded as {entry.method}; upstream serves {operation.method}",
            rule="method",
            spec_location=where,
        )
    if got_model != model.id:
        return failed(
            f"forwarded to model {got_model!r} ({entry.path}); the case's upstream is {model.id!r}",
            rule="model",
            spec_location=model.declared_at,
        )
    if got_method != want_method:
        return failed(
            f"forwarded to :{got_method} ({entry.path}); {model.id} is served at :{want_method}",
            rule="method",
            spec_location=where,
        )
    return None


@check("forward-route")
@with_last_entry
def route(
    case: Case, exchange: Exchange, upstream: Upstream, entry: JournalEntry
) -> Iterator[Finding]:
    if upstream.operation is None or upstream.model is None:
        yield skipped(f"the upstream spec does not know model {case.model.upstream!r}")
        return
    model = case.operation.by_concept("model")
    violation = case.expect.violation
    if model is not None and violation is not None and violation.parameter == model.name:
        yield skipped("the case breaks the model name itself; the route is the client's doing")
        return
    error = case.expect.error
    if error is not None and error.mistake == "unknown-model":
        yield skipped("the case asks for a model that does not exist; forwarding it is faithful")
        return
    problem = _route_problem(upstream, entry)
    yield problem or passed(
        f"{entry.method} {entry.path}", rule="route", spec_location=upstream.operation.declared_at
    )


def _concepts(operation: Operation) -> dict[str, Parameter]:
    out: dict[str, Parameter] = {}
    for param in operation.body_parameters:
        if param.concept and param.concept not in _NOT_PARAMS:
            out.setdefault(param.concept, operation.by_concept(param.concept) or param)
    return out


@check("forward-params")
@with_last_entry
def params(
    case: Case, exchange: Exchange, upstream: Upstream, entry: JournalEntry
) -> Iterator[Finding]:
    target, body = upstream.operation, _body(entry)
    if target is None:
        yield skipped(f"the upstream spec does not know model {case.model.upstream!r}")
        return
    if body is None:
        yield failed("the body that arrived upstream is not JSON", rule="body")
        return
    theirs = _concepts(target)
    judged_any = False
    violated = case.expect.violation.parameter if case.expect.violation else None
    for concept, mine in _concepts(case.operation).items():
        sent = values(case.operation, case.request.body, mine)
        if not sent or mine.name == violated:
            continue
        if concept in _PIXELS:
            # An OpenAI-style pixel size carries a ratio (and a tier, below) for upstream.
            sent = [_table_ratio(upstream, value) for value in sent if value != "auto"]
            concept = "aspect_ratio"
            if not sent or (concept in _concepts(case.operation) and mine.concept != concept):
                continue
        judged_any = True
        yield from _one(concept, mine, sent, theirs.get(concept), target, body)
    if not judged_any:
        yield passed("the case sent no parameter with a concept to follow")
    for concept in _PIXELS:
        yield from _implied_tier(case, upstream, body, concept, theirs.get("image_size"))


def _table_ratio(upstream: Upstream, value: Any) -> Any:
    """A pixel size (`1280x896`) as the ratio upstream's pixel table gives it (`4:3`)."""
    if upstream.model is not None:
        for entry in upstream.model.pixel_sizes:
            if f"{entry.size.width}x{entry.size.height}" == value:
                return entry.ratio
    return value


def _implied_tier(
    case: Case, upstream: Upstream, body: Any, concept: str, theirs: Parameter | None
) -> Iterator[Finding]:
    """A pixel size (`2048x2048`) also asks for a size tier: the upstream's table says which."""
    ratio = case.operation.by_concept(concept)
    if ratio is None or theirs is None or upstream.model is None:
        return
    for size in values(case.operation, case.request.body, ratio):
        entry = next(
            (e for e in upstream.model.pixel_sizes if f"{e.size.width}x{e.size.height}" == size),
            None,
        )
        if entry is None:
            continue
        arrived = values(upstream.operation, body, theirs)
        shown = f"{ratio.name}={size!r} means tier {entry.tier} ({upstream.model.id}'s pixel table)"
        if arrived:
            yield judged(
                arrived[0] == entry.tier,
                f"{shown}; arrived as {theirs.name}={arrived[0]!r}",
                pointer=theirs.pointer,
                rule="image_size",
                spec_location=entry.declared_at,
            )
            continue
        stray = _stray(body, theirs, entry.tier)
        if theirs.has_default and theirs.default == entry.tier:
            yield passed(f"{shown}; upstream's default {theirs.name}={theirs.default!r} is it")
        else:
            yield failed(
                f"{shown}; no {theirs.name} arrived, so upstream makes {theirs.default!r}"
                + (f" ({stray} is there, which upstream does not read)" if stray else ""),
                pointer=theirs.pointer,
                rule="image_size",
                spec_location=entry.declared_at,
            )


def _stray(body: Any, param: Parameter, value: Any) -> str | None:
    """A sibling field of `param` holding `value` (a tier sent under a name upstream ignores)."""
    node = body
    for token in param.path[:-1]:
        node = node.get(token) if isinstance(node, dict) else None
    if not isinstance(node, dict):
        return None
    names = [k for k, v in node.items() if v == value and k != param.path[-1]]
    return ".".join((*param.path[:-1], names[0])) if names else None


def _one(
    concept: str,
    mine: Parameter,
    sent: list[Any],
    theirs: Parameter | None,
    target: Operation,
    body: Any,
) -> Iterator[Finding]:
    shown = sent[0] if len(sent) == 1 else sent
    if theirs is None:
        yield judged(
            False,
            f"{mine.name}={shown!r}: the upstream documents no parameter for {concept}",
            advisory=True,
            pointer=mine.pointer,
        )
        return
    arrived = values(target, body, theirs)
    fold = mine.case_insensitive or theirs.case_insensitive
    where = theirs.declared_at
    if arrived:
        ok = (
            all(any(same(concept, s, a, fold_case=fold) for a in arrived) for s in sent)
            if concept == "prompt"
            else len(arrived) == len(sent)
            and all(same(concept, s, a, fold_case=fold) for s, a in zip(sent, arrived, strict=True))
        )
        got = arrived[0] if len(arrived) == 1 else arrived
        yield judged(
            ok,
            f"{mine.name}={_short(shown)} arrived as {theirs.name}={_short(got)}",
            pointer=theirs.pointer,
            rule=concept,
            spec_location=where,
        )
        return
    stray = values(None, body, mine) if mine.path != theirs.path else []
    default = f"; upstream applies its default {theirs.default!r}" if theirs.has_default else ""
    if stray:
        yield failed(
            f"{mine.name}={_short(shown)} was forwarded as {mine.name}, which upstream does not "
            f"read (it reads {theirs.name}){default}",
            pointer=mine.pointer,
            rule=concept,
            spec_location=where,
        )
    elif theirs.has_default and all(same(concept, s, theirs.default, fold_case=fold) for s in sent):
        yield judged(
            False,
            f"{mine.name}={_short(shown)} was dropped; upstream's default {theirs.name}="
            f"{theirs.default!r} means the same",
            advisory=True,
            pointer=theirs.pointer,
            rule=concept,
        )
    else:
        yield failed(
            f"{mine.name}={_short(shown)} never arrived upstream (no {theirs.name}){default}",
            pointer=theirs.pointer,
            rule=concept,
            spec_location=where,
        )


def _short(value: Any) -> str:
    text = repr(value)
    return text if len(text) <= 60 else text[:57] + "..."


def _upstream_error(entry: JournalEntry) -> str:
    ok, body = entry.parsed_response
    if ok and isinstance(body, dict) and isinstance(body.get("error"), dict):
        return str(body["error"].get("message", ""))[:200]
    return entry.response_body[:200].decode("utf-8", "replace")


@check("forward-added")
@with_last_entry
def added(
    case: Case, exchange: Exchange, upstream: Upstream, entry: JournalEntry
) -> Iterator[Finding]:
    target, body = upstream.operation, _body(entry)
    if target is None or body is None:
        yield skipped("no upstream operation or no JSON body to compare")
        return
    if _route_problem(upstream, entry) is not None:
        yield skipped("forwarded to the wrong route (see forward-route)")
        return
    refused = 400 <= entry.status < 500 and entry.script is None and entry.auth == "accepted"
    if refused and case.kind not in _REJECTABLE:
        yield failed(
            f"upstream refused what the relay forwarded for a valid request: {entry.status} "
            f"{_upstream_error(entry)}",
            rule="refused",
        )
    mine = _concepts(case.operation)
    clean = True
    for concept, theirs in _concepts(target).items():
        if concept in mine and values(case.operation, case.request.body, mine[concept]):
            continue
        documented = _documented_default(case, concept)
        if documented is None:
            continue
        arrived = values(target, body, theirs)
        fold = theirs.case_insensitive
        if arrived:
            if not all(same(concept, documented, a, fold_case=fold) for a in arrived):
                clean = False
                yield failed(
                    f"the relay added {theirs.name}={_short(arrived[0])}, which the client did "
                    f"not ask for; {case.provider.id} documents {documented!r}",
                    pointer=theirs.pointer,
                    rule="added",
                    spec_location=theirs.declared_at,
                )
        elif theirs.has_default and not same(concept, documented, theirs.default, fold_case=fold):
            clean = False
            yield failed(
                f"{theirs.name} left out upstream, so upstream's default {theirs.default!r} "
                f"applies; {case.provider.id} documents {documented!r}",
                pointer=theirs.pointer,
                rule="default",
                spec_location=theirs.declared_at,
            )
    if clean and not (refused and case.kind not in _REJECTABLE):
        yield passed("nothing un-asked that changes behaviour")


def _documented_default(case: Case, concept: str) -> Any:
    if concept == "image_count":
        return case.model.default_image_count
    param = case.operation.by_concept(concept)
    if param is None or not param.has_default:
        return None
    return param.default


@check("forward-key")
@with_last_entry
def key(
    case: Case, exchange: Exchange, upstream: Upstream, entry: JournalEntry
) -> Iterator[Finding]:
    if upstream.key_mode == "client":
        yield from _passed_through(case, upstream)
        return
    if upstream.client_key_seen:
        yield failed(
            f"the client's own key was forwarded upstream ({', '.join(upstream.client_key_seen)})",
            rule="client-key",
        )
    refused = [e for e in upstream.entries if e.auth != "accepted"]
    if refused:
        yield failed(
            f"upstream refused the relay's key: {refused[-1].auth} key on "
            f"{refused[-1].method} {refused[-1].path}",
            rule="upstream-key",
        )
    if not upstream.client_key_seen and not refused:
        yield passed("the relay sent its own key, accepted upstream; the client's stayed home")


def _passed_through(case: Case, upstream: Upstream) -> Iterator[Finding]:
    """forward-key for a relay that passes the client's own key on (`--upstream-key client`)."""
    if not upstream.entries:
        yield passed("nothing reached upstream, so no key was passed on")
        return
    refused = [e for e in upstream.entries if e.auth != "accepted"]
    if case.request.auth.mode != "valid":
        if refused:
            label = case.request.auth.label()
            yield passed(f"passed through as the client sent it ({label}), refused upstream")
        else:
            yield failed(
                f"the client sent {case.request.auth.label()}, yet upstream accepted a key: the "
                "relay put a key of its own in",
                rule="client-key",
            )
        return
    if refused:
        yield failed(
            f"upstream refused the client's key the relay passed on: {refused[-1].auth} key on "
            f"{refused[-1].method} {refused[-1].path}",
            rule="upstream-key",
        )
    elif not upstream.client_key_seen:
        yield failed(
            "upstream accepted a key, but not the client's: the relay replaced it",
            rule="client-key",
        )
    else:
        where = ", ".join(upstream.client_key_seen)
        yield passed(f"the client's key was passed through ({where}) and accepted upstream")
