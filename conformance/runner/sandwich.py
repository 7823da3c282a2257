"""A sandwich run: client -> relay under test -> `conformance serve` as the relay's upstream.

`conformance run --base-url RELAY --provider P --upstream UPSTREAM` validates a relay from both
sides. `sandwich_plan` gives every case a per-case marker in its prompt text
(`[conformance-case:<16 hex>]`, which a relay cannot strip without changing the prompt) and the
forwarding checks, and adds scripted cases (the upstream answers them with a thoughtSignature,
a 429, a 500, a 400: `conformance.server.scripts`). Only a sandwich run adds markers, so the
ordinary plan and the committed cassettes are untouched. `Sandwich.attach` runs after each case
and before its checks: it reads the upstream journal for the case's marker and attaches what
arrived as `Exchange.upstream`.

The upstream's facts come from its own provider spec (default `google`): the model the case's
model resells (`upstream:`) and that model's operation of the same family when it has one.
"""

from __future__ import annotations

import dataclasses
import json
import secrets
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

import httpx

from conformance.exchange import Exchange, JournalEntry, KeyMode, Upstream
from conformance.plan.case import Case, Expect
from conformance.plan.planner import Plan
from conformance.server.control import JOURNAL_PATH, SCRIPTS_PATH
from conformance.server.journal import entry_from_json, key_digest
from conformance.spec.model import WILDCARD, Model, Operation, Provider, Spec

FORWARD = "forward-"
REQUEST_CHECKS = (
    "forward-reached",
    "forward-route",
    "forward-params",
    "forward-added",
    "forward-key",
)
ERROR_SCRIPTS = ("rate-limit", "server-error", "bad-request")
SIGNATURE_SCRIPT = "thought-signature"
_GENERATE_CONTENT = "gemini-generate-content"


def marker_text(marker: str) -> str:
    return f"[conformance-case:{marker}]"


class SandwichError(Exception):
    """The upstream is not a journaling `conformance serve` (or cannot be reached)."""


@dataclass(frozen=True)
class Marked:
    """What the runner must know of a sandwiched case: its marker and upstream script."""

    marker: str | None
    script: str | None = None


def _with_marker(body: Any, path: tuple[str, ...], text: str) -> tuple[Any, bool]:
    """A copy of `body` whose first string at `path` ends with ` text`; (body, done)."""
    copy = json.loads(json.dumps(body))

    def walk(node: Any, depth: int) -> bool:
        token = path[depth]
        last = depth == len(path) - 1
        children: list[tuple[Any, Any]] = []
        if token == WILDCARD and isinstance(node, list):
            children = list(enumerate(node))
        elif isinstance(node, dict) and token in node:
            children = [(token, node[token])]
        for key, child in children:
            if last and isinstance(child, str):
                node[key] = f"{child} {text}"
                return True
            if not last and walk(child, depth + 1):
                return True
        return False

    return copy, bool(path) and walk(copy, 0)


def _mark(case: Case, marker: str, checks: tuple[str, ...], **changes: Any) -> tuple[Case, bool]:
    """`case` with `marker` in its prompt (unless the prompt is what the case breaks)."""
    prompt = case.operation.by_concept("prompt")
    violation = case.expect.violation
    markable = (
        prompt is not None
        and case.request.body is not None
        and (violation is None or violation.parameter != prompt.name)
    )
    body, done = (
        _with_marker(case.request.body, prompt.path, marker_text(marker))
        if markable and prompt is not None
        else (case.request.body, False)
    )
    request = dataclasses.replace(case.request, body=body)
    return dataclasses.replace(case, request=request, checks=checks, **changes), done


def _scripts_for(case: Case, upstream: Operation | None) -> tuple[str, ...]:
    both_gemini = case.operation.family == _GENERATE_CONTENT and (
        upstream is not None and upstream.family == _GENERATE_CONTENT
    )
    return ((SIGNATURE_SCRIPT,) if both_gemini else ()) + ERROR_SCRIPTS


def upstream_of(
    spec: Spec, provider_id: str, case: Case
) -> tuple[Provider | None, Model | None, Operation | None]:
    provider = spec.provider(provider_id)
    model = provider.model(case.model.upstream) if provider is not None else None
    if model is None:
        return provider, None, None
    entries = model.entry_operations
    operation = next((o for o in entries if o.family == case.operation.family), None)
    return provider, model, operation or (entries[0] if entries else None)


def sandwich_plan(
    plan: Plan, spec: Spec, upstream_provider: str = "google", only: tuple[str, ...] = ()
) -> tuple[Plan, dict[str, Marked]]:
    """The plan with markers and forwarding checks, plus scripted cases; each case's marker.

    `only` (a --check selection) keeps just those checks; cases left with none are dropped.
    """
    marked_plan, marks = _sandwich(plan, spec, upstream_provider)
    if not only:
        return marked_plan, marks
    kept = []
    for case in marked_plan.cases:
        checks = tuple(c for c in case.checks if c in only)
        if checks:
            kept.append(dataclasses.replace(case, checks=checks))
    return dataclasses.replace(marked_plan, cases=tuple(kept)), {c.id: marks[c.id] for c in kept}


