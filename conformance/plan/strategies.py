"""Hypothesis strategies for valid requests, built from the spec model's own constraints.

Whole-body generation from the JSON Schema would wander into open objects and free-form arrays
(tools, safety settings) and produce huge, meaningless requests; instead each covered leaf gets
hypothesis's own strategy for the constraint the model states (an enum is `sampled_from`, a
range `integers` between its bounds, a number a multiple of 0.25 in its range), may be omitted,
and the prompt is short printable text. Every drawn body is valid against the generated request
schema (tests/plan/test_strategies.py, tests/schema/test_request_properties.py). Exploration
draws a fixed number of bodies with a seed, so a plan is reproducible; `plan/explore.py` is
the planner's way in (it reads recorded draws first and imports this module only to draw).
"""

from __future__ import annotations

import contextlib
import functools
import json
import math
import string
from collections.abc import Iterator
from typing import Any

from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import seed as hypothesis_seed
from hypothesis import strategies as st

from conformance.plan.bodies import base_body, covered_parameters, meet_requires, set_path
from conformance.plan.covering import value_set
from conformance.plan.memo import Memo, key_of
from conformance.spec.model import Model, Operation, Parameter
from conformance.triggers import ALL as TRIGGERS

# Printable ASCII joined from a list of `sampled_from` characters: `st.characters(32, 126)`, and
# `st.text` with any alphabet (a string or a strategy of characters), make hypothesis build its
# Unicode charmap, ~1.3 s of CPU on the first run of every fresh checkout (it is cached in
# .hypothesis/, which a fresh checkout or CI job does not have).
# Ordered as hypothesis orders characters, so a failing prompt shrinks to "0", not "!".
PROMPT_ALPHABET = string.digits + string.ascii_letters + string.punctuation + " "
# Numbers are drawn as multiples of this (exact in binary floating point, readable in JSON).
NUMBER_STEP = 0.25
# An unbounded side of a range draws within this: multiples of NUMBER_STEP stay exact floats.
_UNBOUNDED = 2**50


@functools.cache
def prompts() -> st.SearchStrategy[str]:
    """Short printable prompts (never a relay trigger marker). One strategy object for the
    process: hypothesis validates a strategy and works out its label and emptiness once per
    object, and every operation's requests draw their prompt from it."""
    characters = st.lists(st.sampled_from(PROMPT_ALPHABET), min_size=1, max_size=40)
    return characters.map("".join).filter(
        lambda s: bool(s.strip()) and not any(t in s for t in TRIGGERS)
    )


def leaf_strategy(param: Parameter) -> st.SearchStrategy[Any]:
    """Valid values of one covered parameter, from the constraint the spec model states."""
    if param.items_enum:
        return st.sampled_from(value_set(param))
    if param.enum:
        return st.sampled_from(list(param.enum))
    if param.type == "boolean":
        return st.booleans()
    if param.type == "integer":
        low = None if param.minimum is None else math.ceil(param.minimum)
        high = None if param.maximum is None else math.floor(param.maximum)
        return st.integers(min_value=low, max_value=high)
    if param.type == "number":
        low = -_UNBOUNDED if param.minimum is None else math.ceil(param.minimum / NUMBER_STEP)
        high = _UNBOUNDED if param.maximum is None else math.floor(param.maximum / NUMBER_STEP)
        return st.integers(min_value=low, max_value=high).map(lambda k: k * NUMBER_STEP)
    raise ValueError(f"{param.name}: no strategy for a {param.type} leaf without an enum")


#: The optional-values strategy of each set of enforced covered parameters, by their meaning
#: (`memo.key_of`): hypothesis works out a strategy's validity, emptiness and reusable values
#: once per object, recursively (15% of drawing at 64x the providers, where every operation
#: built its own objects), so operations covering the same parameters share one. What a session
#: draws depends on the strategies' structure, not on which objects they are: the recorded
#: draws are the same (`conformance draws --check`). Strategies are immutable: not copied.
_VALUES: Memo[st.SearchStrategy[dict[str, Any]]] = Memo(lambda strategy: strategy)


def _optional_values(params: tuple[Parameter, ...]) -> st.SearchStrategy[dict[str, Any]]:
    return _VALUES.get(
        key_of(params),
        lambda: st.fixed_dictionaries({p.name: st.none() | leaf_strategy(p) for p in params}),
    )


