"""The cassette directory on disk, and the vcrpy persister that splits a run across it.

A run is recorded as one vcrpy cassette (vcrpy patches httpx once for the whole run, so every
provider and model is sent concurrently, as in a plain run); `DirectoryPersister` stores that
cassette as one standard vcrpy YAML file per provider x model, `<dir>/<provider>/<model>.yaml`,
each loadable by vcrpy on its own. Interactions are written sorted by case id (recording order
kept within a case, which is what job polls need), so that re-recording an unchanged target
gives a small diff. Nothing is written that still holds a secret value.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable, Mapping
from pathlib import Path
from typing import Any

from vcr.persisters.filesystem import CassetteNotFoundError
from vcr.serialize import serialize

from conformance.cassettes.manifest import MANIFEST, CassetteError, Manifest, cassette_name
from conformance.cassettes.matching import CASE_HEADER
from conformance.cassettes.scrub import Secrets
from conformance.cassettes.validate import parse_cassette

Interactions = tuple[list[Any], list[Any]]


def write_atomic(path: Path, data: bytes) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.tmp")
    tmp.write_bytes(data)
    os.replace(tmp, path)


class Store:
    """`<root>/<provider>/manifest.json` and `<root>/<provider>/<model>.yaml`."""

    def __init__(self, root: Path) -> None:
        self.root = root

    def manifest_path(self, provider: str) -> Path:
        return self.root / provider / MANIFEST

    def cassette_path(self, provider: str, model: str) -> Path:
        return self.root / provider / cassette_name(model)

    def manifest(self, provider: str) -> Manifest | None:
        path = self.manifest_path(provider)
        return Manifest.load(path) if path.is_file() else None

    def providers(self) -> list[str]:
        if not self.root.is_dir():
            return []
        return sorted(p.parent.name for p in self.root.glob(f"*/{MANIFEST}"))

    def files(self) -> list[Path]:
        """Every manifest and cassette file, in path order."""
        if not self.root.is_dir():
            return []
        return sorted(
            p for p in self.root.glob("*/*") if p.is_file() and p.suffix in (".json", ".yaml")
        )

    def require(self) -> None:
        """Raise CassetteError unless the directory holds at least one provider's recording."""
        if not self.root.is_dir():
            raise CassetteError(f"no recording at {self.root}: the directory does not exist")
        if not self.providers():
            raise CassetteError(
                f"no recording at {self.root}: no <provider>/{MANIFEST} in it "
                "(record one with `conformance run --record DIR`)"
            )

    def read(self, provider: str, model: str, serializer: Any) -> Interactions:
        path = self.cassette_path(provider, model)
        if not path.is_file():
            return [], []
        try:
            text = path.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as exc:
            raise CassetteError(f"{path}: cannot read the cassette ({exc})") from None
        return parse_cassette(text, path, serializer)

    def orphans(self) -> list[str]:
        """Providers with cassettes but no manifest (deleted?): nothing of them can replay."""
        if not self.root.is_dir():
            return []
        return sorted(
            d.name
            for d in self.root.iterdir()
            if d.is_dir() and not (d / MANIFEST).is_file() and any(d.glob("*.yaml"))
        )


def case_of(request: Any) -> str:
    value = request.headers.get(CASE_HEADER)
    return str(value or "")


class DirectoryPersister:
    """A vcrpy persister: the run's single cassette, one file per provider x model.

    `models`: the (provider, model) pairs this run reads and writes. `locate`: case id ->
    (provider, model) for interactions recorded now. `keep`: for interactions already on disk
    when recording fresh (`merge=True`), whether a case's old recording stays (a case outside
    this run's selection that is still planned) or goes (re-recorded now, or no longer planned).
    With `merge=False` the files are read in full and rewritten from what vcrpy holds.
    """

    def __init__(
        self,
        store: Store,
        models: Iterable[tuple[str, str]],
        locate: Callable[[str], tuple[str, str] | None],
        secrets: Secrets,
        *,
        load: bool = True,
        merge: bool = False,
        keep: Callable[[str], bool] = lambda case_id: True,
    ) -> None:
        self.store = store
        self.models = sorted(set(models))
        self.locate = locate
        self.secrets = secrets
        self._load = load
        self._merge = merge
        self._keep = keep
        self.written: list[Path] = []

    def load_cassette(self, cassette_path: str, serializer: Any) -> Interactions:
        if not self._load:
            raise CassetteNotFoundError(cassette_path)
        requests: list[Any] = []
        responses: list[Any] = []
        for provider, model in self.models:
            more = self.store.read(provider, model, serializer)
            requests += more[0]
            responses += more[1]
        if not requests:
            raise CassetteNotFoundError(cassette_path)
        return requests, responses

    def save_cassette(
        self, cassette_path: str, cassette_dict: Mapping[str, Any], serializer: Any
    ) -> None:
        groups: dict[tuple[str, str], list[tuple[Any, Any]]] = {m: [] for m in self.models}
        pairs = zip(cassette_dict["requests"], cassette_dict["responses"], strict=True)
        for request, response in pairs:
            where = self.locate(case_of(request))
            if where is None:
                raise CassetteError(
                    f"an HTTP exchange outside every planned case was recorded "
                    f"({request.method} {request.uri}); nothing was written"
                )
            groups.setdefault(where, []).append((request, response))
        for (provider, model), fresh in sorted(groups.items()):
            old: list[tuple[Any, Any]] = []
            if self._merge:
                loaded = self.store.read(provider, model, serializer)
                old = [p for p in zip(*loaded, strict=True) if self._keep(case_of(p[0]))]
            self._write(provider, model, old + fresh, serializer)

    def _write(
        self, provider: str, model: str, pairs: list[tuple[Any, Any]], serializer: Any
    ) -> None:
        path = self.store.cassette_path(provider, model)
        if not pairs:
            if path.exists():
                path.unlink()
            return
        ordered = sorted(enumerate(pairs), key=lambda item: (case_of(item[1][0]), item[0]))
        data = {
            "requests": [request for _, (request, _) in ordered],
            "responses": [response for _, (_, response) in ordered],
        }
        text = serialize(data, serializer).encode("utf-8")
        self.secrets.assert_clean(text, str(path))
        write_atomic(path, text)
        self.written.append(path)