def _sandwich(plan: Plan, spec: Spec, upstream_provider: str) -> tuple[Plan, dict[str, Marked]]:
    cases: list[Case] = []
    marks: dict[str, Marked] = {}
    scripted_ops: set[tuple[str, str, str]] = set()
    for case in plan.cases:
        extra = ("forward-blocked",) if case.kind == "blocked" else ()
        marker = secrets.token_hex(8)
        marked, done = _mark(case, marker, (*case.checks, *REQUEST_CHECKS, *extra))
        cases.append(marked)
        marks[marked.id] = Marked(marker if done else None)
        key = (case.provider.id, case.model.id, case.operation.name)
        if case.kind != "positive" or key in scripted_ops or not done:
            continue
        scripted_ops.add(key)
        _, _, operation = upstream_of(spec, upstream_provider, case)
        for script in _scripts_for(case, operation):
            nonce = secrets.token_hex(8)
            checks = (
                "forward-reached",
                "forward-signature" if script == SIGNATURE_SCRIPT else "forward-error",
            )
            expect = case.expect if script == SIGNATURE_SCRIPT else Expect("4xx")
            scripted, _ = _mark(
                case,
                nonce,
                checks,
                id=f"{'/'.join(key)}/upstream/{script}",
                expect=expect,
                description=f"upstream scripted: {script}",
            )
            cases.append(scripted)
            marks[scripted.id] = Marked(nonce, script)
    return dataclasses.replace(plan, cases=tuple(cases)), marks


class Sandwich:
    """The upstream side of a run: registers scripts, reads the journal, attaches what arrived."""

    def __init__(
        self,
        client: httpx.AsyncClient,
        spec: Spec,
        marks: dict[str, Marked],
        upstream_provider: str,
        client_key: str | None,
        key_mode: KeyMode = "relay",
    ) -> None:
        self._client = client
        self._spec = spec
        self._marks = marks
        self._provider = upstream_provider
        self._digest = key_digest(client_key) if client_key else None
        self._key = client_key
        self._key_mode: KeyMode = key_mode

    async def check_upstream(self) -> None:
        """Raise SandwichError unless the upstream journals and accepts every script."""
        try:
            answer = await self._client.get(JOURNAL_PATH, params={"marker": "0" * 16})
        except httpx.HTTPError as exc:
            raise SandwichError(f"cannot reach the upstream journal: {exc}") from None
        if answer.status_code != 200:
            raise SandwichError(
                f"the upstream answered {answer.status_code} at {JOURNAL_PATH}: is it "
                "`conformance serve` (with --journal > 0)?"
            )
        for mark in self._marks.values():
            if mark.script is None or mark.marker is None:
                continue
            answer = await self._client.post(
                SCRIPTS_PATH, json={"marker": mark.marker, "script": mark.script}
            )
            if answer.status_code != 200:
                raise SandwichError(f"the upstream refused script {mark.script}: {answer.text}")

    async def attach(self, case: Case, exchange: Exchange) -> Exchange:
        """`exchange` with what the upstream journal saw for the case's marker."""
        mark = self._marks.get(case.id, Marked(None))
        provider, model, operation = upstream_of(self._spec, self._provider, case)
        base = Upstream(
            mark.marker,
            script=mark.script,
            key_mode=self._key_mode,
            provider=provider,
            model=model,
            operation=operation,
        )
        if mark.marker is None:
            return dataclasses.replace(exchange, upstream=base)
        try:
            answer = await self._client.get(JOURNAL_PATH, params={"marker": mark.marker})
            data = answer.json()
            raw = data["entries"]
        except (httpx.HTTPError, ValueError, KeyError, TypeError) as exc:
            return dataclasses.replace(exchange, upstream=dataclasses.replace(base, error=str(exc)))
        entries = tuple(e for e in (entry_from_json(item) for item in raw) if e is not None)
        entries = tuple(self._relative(e) for e in entries)
        seen = tuple(sorted({w for e in entries for w in self._client_key_in(e)}))
        return dataclasses.replace(
            exchange, upstream=dataclasses.replace(base, entries=entries, client_key_seen=seen)
        )

    def _relative(self, entry: JournalEntry) -> JournalEntry:
        prefix = f"/{self._provider}"
        if entry.path.startswith(prefix + "/"):
            return dataclasses.replace(entry, path=entry.path[len(prefix) :])
        return entry

    def _client_key_in(self, entry: JournalEntry) -> list[str]:
        where: list[str] = []
        if self._digest is None or self._key is None:
            return where
        tag = f"sha256:{self._digest}"
        for kind, pairs in (("header", entry.headers), ("query", entry.query)):
            for name, value in pairs:
                if tag in value or self._key in value:
                    where.append(f"{kind} {name}")
        if self._key.encode() in entry.body:
            where.append("body")
        return where


@asynccontextmanager
async def open_sandwich(
    upstream_url: str,
    spec: Spec,
    marks: dict[str, Marked],
    upstream_provider: str,
    client_key: str | None,
    timeout: float = 30.0,
    key_mode: KeyMode = "relay",
) -> AsyncIterator[Sandwich]:
    parts = urlsplit(upstream_url)
    root = f"{parts.scheme}://{parts.netloc}"
    async with httpx.AsyncClient(base_url=root, timeout=timeout) as client:
        sandwich = Sandwich(client, spec, marks, upstream_provider, client_key, key_mode)
        await sandwich.check_upstream()
        yield sandwich
