"""Synthetic spec trees for the scaling benchmark: the committed tree with every provider copied.

`grow(factor, into)` writes a copy of `specs/` where each provider file appears `factor` times
(ids and key variables suffixed `-x2`, `-x3`, ...), so the number of provider x model pairs, and
of planned requests, is `factor` times the committed tree's. Families, models, sources and
envelopes are shared, as they would be in a tree with that many relays.

`distinct=True` also renames every provider model id in each copy (`imagen-4.0-generate-001-x2`,
same upstream), as relays that sell one upstream model under their own names do. The planner
derives an operation's hypothesis draws and negatives once per distinct meaning in a run
(`conformance/plan/memo.py`), and a plain copy shares its meaning with the original; renamed
copies do not, so a distinct tree measures planning with no copy to reuse.
"""

from __future__ import annotations

import re
import shutil
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SPECS = ROOT / "specs"

_ID = re.compile(r"^id: (\S+)$", re.M)
_KEY = re.compile(r"^(\s+key_env: )(\S+)$", re.M)
#: A provider model's id: block style (`  - id: x`) or flow style (`  - {id: x, ...}`).
_MODEL_ID = re.compile(r"^(  - \{?id: )([^,}\s]+)", re.M)


def grow(factor: int, into: Path, source: Path = SPECS, *, distinct: bool = False) -> Path:
    """Write the tree `factor` times the providers into `into` (emptied first); returns it."""
    if factor < 1:
        raise ValueError("factor must be at least 1")
    shutil.rmtree(into, ignore_errors=True)
    shutil.copytree(source, into)
    for path in sorted((into / "providers").glob("*.yaml")):
        text = path.read_text(encoding="utf-8")
        for copy in range(2, factor + 1):
            grown = _ID.sub(lambda m, c=copy: f"id: {m.group(1)}-x{c}", text, count=1)
            grown = _KEY.sub(lambda m, c=copy: f"{m.group(1)}{m.group(2)}_X{c}", grown, count=1)
            if distinct:
                grown = _MODEL_ID.sub(lambda m, c=copy: f"{m.group(1)}{m.group(2)}-x{c}", grown)
            path.with_name(f"{path.stem}-x{copy}.yaml").write_text(grown, encoding="utf-8")
    return into
