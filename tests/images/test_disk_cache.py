"""The on-disk image cache: reused across runs, bounded, and never an error when unusable."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from conformance.images import clear_synth_cache, make_image
from conformance.images.disk_cache import ENV_VAR, DiskCache, default_cache, image_key


@given(key=st.text(max_size=40), data=st.binary(max_size=2000))
def test_what_is_put_is_got(
    tmp_path_factory: pytest.TempPathFactory, key: str, data: bytes
) -> None:
    cache = DiskCache(tmp_path_factory.mktemp("c"))
    assert cache.get(key) is None
    cache.put(key, data)
    assert cache.get(key) == data


def test_a_file_of_the_wrong_length_is_a_miss(tmp_path: Path) -> None:
    cache = DiskCache(tmp_path)
    cache.put("k", b"abcdef")
    (stored,) = tmp_path.glob("*.bin")
    stored.write_bytes(b"abc")  # truncated behind the cache's back
    assert cache.get("k") is None


def test_the_least_recently_used_go_first(tmp_path: Path) -> None:
    cache = DiskCache(tmp_path, max_bytes=250)
    cache.put("a", bytes(100))
    _age(tmp_path, 1)
    cache.put("b", bytes(100))
    _age(tmp_path, 2)
    assert cache.get("a") == bytes(100)  # a read makes "a" recent again
    cache.put("c", bytes(100))
    assert cache.get("b") is None
    assert cache.get("a") == bytes(100) and cache.get("c") == bytes(100)
    assert sum(p.stat().st_size for p in tmp_path.glob("*.bin")) <= 250


def test_an_unwritable_cache_is_only_a_miss(tmp_path: Path) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("not a directory")
    cache = DiskCache(blocker / "images")
    cache.put("k", b"data")
    assert cache.get("k") is None


def test_the_environment_names_or_disables_it(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setenv(ENV_VAR, "off")
    assert default_cache() is None
    monkeypatch.setenv(ENV_VAR, str(tmp_path))
    cache = default_cache()
    assert cache is not None and cache.root == tmp_path


def test_make_image_reuses_what_an_earlier_run_encoded(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setenv(ENV_VAR, str(tmp_path))
    clear_synth_cache()
    first = make_image(33, 17, "png", "small", seed=5)
    assert list(tmp_path.glob("*.bin"))
    # A later process finds the file: prove the bytes come from disk by planting others there.
    planted = make_image(2, 2, "png")
    DiskCache(tmp_path).put(image_key(33, 17, "png", "small", 5), planted)
    clear_synth_cache()
    assert make_image(33, 17, "png", "small", seed=5) == planted != first
    clear_synth_cache()


def _age(root: Path, when: float) -> None:
    """Date the files not dated yet (the ones written since the last call) at `when`."""
    for path in root.glob("*.bin"):
        if path.stat().st_mtime > 1000:
            os.utime(path, (when, when))
