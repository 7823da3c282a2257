"""pytest11 entry point of the conformance suite (options are added as the engine lands)."""

from __future__ import annotations
