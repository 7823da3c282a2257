"""The documented error per mistake (error-class), a self-consistent envelope, no leaked
internals: each judged on hand-made answers."""

from __future__ import annotations

import functools
import json
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from conformance.checks import run_checks
from conformance.checks.errors import GOOGLE_RPC_HTTP
from conformance.checks.leaks import leaks
from conformance.exchange import Exchange, Response
from conformance.plan.case import Case, Target
from conformance.plan.errors import for_mistake
from conformance.plan.planner import PlanOptions, plan
from conformance.spec.resolve import load_spec

SPEC = load_spec(Path(__file__).resolve().parents[2] / "specs")
JSON = (("content-type", "application/json"),)


@functools.cache
def _cases(provider: str) -> tuple[Case, ...]:
    return plan(SPEC, PlanOptions(providers=(provider,), max_examples=0)).cases


def _case(provider: str, suffix: str) -> Case:
    return next(c for c in _cases(provider) if c.id.endswith(suffix))


def _judge(case: Case, status: int, body: Any) -> dict[str, set[str]]:
    answer = Response(status, JSON, json.dumps(body).encode())
    out: dict[str, set[str]] = {}
    for f in run_checks(case, Exchange(case.request, "http://x", answer)):
        out.setdefault(f.outcome, set()).add(f"{f.check}:{f.rule}")
    return out


def _google(code: int, word: str, **extra: Any) -> dict[str, Any]:
    return {"error": {"code": code, "message": "m", "status": word, **extra}}


BAD_ARGUMENT = "routescope/imagen-4.0-generate-001/predict/negative/parameters.aspectRatio:enum"


def test_a_bad_argument_wants_400_invalid_argument() -> None:
    case = _case("routescope", BAD_ARGUMENT)
    assert case.expect.statuses == (400,) and case.expect.error is not None
    assert "fail" not in _judge(case, 400, _google(400, "INVALID_ARGUMENT"))


@pytest.mark.parametrize(
    ("status", "word"), [(401, "UNAUTHENTICATED"), (403, "PERMISSION_DENIED"), (404, "NOT_FOUND")]
)
def test_a_bad_argument_answered_with_another_class_fails(status: int, word: str) -> None:
    failed = _judge(_case("routescope", BAD_ARGUMENT), status, _google(status, word))["fail"]
    assert {"status:status", "error-class:error-word"} <= failed


def test_an_unknown_model_wants_404_not_found() -> None:
    case = _case("google", "gemini-2.5-flash-image/generateContent/negative/model:unknown")
    assert "conformance-unknown-model" in case.request.path
    assert "fail" not in _judge(case, 404, _google(404, "NOT_FOUND"))
    assert "error-class:error-word" in _judge(case, 400, _google(400, "INVALID_ARGUMENT"))["fail"]


def test_googles_wrong_key_wants_api_key_invalid() -> None:
    case = _case("google", "gemini-2.5-flash-image/generateContent/auth/wrong")
    info = {"@type": "type.googleapis.com/google.rpc.ErrorInfo", "reason": "API_KEY_INVALID"}
    assert "fail" not in _judge(case, 400, _google(400, "INVALID_ARGUMENT", details=[info]))
    failed = _judge(case, 400, _google(400, "INVALID_ARGUMENT"))["fail"]
    assert failed == {"error-class:error-reason"}


def test_openai_style_wants_param_naming_the_field() -> None:
    case = _case("aimlapi", "images.generations/negative/num_images:maximum")
    good = {"error": {"message": "m", "type": "invalid_request_error", "param": "num_images"}}
    assert "fail" not in _judge(case, 400, good)
    bad = {"error": {"message": "m", "type": "invalid_request_error", "param": None}}
    assert _judge(case, 400, bad)["fail"] == {"error-class:error-param"}
    # OpenAI reports an unrecognized argument with param null: only the word is expected then.
    provider = case.provider
    unknown = for_mistake(
        provider, "invalid-argument", Target("(body)", "additionalProperties", "")
    )
    assert unknown is not None and unknown.param is None


def test_the_envelope_code_must_be_the_http_status_and_the_word_canonical() -> None:
    case = _case("routescope", BAD_ARGUMENT)
    failed = _judge(case, 400, _google(500, "INTERNAL"))["fail"]
    assert {"error-envelope:code-matches-status", "error-envelope:canonical-status"} <= failed
    wrong_word = _judge(case, 400, _google(400, "NOT_FOUND"))["fail"]
    assert "error-envelope:canonical-status" in wrong_word
    made_up = _judge(case, 400, _google(400, "BAD_THING"))["fail"]
    assert "error-envelope:canonical-status" in made_up


@settings(deadline=None)  # plans and runs every error check per example
@given(st.sampled_from(sorted(GOOGLE_RPC_HTTP)))
def test_every_canonical_word_passes_at_its_own_status(word: str) -> None:
    status = GOOGLE_RPC_HTTP[word]
    if status < 400:
        return
    found = _judge(_case("routescope", BAD_ARGUMENT), status, _google(status, word))
    assert not {r for r in found.get("fail", set()) if r.startswith("error-envelope")}


@pytest.mark.parametrize(
    ("text", "what"),
    [
        ('Traceback (most recent call last):\n  File "/srv/app/x.py", line 3', "Python traceback"),
        ("at Object.<anonymous> (/usr/src/app/index.js:12:5)", "Node.js stack frame"),
        ("at com.relay.Handler.go(Handler.java:42)", "Java stack frame"),
        ("goroutine 1 [running]:", "Go panic"),
        ("failed in /home/relay/app/views.py", "server file path"),
        ("bad key $TOKAIFY_API_KEY", "API key"),
        ("bad key conformance-wrong-key", "API key"),
    ],
)
def test_leaks_are_named(text: str, what: str) -> None:
    assert any(what in found for found in leaks(text, "TOKAIFY_API_KEY"))


@given(
    st.lists(
        st.text(alphabet="abcdefghijklmnopqrstuvwxyzABCDEFGHIJ_0123456789", min_size=1),
        min_size=1,
        max_size=5,
    )
)
def test_json_pointers_in_messages_are_not_leaks(tokens: list[str]) -> None:
    pointer = "/" + "/".join(tokens)
    message = f"Invalid request: {pointer}: 'x' is not one of ['1:1', '16:9'] (at {pointer})"
    assert leaks(message, "TOKAIFY_API_KEY") == []


def test_a_leaking_error_body_fails_and_a_clean_one_passes() -> None:
    case = _case("routescope", BAD_ARGUMENT)
    leaked = _google(400, "INVALID_ARGUMENT")
    leaked["error"]["message"] = 'Traceback (most recent call last):\n  File "/srv/a.py", line 1'
    assert "error-leak:no-internals" in _judge(case, 400, leaked)["fail"]
    assert "error-leak:no-internals" in _judge(case, 400, _google(400, "INVALID_ARGUMENT"))["pass"]
