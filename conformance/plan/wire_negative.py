"""Live negative forms: requests broken on the wire rather than in one parameter.

For every entry operation: malformed JSON (the smallest valid body, cut short), the smallest
valid body without `Content-Type`, a method the path does not serve, and a body one byte over the
operation's request-size limit (`body_limit`). Each expects the
operation's documented answer (`spec/wire.py`: the family's `wire:` entry, with its source and
whether it is upstream behaviour); a form no spec documents gets the suite's rule — an error in
the provider's envelope, never a 5xx. Kept apart from `negative.py`, whose negatives each break
one documented constraint in otherwise valid JSON.

The oversized body is the smallest valid body with JSON whitespace after its first byte, so it
is the same valid JSON value and only its size is wrong: a relay without a limit serves it (a
2xx, caught), a relay that checks it refuses it. The plan holds only the padding's length; the
transport generates the bytes while sending (`transport/padding.py`).
"""

from __future__ import annotations

import json
from typing import Any

from conformance.plan.bodies import base_body, expectations, set_path
from conformance.plan.case import AuthSlot, Case, Expect, Request
from conformance.spec.model import Model, Operation, Provider
from conformance.spec.wire import DEFAULTS, NEEDS_BODY, WireForm, WireFormName

#: The checks an answer to a refused form gets; `wire` judges what only these forms have (Allow).
REFUSED_CHECKS = ("status", "content-type", "error-envelope", "wire")
ORDER: tuple[WireFormName, ...] = (
    "malformed-json",
    "no-content-type",
    "wrong-method",
    "oversized-body",
)


def form_for(operation: Operation, name: WireFormName) -> WireForm | None:
    """The documented answer to `name`, else the suite's default (None: nothing to expect)."""
    return next((w for w in operation.wire if w.form == name), None) or DEFAULTS.get(name)


def wrong_method(operation: Operation, form: WireForm) -> str:
    """A method the operation's path does not serve: the spec's choice, else PUT (or PATCH)."""
    if form.method:
        return form.method
    return "PATCH" if operation.method == "PUT" else "PUT"


def _one_image(operation: Operation, body: dict[str, Any]) -> dict[str, Any]:
    count = operation.by_concept("image_count")
    if count is None or count.minimum is None or count.enforcement != "enforced":
        return body
    return set_path(body, count.path, int(count.minimum))


def _canonical(body: Any) -> str:
    return json.dumps(body, sort_keys=True, separators=(",", ":"), ensure_ascii=False)


def wire_cases(
    provider: Provider,
    model: Model,
    operation: Operation,
    success_checks: tuple[str, ...],
) -> list[Case]:
    """The wire forms of one operation, as cases (ids `<prefix>/wire/<form>`)."""
    scheme = provider.auth.schemes[0]
    slot = AuthSlot("valid", scheme.kind, scheme.name)
    prefix = f"{provider.id}/{model.id}/{operation.name}/wire"
    found = base_body(model, operation)
    body = _one_image(operation, found) if found is not None else None
    json_type = (("Content-Type", "application/json"),)
    out: list[Case] = []

    def add(
        form: WireForm, request: Request, expect: Expect, what: str, checks: tuple[str, ...]
    ) -> None:
        description = f"{what}: must get {'/'.join(map(str, form.statuses))} ({form.origin()})"
        out.append(
            Case(
                f"{prefix}/{form.form}",
                "wire",
                request,
                expect,
                description,
                provider,
                model,
                operation,
                checks,
            )
        )

    for name in ORDER:
        form = form_for(operation, name)
        if form is None or (name in NEEDS_BODY and body is None):
            continue
        statuses = form.statuses if form.source is not None else None
        if name == "malformed-json":
            text = _canonical(body)
            request = Request(
                operation.method, operation.path, None, json_type, auth=slot, raw_body=text[:-1]
            )
            add(
                form,
                request,
                Expect("4xx", statuses),
                "JSON cut short by its last byte",
                REFUSED_CHECKS,
            )
        elif name == "no-content-type":
            request = Request(operation.method, operation.path, body, (), auth=slot)
            if form.accepted:
                expect = expectations(model, operation, body)
                add(
                    form,
                    request,
                    expect,
                    "valid JSON body sent without Content-Type",
                    success_checks,
                )
            else:
                add(
                    form,
                    request,
                    Expect("4xx", statuses),
                    "JSON body without Content-Type",
                    REFUSED_CHECKS,
                )
        elif name == "oversized-body":
            if operation.body_limit is None:
                continue
            text = _canonical(body)
            padding = operation.body_limit + 1 - len(text.encode())
            request = Request(
                operation.method, operation.path, body, json_type, auth=slot, padding=padding
            )
            add(
                form,
                request,
                Expect("4xx", statuses),
                f"valid JSON one byte over the {operation.body_limit}-byte request limit",
                REFUSED_CHECKS,
            )
        else:
            method = wrong_method(operation, form)
            request = Request(method, operation.path, None, (), auth=slot)
            add(
                form,
                request,
                Expect("4xx", statuses),
                f"{method} on a {operation.method} path",
                REFUSED_CHECKS,
            )
    return out