def request_strategy(model: Model, operation: Operation) -> st.SearchStrategy[dict[str, Any]]:
    """Valid request bodies: a short prompt and any subset of the enforced covered leaves, with
    every `requires` rule of a drawn leaf met (Vertex's seed draws addWatermark false)."""
    params = tuple(p for p in covered_parameters(operation) if p.enforcement == "enforced")
    by_name = {p.name: p for p in params}

    def build(prompt: str, values: dict[str, Any]) -> dict[str, Any]:
        body = base_body(model, operation, prompt) or {}
        for name in sorted(values):
            if values[name] is not None:
                body = set_path(body, by_name[name].path, values[name])
        return meet_requires(operation, body)

    return st.builds(build, prompts(), _optional_values(params))


def draw(model: Model, operation: Operation, count: int, seed: int) -> list[dict[str, Any]]:
    """`count` distinct bodies drawn from the strategy; the same seed gives the same bodies.
    (`plan/explore.py` asks for them only when they are not recorded.)"""
    strategy = request_strategy(model, operation)
    # Most operations give `count` distinct bodies in their first `count` draws: a session of
    # exactly that many ends without the replay and report that stopping a session early costs
    # (hypothesis replays the "failing" example). Otherwise the same seed again, with room to
    # spare, stopped once enough are in. Both are deterministic in the seed; hypothesis's draws
    # depend on max_examples, so for some (count, seed) the bodies differ from one session of
    # 3x the count (not for the default 3 and 0: the committed cassettes are unchanged).
    found = _session(strategy, count, count, seed, stop=False)
    if len(found) < count:
        found = _session(strategy, count, max(count * 3, count + 5), seed, stop=True)
    return list(found.values())[:count]


def _session(
    strategy: st.SearchStrategy[dict[str, Any]], count: int, examples: int, seed: int, stop: bool
) -> dict[str, dict[str, Any]]:
    """Up to `count` distinct bodies from `examples` draws (`stop`: end once they are in)."""
    found: dict[str, dict[str, Any]] = {}

    @settings(
        max_examples=examples,
        database=None,
        deadline=None,
        phases=[Phase.generate],
        suppress_health_check=list(HealthCheck),
        derandomize=False,
        report_multiple_bugs=False,
    )
    @hypothesis_seed(seed)
    @given(strategy)
    def collect(body: dict[str, Any]) -> None:
        if len(found) < count:
            found.setdefault(json.dumps(body, sort_keys=True), body)
        if stop and len(found) >= count:
            raise _Enough

    # Hypothesis names a test's database entries by a digest of its source, which it reads and
    # tokenizes (`inspect.getsource`) on every run: 7.5% of planning a 16x tree, measured. With
    # `database=None` the key is never used, and hypothesis takes a preset one as given.
    collect._hypothesis_internal_database_key = None  # type: ignore[attr-defined]
    with _without_local_constants(), contextlib.suppress(_Enough):
        collect()
    return found


class _Enough(Exception):
    """Raised from the test body once `count` distinct bodies are in: hypothesis would otherwise
    draw all `max_examples` (3x the count) and the plan would pay for draws it throws away."""


#: The allowed constants per (choice type, constraints) the planner's sessions computed: what
#: hypothesis filters out of its global constants for each draw kind (~5,000 `choice_permitted`
#: calls for the 6 operations of a google run when every session started with an empty cache).
#: A pure function of the key once local constants are out, so sessions of one process share
#: it; hypothesis's own cache is left to other users of hypothesis in the process.
_constants_cache: Any = None


@contextlib.contextmanager
def _without_local_constants() -> Iterator[None]:
    """Hypothesis (6.131+) mixes literals from "local" modules into its draws: modules outside
    site-packages, i.e. this package in a checkout or an editable install but not in a wheel.
    The same seed then explores other requests depending on how the suite is installed and which
    modules happen to be imported, and recorded cassettes go stale between a checkout and CI
    (seen: `compressionQuality` 100 from our own source vs 49). Hypothesis has no setting for it,
    so the planner's draws see no local constants; where hypothesis's internals differ (a later
    version), nothing is patched and tests/plan/test_explore_install.py says so."""
    global _constants_cache
    try:
        from hypothesis.internal.conjecture import providers

        empty = providers.Constants()  # type: ignore[attr-defined]
        if _constants_cache is None:
            _constants_cache = type(providers.CONSTANTS_CACHE)(1024)
        original = providers._get_local_constants
        original_cache = providers.CONSTANTS_CACHE
    except (ImportError, AttributeError, TypeError):  # pragma: no cover (other hypothesis)
        yield
        return
    providers._get_local_constants = lambda: empty
    providers.CONSTANTS_CACHE = _constants_cache
    try:
        yield
    finally:
        providers._get_local_constants = original
        providers.CONSTANTS_CACHE = original_cache
