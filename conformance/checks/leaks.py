"""Error bodies that leak the relay's internals: stack traces, server file paths, the key.

A relay in debug mode answers a bad request with its traceback; one that echoes the request
into its error message hands the caller's key to whoever logs the answer. Either is a finding on
any 4xx/5xx body. The transport has already replaced the caller's key with `$ENV_VAR`, so an
echoed key shows up as that marker (the suite's own wrong key is not secret and is matched as
is).
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from conformance.checks.registry import Finding, check, failed, passed
from conformance.exchange import Exchange
from conformance.plan.case import WRONG_KEY, Case

#: (what it is, pattern): each matches text no well-behaved error message holds. Every pattern
#: starts with a literal character where it can (a lookbehind after it, instead of `\b` or
#: `(?<![\w.])` before it: the same matches), so that the regex engine skips to the places that
#: literal occurs instead of trying the pattern at every character: 30 -> 5 us per error body,
#: which at 16x the providers was 3% of a run's CPU. tests/checks/test_leaks.py holds them equal
#: to the plain spellings.
TELLTALES: tuple[tuple[str, re.Pattern[str]], ...] = (
    ("a Python traceback", re.compile(r"Traceback \(most recent call last\)")),
    ("a Python stack frame", re.compile(r'File "[^"]+", line \d+')),
    ("a Java stack frame", re.compile(r"at (?<!\wat )[\w$.]+\([\w$]+\.(?:java|kt|scala):\d+\)")),
    (
        "a Node.js stack frame",
        re.compile(r"at (?<!\wat ).{0,200}?\(?(?:/|[A-Za-z]:\\)[^\s()]+:\d+:\d+\)?"),
    ),
    ("a Go panic", re.compile(r"goroutine \d+ \[running\]|panic: .+\n")),
    ("a PHP stack trace", re.compile(r"Stack trace:\s*(?:\\n)?#0 ")),
    (
        "a server file path",
        re.compile(
            r"/(?<![\w.]/)(?:[\w.-]+/)+[\w.-]+\.(?:py|pyc|js|mjs|ts|go|java|rb|php|cs)\b"
            r"|site-packages/|node_modules/"
            r"|:(?<=[A-Za-z]:)\\\\?(?:Users|inetpub|Program Files)\\\\?"
        ),
    ),
)


def leaks(text: str, key_env: str) -> list[str]:
    """What `text` leaks, by name (empty when nothing)."""
    found = [name for name, pattern in TELLTALES if pattern.search(text)]
    if f"${key_env}" in text or WRONG_KEY in text:
        found.append("the request's API key")
    return found


@check("error-leak")
def error_leak(case: Case, exchange: Exchange) -> Iterator[Finding]:
    response = exchange.response
    assert response is not None
    if response.status < 400:
        return
    text = response.body[:65536].decode("utf-8", "replace")
    found = leaks(text, case.provider.auth.key_env)
    where = case.provider.envelope.declared_at
    if found:
        yield failed(
            f"the {response.status} body leaks {', '.join(found)}: {response.text(160)!r}",
            rule="no-internals",
            spec_location=where,
        )
    else:
        yield passed(
            f"the {response.status} body leaks no internals",
            rule="no-internals",
            spec_location=where,
        )
