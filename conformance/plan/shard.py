"""`--shard K/N`: the Kth of N deterministic, balanced parts of a plan, for parallel CI jobs.

Every job plans the same cases (the plan is a pure function of spec and options), so each can
pick its own part without talking to the others. Parts are balanced by what costs time and
money: requests (one per case, one more for a job's poll, one per image fetched by URL) plus
images. Greedy longest-first assignment (heaviest case to the lightest shard, ties by plan
order and shard number) keeps the heaviest and lightest shard within one case's weight.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from conformance.plan.case import Case
from conformance.plan.planner import Plan

_SHARD = re.compile(r"^([1-9][0-9]*)/([1-9][0-9]*)$")


@dataclass(frozen=True)
class Shard:
    index: int
    count: int

    def __str__(self) -> str:
        return f"{self.index}/{self.count}"


def parse_shard(text: str) -> Shard | str:
    """`K/N` with 1 <= K <= N, or why not."""
    match = _SHARD.match(text.strip())
    if match is None:
        return f"--shard takes K/N (e.g. 2/4), not {text!r}"
    index, count = int(match.group(1)), int(match.group(2))
    if index > count:
        return f"--shard {text}: K must be between 1 and N"
    return Shard(index, count)


def weight(case: Case) -> int:
    """Expected requests plus expected images."""
    images = case.expected_images
    requests = 1 + (1 if case.operation.job else 0)
    if case.expect.encoding == "url":
        requests += images
    return requests + images


def assign(weights: list[int], count: int) -> list[int]:
    """The shard (0-based) of each item: heaviest first onto the lightest shard."""
    loads = [0] * count
    sizes = [0] * count
    out = [0] * len(weights)
    for item in sorted(range(len(weights)), key=lambda i: (-weights[i], i)):
        target = min(range(count), key=lambda s: (loads[s], sizes[s], s))
        out[item] = target
        loads[target] += weights[item]
        sizes[target] += 1
    return out


@dataclass(frozen=True)
class ShardPlan:
    """One shard's part of a plan, and where its cases sit in the whole."""

    shard: Shard
    plan: Plan
    plan_cases: int
    indices: dict[str, int]


def shard_plan(full: Plan, shard: Shard) -> ShardPlan:
    owners = assign([weight(c) for c in full.cases], shard.count)
    mine = tuple(c for c, owner in zip(full.cases, owners, strict=True) if owner == shard.index - 1)
    indices = {c.id: i for i, c in enumerate(full.cases)}
    return ShardPlan(
        shard, Plan(mine, full.coverage), len(full.cases), {c.id: indices[c.id] for c in mine}
    )
