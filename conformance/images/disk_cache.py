"""Encoded synthetic images kept on disk between runs, keyed by everything that decides their bytes.

The reference relay answers with the same few dozen images on every run, and encoding them was
~0.5 s of CPU per default run (26% of it). Images are deterministic in (width, height, format,
payload, seed) and in the encoder, so a file named by a digest of those (and of the Pillow
version and `SYNTH_VERSION`) can be reused as is. The directory is bounded: after each write the
least recently used files go until the total fits. Everything here is best effort: an unreadable
or unwritable cache only means encoding again, never an error.

`CONFORMANCE_IMAGE_CACHE` names the directory (`off` disables it); the default is
`$XDG_CACHE_HOME/imagegen-conformance/images` (or `~/.cache/...`).
"""

from __future__ import annotations

import hashlib
import os
import tempfile
from pathlib import Path
from typing import Final

ENV_VAR: Final = "CONFORMANCE_IMAGE_CACHE"
#: Bump when `synth` changes what it produces for the same arguments.
SYNTH_VERSION: Final = 3
DEFAULT_MAX_BYTES: Final = 512 * 1024 * 1024


class DiskCache:
    """A bounded directory of byte strings named by key digest and length."""

    def __init__(self, root: Path, max_bytes: int = DEFAULT_MAX_BYTES) -> None:
        self.root = root
        self.max_bytes = max_bytes

    def get(self, key: str) -> bytes | None:
        """The bytes stored under `key`, or None (missing, unreadable or of the wrong length)."""
        digest = _digest(key)
        try:
            for path in self.root.glob(f"{digest}-*.bin"):
                data = path.read_bytes()
                if path.stem == f"{digest}-{len(data)}":
                    os.utime(path)  # recency for eviction
                    return data
        except OSError:
            return None
        return None

    def put(self, key: str, data: bytes) -> None:
        """Store `data` under `key` atomically, then evict the oldest files beyond the bound."""
        if len(data) > self.max_bytes:
            return
        target = self.root / f"{_digest(key)}-{len(data)}.bin"
        try:
            self.root.mkdir(parents=True, exist_ok=True)
            fd, tmp = tempfile.mkstemp(dir=self.root, suffix=".tmp")
            try:
                with os.fdopen(fd, "wb") as out:
                    out.write(data)
                os.replace(tmp, target)
            except BaseException:
                Path(tmp).unlink(missing_ok=True)
                raise
            for stale in self.root.glob(f"{_digest(key)}-*.bin"):  # the key's earlier bytes
                if stale != target:
                    stale.unlink(missing_ok=True)
            self._evict()
        except OSError:
            return

    def _evict(self) -> None:
        entries = []
        for path in self.root.glob("*.bin"):
            try:
                stat = path.stat()
            except OSError:
                continue
            entries.append((stat.st_mtime, stat.st_size, path))
        total = sum(size for _, size, _ in entries)
        for _, size, path in sorted(entries, key=lambda e: e[0]):
            if total <= self.max_bytes:
                break
            path.unlink(missing_ok=True)
            total -= size


def image_key(width: int, height: int, fmt: str, payload: str, seed: int) -> str:
    """The cache key of one synthetic image: its arguments and what encodes them."""
    import PIL  # the package's version only; PIL.Image is imported where images are encoded

    return f"v{SYNTH_VERSION}|pillow {PIL.__version__}|{width}x{height}|{fmt}|{payload}|{seed}"


def default_cache() -> DiskCache | None:
    """The cache `CONFORMANCE_IMAGE_CACHE` (or the user cache directory) names; None when off."""
    configured = os.environ.get(ENV_VAR)
    if configured is not None:
        return (
            None if configured.strip().lower() in ("", "off", "0") else DiskCache(Path(configured))
        )
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return DiskCache(Path(base) / "imagegen-conformance" / "images")


def _digest(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()[:32]
