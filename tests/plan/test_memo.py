"""The planner's within-run memory: a plan is the same with and without it, keys ignore only
documentation, and no caller ever holds the kept value."""

from __future__ import annotations

import re
import shutil
from dataclasses import fields, replace
from pathlib import Path

import pytest

from conformance.plan import explore, negative
from conformance.plan.memo import DOCUMENTATION, Memo, copy_json, key_of, meaning
from conformance.plan.planner import PlanOptions, plan
from conformance.spec.diagnostics import Location
from conformance.spec.model import LengthLimit, Parameter, Spec
from conformance.spec.resolve import load_spec

ROOT = Path(__file__).resolve().parents[2]


def _copied_tree(into: Path) -> Path:
    """The committed tree with the google provider file copied under another id and key."""
    shutil.copytree(ROOT / "specs", into)
    text = (into / "providers" / "google.yaml").read_text(encoding="utf-8")
    text = re.sub(r"^id: (\S+)$", r"id: \1-copy", text, count=1, flags=re.M)
    text = re.sub(r"^(\s+key_env: )(\S+)$", r"\1\2_COPY", text, count=1, flags=re.M)
    (into / "providers" / "google-copy.yaml").write_text(text, encoding="utf-8")
    return into


def _forgetful(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(explore, "_DRAWN", Memo(copy_json, limit=0))
    monkeypatch.setattr(negative, "_DERIVED", Memo(lambda found: found, limit=0))


def test_plan_is_the_same_with_and_without_memory(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    spec = load_spec(_copied_tree(tmp_path / "specs"))
    options = PlanOptions()
    explore._DRAWN.clear()
    negative._DERIVED.clear()
    remembered = plan(spec, options)
    assert explore._DRAWN.hits > 0 and negative._DERIVED.hits > 0
    _forgetful(monkeypatch)
    derived = plan(spec, options)
    assert [c.as_dict() for c in remembered.cases] == [c.as_dict() for c in derived.cases]
    assert remembered.coverage == derived.coverage
    explored = lambda provider: [  # noqa: E731
        c.request.body
        for c in remembered.cases
        if c.kind == "explore" and c.provider.id == provider
    ]
    assert explored("google") and explored("google") == explored("google-copy")


def test_no_two_cases_share_a_body(spec: Spec) -> None:
    cases = plan(spec, PlanOptions(providers=("google",))).cases
    bodies = [c.request.body for c in cases if isinstance(c.request.body, dict)]
    again = plan(spec, PlanOptions(providers=("google",))).cases
    assert not {id(b) for b in bodies} & {id(c.request.body) for c in again}


def test_meaning_ignores_documentation_only(spec: Spec) -> None:
    operation = spec.providers[0].models[0].operations[0]
    param = next(p for p in operation.body_parameters if p.maximum is not None or p.enum)
    elsewhere = Location("elsewhere.yaml", 9, 9)
    documented = replace(param, declared_at=elsewhere, description="other words", notes=("n",))
    assert meaning(documented) == meaning(param)
    if param.maximum is not None:
        assert meaning(replace(param, maximum=param.maximum + 1)) != meaning(param)
    else:
        assert meaning(replace(param, enum=(*(param.enum or ()), "extra"))) != meaning(param)
    assert meaning(replace(param, enforcement="advisory")) != meaning(
        replace(param, enforcement="enforced")
    )
    assert len({repr(meaning(v)) for v in (1, 1.0, True, "1", None)}) == 5


def test_key_of_follows_the_object_asked_for(spec: Spec) -> None:
    first, second = (p.models[0].operations[0].parameters for p in spec.providers[:2])
    assert key_of(first) != key_of(second)
    assert key_of(first) == key_of(tuple(first))  # a new tuple: computed again, equal


def test_key_of_reads_no_documentation(spec: Spec) -> None:
    """The fields `key_of` reads hold no location and no citation: the text is a meaning."""
    kept = [f for f in fields(Parameter) if f.name not in DOCUMENTATION]
    assert not [f.name for f in kept if "Location" in str(f.type) or "Source" in str(f.type)]
    assert not [f.name for f in fields(LengthLimit) if "Location" in str(f.type)]
    params = spec.providers[0].models[0].operations[0].parameters
    moved = tuple(
        replace(p, declared_at=Location("x.yaml", 1, 1), description="d", sources=())
        for p in params
    )
    assert key_of(moved) == key_of(params)
    widened = (replace(params[0], required=not params[0].required), *params[1:])
    assert key_of(widened) != key_of(params)


def test_memo_hands_out_copies() -> None:
    memo: Memo[list[dict[str, list[int]]]] = Memo(copy_json)
    made = memo.get("k", lambda: [{"a": [1]}])
    made[0]["a"].append(2)
    hit = memo.get("k", lambda: [])
    assert hit == [{"a": [1]}] and memo.hits == 1 and memo.misses == 1
    hit[0]["a"].append(3)
    assert memo.get("k", lambda: []) == [{"a": [1]}]


def test_memo_is_bounded() -> None:
    memo: Memo[int] = Memo(lambda v: v, limit=2)
    for key in "abc":
        memo.get(key, lambda: 1)
    assert memo.get("a", lambda: 2) == 2  # the oldest went first
