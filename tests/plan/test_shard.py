"""`--shard K/N`: shards partition the plan (union = plan, pairwise disjoint), deterministically,
and balance expected requests plus images within one case's weight."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from conformance.plan.planner import PlanOptions, plan
from conformance.plan.shard import Shard, assign, parse_shard, shard_plan, weight
from conformance.spec.resolve import load_spec

SPEC = load_spec(Path(__file__).resolve().parents[2] / "specs")
FULL = plan(SPEC, PlanOptions())


@pytest.mark.parametrize("count", [1, 2, 3, 4])
def test_shards_partition_the_plan(count: int) -> None:
    parts = [shard_plan(FULL, Shard(k, count)) for k in range(1, count + 1)]
    ids = [c.id for p in parts for c in p.plan.cases]
    assert sorted(ids) == sorted(c.id for c in FULL.cases)
    assert len(ids) == len(set(ids))
    position = {c.id: i for i, c in enumerate(FULL.cases)}
    for part in parts:
        assert part.plan_cases == len(FULL.cases) and part.plan.coverage == FULL.coverage
        assert part.indices == {c.id: position[c.id] for c in part.plan.cases}
        order = [position[c.id] for c in part.plan.cases]
        assert order == sorted(order)  # each shard keeps plan order
    loads = [sum(weight(c) for c in p.plan.cases) for p in parts]
    assert max(loads) - min(loads) <= max(weight(c) for c in FULL.cases)


def test_shards_are_deterministic() -> None:
    again = plan(SPEC, PlanOptions())
    for k in (1, 2, 3):
        first = [c.id for c in shard_plan(FULL, Shard(k, 3)).plan.cases]
        assert first == [c.id for c in shard_plan(again, Shard(k, 3)).plan.cases]


@given(st.lists(st.integers(1, 50), max_size=200), st.integers(1, 8))
def test_assignment_is_a_balanced_partition(weights: list[int], count: int) -> None:
    owners = assign(weights, count)
    assert len(owners) == len(weights) and all(0 <= o < count for o in owners)
    loads = [sum(w for w, o in zip(weights, owners, strict=True) if o == s) for s in range(count)]
    if weights:
        assert max(loads) - min(loads) <= max(weights)
    assert owners == assign(weights, count)


@pytest.mark.parametrize(
    ("text", "says"), [("0/3", "K/N"), ("4/3", "between"), ("2", "K/N"), ("a/b", "K/N")]
)
def test_bad_shards_say_why(text: str, says: str) -> None:
    error = parse_shard(text)
    assert isinstance(error, str) and says in error


def test_weight_counts_requests_and_images() -> None:
    generating = next(c for c in FULL.cases if c.expected_images >= 2)
    assert weight(generating) >= 1 + generating.expected_images
    negative = next(c for c in FULL.cases if c.kind == "negative")
    assert weight(negative) == 1
