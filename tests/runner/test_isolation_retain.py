"""Each case is isolated (what its checks raise is its own `error`), and finished cases keep
only slimmed bodies with the original's size and hash, from which a report is the same."""

from __future__ import annotations

import asyncio
import base64
import hashlib
import json
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from conformance.checks import REGISTRY
from conformance.exchange import Exchange, Response
from conformance.images import make_base64_image
from conformance.plan.case import Case, Request
from conformance.plan.planner import PlanOptions, plan
from conformance.report.bodies import slim_body as report_body
from conformance.runner.engine import execute
from conformance.runner.retain import HEAD_BYTES, SLIM_BYTES, WHOLE_BYTES, retain
from conformance.spec.model import Spec
from conformance.spec.resolve import load_spec
from conformance.transport.base import HttpxTransport
from conformance.transport.flow import FlowOptions

SECRET = "sk-isolation-secret-0123456789"


@pytest.fixture(scope="module")
def spec() -> Spec:
    return load_spec(Path(__file__).resolve().parents[2] / "specs")


@pytest.fixture
def exploding_check() -> Iterator[str]:
    def explode(case: Case, exchange: Exchange) -> Iterator[object]:
        if b"boom" in exchange.response.body:  # type: ignore[union-attr]
            raise RuntimeError(f"exploded on {SECRET}")
        yield from ()

    name = "status"
    original = REGISTRY[name]
    REGISTRY[name] = explode  # type: ignore[assignment]
    try:
        yield name
    finally:
        REGISTRY[name] = original


def test_a_check_that_raises_is_that_case_s_error_and_redacted(
    spec: Spec, exploding_check: str
) -> None:
    cases = plan(spec, PlanOptions(providers=("tokaify",), max_examples=0)).cases
    cases = [c for c in cases if exploding_check in c.checks][:2]
    assert len(cases) == 2
    answers = iter([b'{"boom": 1}', b"{}"])

    def handler(request: httpx.Request) -> httpx.Response:
        return httpx.Response(200, content=next(answers))

    client = httpx.AsyncClient(transport=httpx.MockTransport(handler))
    transport = HttpxTransport(client, "http://api.test", key=SECRET, key_env="TOKAIFY_API_KEY")
    results = asyncio.run(execute(cases, {"tokaify": transport}, FlowOptions(), concurrency=1))
    first, second = results
    assert first.outcome == "error"
    message = first.findings[0].message
    assert "RuntimeError: exploded on $TOKAIFY_API_KEY while checking" in message
    assert SECRET not in message
    assert second.outcome != "error"  # the other case is judged as usual


def _response(body: bytes, media: str = "application/json") -> Response:
    return Response(200, (("content-type", media),), body)


def test_small_bodies_are_kept_whole() -> None:
    exchange = Exchange(Request("GET", "/"), "u", _response(b"x" * WHOLE_BYTES))
    assert retain(exchange) == exchange


def test_a_kept_body_lets_go_of_the_checks_parsed_copy() -> None:
    response = _response(json.dumps({"data": [{"b64_json": "A" * 1000}]}).encode())
    assert response.json()["data"]  # the checks parsed it: the value is cached on the response
    assert "parsed" in response.__dict__
    kept = retain(Exchange(Request("GET", "/"), "u", response)).response
    assert kept is not None and kept.body == response.body and kept == response
    assert "parsed" not in kept.__dict__  # only the bytes stay; a report parses them again
    assert kept.json() == response.json()


def test_large_image_answers_are_slimmed_with_the_original_size_and_hash() -> None:
    image = make_base64_image(1024, 1024, "png", payload="realistic")
    body = json.dumps({"predictions": [{"bytesBase64Encoded": image}]}).encode()
    assert len(body) > WHOLE_BYTES
    kept = retain(
        Exchange(
            Request("GET", "/"),
            "u",
            None,
            polls=(Exchange(Request("GET", "/"), "u", _response(body)),),
        )
    )
    response = kept.polls[0].response
    assert response is not None and response.retained == "slimmed"
    assert len(response.body) < len(body) and json.loads(response.body)["predictions"]
    assert response.size == len(body)
    assert response.original_sha256 == hashlib.sha256(body).hexdigest()


def test_huge_bodies_that_do_not_slim_keep_their_head() -> None:
    body = b"[" * (SLIM_BYTES + 1)
    response = retain(Exchange(Request("GET", "/"), "u", _response(body))).response
    assert response is not None and response.retained == "truncated"
    assert response.body == body[:HEAD_BYTES] and response.size == len(body)


LEAVES = (
    st.none()
    | st.booleans()
    | st.integers()
    | st.floats(allow_nan=False)
    | st.text(max_size=8)
    | st.text(alphabet='ab/~é\ud800"', min_size=400, max_size=700)
    | st.sampled_from(["x" * 70_000, make_base64_image(64, 64, "png")])
)
DOCUMENTS = st.recursive(
    LEAVES,
    lambda inner: (
        st.lists(inner, max_size=3)
        | st.dictionaries(st.text(alphabet="ab/~", max_size=3), inner, max_size=3)
    ),
    max_leaves=8,
)


@settings(max_examples=60, deadline=None)
@given(DOCUMENTS, st.data())
def test_a_report_shows_a_retained_body_as_it_would_the_whole_one(
    document: object, data: st.DataObject
) -> None:
    body = json.dumps({"pad": "p" * WHOLE_BYTES, "doc": document}).encode()
    whole = _response(body)
    kept = retain(Exchange(Request("GET", "/"), "u", whole)).response
    assert kept is not None and kept.retained in ("slimmed", "truncated")
    assert kept.size == len(body) and kept.original_sha256 == hashlib.sha256(body).hexdigest()
    if kept.retained == "truncated":  # still larger than SLIM_BYTES once cut
        return
    pointers = data.draw(st.lists(st.sampled_from(["/pad", "/doc", "/doc/0", "/doc/a"])))
    images = {p: n for n, p in enumerate(pointers)}
    assert report_body(kept, images) == report_body(whole, images)


def test_binary_answers_keep_only_their_head() -> None:
    image = base64.b64decode(make_base64_image(512, 512, "png", payload="realistic"))
    assert len(image) > WHOLE_BYTES
    response = retain(Exchange(Request("GET", "/"), "u", _response(image, "image/png"))).response
    assert response is not None and response.retained == "truncated"
    assert response.body == image[:HEAD_BYTES] and response.size == len(image)
    assert report_body(response, {"": 0})["kind"] == "binary"


def test_large_text_answers_are_kept_whole_up_to_the_slim_limit() -> None:
    text = ("é" * WHOLE_BYTES).encode()
    exchange = Exchange(Request("GET", "/"), "u", _response(text, "text/plain"))
    assert retain(exchange) == exchange
