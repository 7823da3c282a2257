"""Exit codes and the usage error: all `main.py` needs, so `--help` imports nothing heavy."""

from __future__ import annotations

EXIT_OK = 0
EXIT_FINDINGS = 1
EXIT_USAGE = 2
EXIT_INTERNAL = 3


class UsageError(Exception):
    """A user mistake on the command line; printed without a traceback, exit 2."""
