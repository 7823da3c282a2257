"""Results between a `--jobs` run's processes: they come back equal, pointing into the
receiving process's spec (not into copies of it), and the spec never travels."""

from __future__ import annotations

import pickle
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "report"))

from report_testkit import SPEC, relay_run, small_plan

from conformance.runner.portable import Codec


def test_results_round_trip_with_spec_references() -> None:
    run = relay_run(small_plan("apiframe", "tokaify", max_examples=1), thumbnails=False)
    codec = Codec(SPEC)
    data = codec.dumps(list(run.results))
    back = codec.loads(data)
    assert back == list(run.results)
    for sent, got in zip(run.results, back, strict=True):
        assert got.case.provider is sent.case.provider
        assert got.case.model is sent.case.model
        assert got.case.operation is sent.case.operation
        assert got.outcome == sent.outcome
    one = run.results[0]
    assert b"Provider" in pickle.dumps(one)  # a plain pickle carries its part of the spec
    assert b"Provider" not in data and b"Operation" not in data
    plain = pickle.loads(pickle.dumps(run.results[0]))
    assert plain.case.provider is not run.results[0].case.provider  # what the codec avoids
