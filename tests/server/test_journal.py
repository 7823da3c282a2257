"""The upstream journal, the control routes and the scripts of the reference relay."""

from __future__ import annotations

import asyncio
import json
from typing import Any

import httpx
from hypothesis import given, settings
from hypothesis import strategies as st

from conformance.exchange import JournalEntry
from conformance.server import RelayOptions, create_app
from conformance.server.journal import (
    Journal,
    entry_from_json,
    entry_to_json,
    key_digest,
    redact_pairs,
)
from conformance.spec.model import Spec

KEY = "journal-test-key"
MARKER = "0123456789abcdef"
PREDICT = "/google/v1beta/models/imagen-4.0-generate-001:predict"
GENERATE = "/google/v1beta/models/gemini-3-pro-image-preview:generateContent"

secrets_ = st.text(st.characters(min_codepoint=33, max_codepoint=126), min_size=8, max_size=40)


@given(secret=secrets_, scheme=st.sampled_from(["", "Bearer ", "bearer ", "Basic "]))
def test_credentials_are_redacted_to_a_digest(secret: str, scheme: str) -> None:
    pairs = [
        ("Authorization", scheme + secret),
        ("x-goog-api-key", secret),
        ("X-Custom-Token", secret),
        ("content-type", "application/json"),
    ]
    shown, digests = redact_pairs(pairs)
    assert all(secret not in value for name, value in shown if name != "content-type")
    assert digests == [key_digest(secret)] * 3
    assert shown[0][1].startswith(scheme) and f"sha256:{key_digest(secret)}" in shown[0][1]
    assert shown[3] == ("content-type", "application/json")


def _record(journal: Journal, body: bytes, **kw: Any) -> JournalEntry:
    return journal.record(
        method="POST",
        path="/p",
        query=[("key", KEY)],
        headers=[],
        body=body,
        status=200,
        response_body=b"{}",
        auth="accepted",
        **kw,
    )


def test_the_journal_is_bounded_and_finds_markers_past_the_cut() -> None:
    journal = Journal(max_entries=3, max_body=16)
    long = b'{"pad": "' + b"x" * 100 + f'", "p": "[conformance-case:{MARKER}]"}}'.encode()
    for _ in range(5):
        entry = _record(journal, long)
    assert len(journal) == 3 and journal.dropped == 2
    assert len(entry.body) == 16 and entry.body_size == len(long)
    assert len(journal.entries(MARKER)) == 3
    assert journal.entries("f" * 16) == []
    assert entry.query == (("key", f"<redacted sha256:{key_digest(KEY)}>"),)


@settings(max_examples=30)
@given(body=st.binary(max_size=64), status=st.integers(100, 599), script=st.none() | st.text())
def test_entries_survive_their_wire_form(body: bytes, status: int, script: str | None) -> None:
    entry = _record(Journal(), body)
    entry = JournalEntry(**{**entry.__dict__, "status": status, "script": script or None})
    wire = json.loads(json.dumps(entry_to_json(entry)))
    assert entry_from_json(wire) == entry
    assert entry_from_json({"method": "POST"}) is None


async def _call(spec: Spec, options: RelayOptions, calls: list[tuple[str, str, Any]]) -> list[Any]:
    app = create_app(spec, options)
    transport = httpx.ASGITransport(app=app)
    out = []
    async with httpx.AsyncClient(transport=transport, base_url="http://relay") as client:
        for method, path, body in calls:
            out.append(
                await client.request(method, path, json=body, headers={"x-goog-api-key": KEY})
            )
    return out


def _prompt_body(prompt: str) -> dict[str, Any]:
    return {"instances": [{"prompt": prompt}], "parameters": {"sampleCount": 1}}


def _gemini_body(prompt: str) -> dict[str, Any]:
    return {"contents": [{"parts": [{"text": prompt}]}]}


def test_the_journal_route_serves_redacted_entries_by_marker(spec: Spec) -> None:
    options = RelayOptions(keys=(KEY,), journal=10)
    answers = asyncio.run(
        _call(
            spec,
            options,
            [
                ("POST", PREDICT, _prompt_body(f"a cat [conformance-case:{MARKER}]")),
                ("POST", PREDICT, _prompt_body("a dog")),
                ("GET", f"/_relay/journal?marker={MARKER}", None),
                ("GET", "/_relay/journal", None),
                ("DELETE", "/_relay/journal", None),
                ("GET", "/_relay/journal", None),
            ],
        )
    )
    assert [a.status_code for a in answers[:2]] == [200, 200]
    mine = answers[2].json()["entries"]
    assert len(mine) == 1 and mine[0]["path"] == PREDICT and mine[0]["auth"] == "accepted"
    assert KEY not in answers[2].text and key_digest(KEY) in mine[0]["key_hashes"]
    assert "predictions" in mine[0]["response_body"]["text"]
    assert len(answers[3].json()["entries"]) == 2
    assert answers[5].json()["entries"] == []


def test_without_a_journal_there_are_no_control_routes(spec: Spec) -> None:
    answers = asyncio.run(
        _call(spec, RelayOptions(keys=(KEY,)), [("GET", "/_relay/journal", None)])
    )
    assert answers[0].status_code == 404


def test_scripts_answer_the_marked_request(spec: Spec) -> None:
    marked = f"a cat [conformance-case:{MARKER}]"
    calls: list[tuple[str, str, Any]] = []
    for script in ("rate-limit", "server-error", "bad-request", "thought-signature"):
        calls.append(("POST", "/_relay/scripts", {"marker": MARKER, "script": script}))
        calls.append(("POST", GENERATE, _gemini_body(marked)))
    calls.append(("POST", "/_relay/scripts", {"marker": MARKER, "script": "nonsense"}))
    calls.append(("POST", "/_relay/scripts", {"marker": "NOT-HEX", "script": "rate-limit"}))
    calls.append(("POST", GENERATE, _gemini_body("unmarked")))
    answers = asyncio.run(_call(spec, RelayOptions(keys=(KEY,), journal=10), calls))
    limited, failed, bad, signed = answers[1], answers[3], answers[5], answers[7]
    assert limited.status_code == 429
    assert limited.json()["error"]["details"][0]["retryDelay"] == "1s"
    assert failed.status_code == 500 and failed.json()["error"]["status"] == "INTERNAL"
    assert bad.status_code == 400
    assert bad.json()["error"]["details"][0]["@type"].endswith("BadRequest")
    parts = signed.json()["candidates"][0]["content"]["parts"]
    assert parts and all(isinstance(p.get("thoughtSignature"), str) for p in parts)
    assert answers[8].status_code == 400 and answers[9].status_code == 400
    assert "thoughtSignature" not in answers[10].text


def test_google_answers_under_v1_and_relays_only_where_documented(spec: Spec) -> None:
    body = _gemini_body("a cat")
    answers = asyncio.run(
        _call(
            spec,
            RelayOptions(keys=(KEY,)),
            [
                ("POST", GENERATE.replace("/v1beta/", "/v1/"), body),
                ("POST", "/routescope/v1/models/gemini-3-pro-image-preview:generateContent", body),
            ],
        )
    )
    assert answers[0].status_code == 200 and "candidates" in answers[0].json()
    assert answers[1].status_code in (401, 404)
