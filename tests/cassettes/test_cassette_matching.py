"""Matching: the indexed cassette plays exactly what vcrpy's own Cassette plays, and a missing
request is explained by the nearest recorded one and a per-pointer diff."""

from __future__ import annotations

import copy
from typing import Any

from cassette_testkit import CASSETTES
from vcr.cassette import Cassette

from conformance.cassettes.indexed import indexed_cassette_class
from conformance.cassettes.matching import closest, diff
from conformance.cassettes.session import CassetteSession
from conformance.cassettes.store import Store
from conformance.plan.planner import PlanOptions, plan
from conformance.spec.model import Spec


def _config(spec: Spec, provider: str) -> tuple[dict[str, Any], frozenset[str]]:
    cases = plan(spec, PlanOptions(providers=(provider,))).cases
    session = CassetteSession(Store(CASSETTES), spec, cases)
    config = session.vcr().get_merged_config(path=str(CASSETTES), allow_playback_repeats=False)
    for name in ("path_transformer", "func_path_generator", "record_on_exception"):
        config.pop(name, None)
    return config, session.slots.key_headers | session.slots.secret_headers


def test_the_index_plays_what_vcrpy_plays(spec: Spec) -> None:
    for provider in ("apiframe", "tokaify"):  # job polls replayed in order; plain requests
        config, auth = _config(spec, provider)
        plain = Cassette.load(**config)
        indexed = indexed_cassette_class(auth).load(**config)
        assert len(plain) == len(indexed) > 20
        for request in plain.requests:
            incoming = copy.deepcopy(request)
            assert plain.can_play_response_for(incoming) == indexed.can_play_response_for(incoming)
            assert plain.play_response(incoming) == indexed.play_response(incoming)
        assert plain.all_played and indexed.all_played


def test_diff_names_each_pointer() -> None:
    old = {"body": {"n": 1, "list": [1, 2], "gone": True}, "method": "POST"}
    new = {"body": {"n": 2, "list": [1, 2, 3], "new": "x"}, "method": "POST"}
    assert diff(old, new) == [
        "/body/gone: removed (was true)",
        "/body/list/2: added 3",
        "/body/n: 1 -> 2",
        '/body/new: added "x"',
    ]
    assert diff(old, old) == []


def test_closest_prefers_the_same_route_then_the_fewest_differences() -> None:
    wanted = {"method": "POST", "target": "/a", "body": {"x": 1, "y": 2}}
    recorded = [
        ("other-route", {"method": "POST", "target": "/b", "body": {"x": 1, "y": 2}}),
        ("two-off", {"method": "POST", "target": "/a", "body": {"x": 0, "y": 0}}),
        ("one-off", {"method": "POST", "target": "/a", "body": {"x": 1, "y": 0}}),
    ]
    assert closest(wanted, recorded) == ("one-off", ["/body/y: 0 -> 2"])
    assert closest(wanted, []) is None
