"""Reading and resolving a spec tree runs with the cyclic collector paused: it leaves no cyclic
garbage behind (so pausing keeps nothing alive), what it built is frozen out of the collector's
generations (whose first collection would walk it all), and the collector's state is restored."""

from __future__ import annotations

import gc
from pathlib import Path

from conformance.spec.resolve import check_spec

ROOT = Path(__file__).resolve().parents[2]


def test_resolving_builds_no_cycles_and_restores_the_collector() -> None:
    gc.unfreeze()  # what earlier tests froze goes back in sight, and its garbage is collected
    gc.collect()
    spec, _ = check_spec(ROOT / "specs")
    assert spec is not None and gc.isenabled()
    collected = {id(o) for generation in range(3) for o in gc.get_objects(generation)}
    assert id(spec) not in collected and id(spec.providers[0].models[0]) not in collected
    gc.unfreeze()  # the frozen spec back in the collector's sight: it holds no cycles
    assert gc.collect() == 0
    gc.disable()
    try:
        check_spec(ROOT / "specs")
        assert not gc.isenabled()
    finally:
        gc.enable()


def test_a_broken_tree_still_restores_the_collector(tmp_path: Path) -> None:
    (tmp_path / "providers").mkdir()
    (tmp_path / "providers" / "bad.yaml").write_text("id: [unclosed\n", encoding="utf-8")
    spec, diagnostics = check_spec(tmp_path)
    assert spec is None and diagnostics and gc.isenabled()
