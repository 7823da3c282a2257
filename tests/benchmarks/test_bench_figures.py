"""The new benchmark figures' pure parts: the fit, the generated trees, the floor's requests."""

from __future__ import annotations

import asyncio
import base64
import json
import sys
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

BENCH = Path(__file__).resolve().parents[2] / "benchmarks"
sys.path.insert(0, str(BENCH))

import plain_client  # noqa: E402
import results_docs  # noqa: E402
import scaling  # noqa: E402
import spec_trees  # noqa: E402
from payload_overhead import KEY, WRONG_KEY, floor_requests  # noqa: E402

from conformance.plan.memo import key_of  # noqa: E402
from conformance.spec.resolve import load_spec  # noqa: E402
from conformance.transport.padding import padded_chunks  # noqa: E402


@given(k=st.floats(min_value=0.5, max_value=2.0), c=st.floats(min_value=0.1, max_value=100.0))
def test_the_exponent_of_a_power_law_is_its_power(k: float, c: float) -> None:
    points = [(x, c * x**k) for x in (1, 4, 16)]
    assert scaling.exponent(points) == pytest.approx(k, rel=1e-9)


def test_a_grown_tree_has_factor_times_the_providers(tmp_path: Path) -> None:
    base = load_spec(spec_trees.SPECS)
    grown = load_spec(spec_trees.grow(3, tmp_path / "x3"))
    assert len(grown.providers) == 3 * len(base.providers)
    pairs = sum(len(p.models) for p in grown.providers)
    assert pairs == 3 * sum(len(p.models) for p in base.providers)
    assert len({p.auth.key_env for p in grown.providers}) == len(grown.providers)


def _draw_keys(spec: Any) -> list[tuple[str, str]]:
    """What the planner's within-run memory keys an operation's draws by, one per operation."""
    return [
        (model.id, key_of(operation.parameters))
        for provider in spec.providers
        for model in provider.models
        for operation in model.entry_operations
    ]


def test_a_distinct_tree_repeats_no_operation_the_planner_could_reuse(tmp_path: Path) -> None:
    base = _draw_keys(load_spec(spec_trees.SPECS))
    copies = _draw_keys(load_spec(spec_trees.grow(3, tmp_path / "copies")))
    distinct = _draw_keys(load_spec(spec_trees.grow(3, tmp_path / "distinct", distinct=True)))
    assert len(copies) == len(distinct) == 3 * len(base)
    assert len(set(copies)) == len(set(base))  # plain copies: every operation reused
    assert len(set(distinct)) == 3 * len(set(base))  # renamed models: nothing to reuse


def test_the_floor_sends_what_the_suite_sent_with_the_same_auth() -> None:
    def case(mode: str, kind: str | None, status: int | None = 200) -> dict[str, Any]:
        return {
            "status": status,
            "request": {
                "method": "POST",
                "path": "/v1/models/m:predict",
                "url": None,
                "query": [["alt", "json"]],
                "headers": [["content-type", "application/json"]],
                "auth": {"mode": mode, "kind": kind, "name": "x-goog-api-key" if kind else None},
                "body": {"b": 1, "a": "é"},
            },
        }

    report = {
        "cases": [
            case("valid", "header"),
            case("wrong", "query"),
            case("missing", None),
            case("valid", "bearer", status=None),  # never sent: not in the floor
        ]
    }
    sent = floor_requests(report, "http://127.0.0.1:1")
    assert len(sent) == 3
    assert sent[0]["url"] == "http://127.0.0.1:1/google/v1/models/m:predict"
    assert sent[0]["headers"]["x-goog-api-key"] == KEY
    assert sent[1]["params"] == {"alt": "json", "x-goog-api-key": WRONG_KEY}
    assert "x-goog-api-key" not in sent[2]["headers"]
    assert sent[0]["content"] == '{"a":"é","b":1}'  # the suite's canonical body text


def test_the_floor_pads_an_oversized_body_as_the_suite_sends_it() -> None:
    report = {
        "cases": [
            {
                "status": 413,
                "request": {
                    "method": "POST",
                    "path": "/v1/models/m:predict",
                    "url": None,
                    "query": [],
                    "headers": [],
                    "auth": {"mode": "valid", "kind": "header", "name": "x-goog-api-key"},
                    "body": {"a": 1},
                    "padding": 1000,
                },
            }
        ]
    }
    (sent,) = floor_requests(report, "http://127.0.0.1:1")
    body = plain_client.padded(sent["content"], sent["padding"])

    async def suite() -> bytes:
        return b"".join([c async for c in padded_chunks(b'{"a":1}', 1000)])

    assert body == asyncio.run(suite())
    assert plain_client.padded('{"a":1}', 0) == b'{"a":1}'
    assert plain_client.padded(None, 0) is None


def test_the_floor_decodes_every_image_it_is_given() -> None:
    one, two = b"\x89PNG" * 10, b"\xff\xd8" * 7
    answer = {
        "predictions": [{"bytesBase64Encoded": base64.b64encode(one).decode()}],
        "candidates": [{"parts": [{"inlineData": {"data": base64.b64encode(two).decode()}}]}],
        "note": "not an image",
    }
    assert plain_client.decode_images(json.loads(json.dumps(answer))) == len(one) + len(two)


def test_new_sections_render_only_when_measured() -> None:
    old = json.loads((BENCH / "results.json").read_text(encoding="utf-8"))
    old["figures"].pop("scaling", None)
    text = results_docs.render_results(old)
    assert "### Scaling" not in text
    old["figures"]["scaling"] = {
        "scaling_exponent": 1.01,
        "scaling_cpu_exponent": 0.9,
        "points": [
            {"factor": 1, "cases": 10, "wall_seconds": 1.0, "cpu_seconds": 1.0, "peak_rss_mb": 9}
        ],
    }
    old["scaling_exponent"] = 1.01
    text = results_docs.render_results(old)
    assert "### Scaling" in text and "| `scaling_exponent` | 1.010 | <= 1.03 | met |" in text
