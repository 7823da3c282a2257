"""vcrpy's Cassette with its request lookup indexed: replay in linear, not quadratic, time.

Every playback goes through `Cassette._responses`, which runs the matchers against every
recorded interaction until one matches; with ~750 interactions in a default run that is ~560,000
comparisons, and replaying took 10.6 s against 3.1 s for the live run (docs/cassettes.md). This
subclass keeps a hash index of the recorded requests by everything the matchers compare except
the case tag, and runs vcrpy's own `requests_match` on that bucket only, so what matches is
exactly what vcrpy would have matched, found in constant time. Interactions already played are
passed over before matching rather than after (`allow_playback_repeats=False`), which keeps a
stuck job's hundreds of identical polls linear too.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

from vcr.cassette import Cassette
from vcr.matchers import requests_match

from conformance.cassettes.matching import key_of


class IndexedCassette(Cassette):  # type: ignore[misc]  # vcrpy ships no type information
    auth_headers: frozenset[str] = frozenset()

    def _bucket(self, request: Any) -> tuple[Any, ...]:
        key = key_of(request, self.auth_headers)
        body = json.dumps(key.body, sort_keys=True, separators=(",", ":"))
        return key.method, key.target, key.query, body, key.auth

    def _index(self) -> dict[tuple[Any, ...], list[int]]:
        index: dict[tuple[Any, ...], list[int]] = self.__dict__.setdefault("_bucket_index", {})
        done: int = self.__dict__.get("_bucket_done", 0)
        for position in range(done, len(self.data)):
            index.setdefault(self._bucket(self.data[position][0]), []).append(position)
        self.__dict__["_bucket_done"] = len(self.data)
        return index

    def _responses(self, request: Any) -> Iterator[tuple[int, Any]]:
        request = self._before_record_request(request)
        if not request:
            return
        fresh_only = not self.allow_playback_repeats
        for position in self._index().get(self._bucket(request), ()):
            if fresh_only and self.play_counts[position]:
                continue  # used up: vcrpy would skip it after matching (a job's 100th poll)
            stored, response = self.data[position]
            if requests_match(request, stored, self._match_on):
                yield position, response


def indexed_cassette_class(auth_headers: frozenset[str]) -> Any:
    """An `IndexedCassette` subclass keyed like the matchers (same key-slot headers)."""
    return type("SessionCassette", (IndexedCassette,), {"auth_headers": auth_headers})
