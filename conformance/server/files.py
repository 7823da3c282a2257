"""Images served by URL: the relay's own little CDN for URL answers and job results.

AI/ML API answers `url` by default and Apiframe jobs hand back image URLs, so the relay must
serve those URLs itself. It stores a recipe per URL (which image, which Content-Type, cut short
or not), never the bytes: the bytes come from the shared image cache, so memory stays flat no
matter how many URLs are handed out. The store is bounded; the oldest URLs expire first.
"""

from __future__ import annotations

import secrets
import threading
from collections import OrderedDict
from dataclasses import dataclass

from conformance.server.payloads import ImageKey

FILE_ROUTE = "relay_file"
FILE_PREFIX = "/_relay/files"


@dataclass(frozen=True)
class FileRecipe:
    """How to produce the body of one served image URL."""

    key: ImageKey
    content_type: str
    truncate: bool = False

    @property
    def name_suffix(self) -> str:
        return self.key.format.extension


class FileStore:
    """Bounded map from random URL tokens to recipes (oldest evicted first)."""

    def __init__(self, max_entries: int = 10_000) -> None:
        self._max_entries = max_entries
        self._items: OrderedDict[str, FileRecipe] = OrderedDict()
        self._lock = threading.Lock()

    def add(self, recipe: FileRecipe) -> str:
        """Store `recipe`; returns the file name to put in the URL (token + extension)."""
        token = secrets.token_urlsafe(12)
        with self._lock:
            self._items[token] = recipe
            while len(self._items) > self._max_entries:
                self._items.popitem(last=False)
        return token + recipe.name_suffix

    def get(self, name: str) -> FileRecipe | None:
        token = name.split(".", 1)[0]
        with self._lock:
            return self._items.get(token)

    def __len__(self) -> int:
        return len(self._items)
