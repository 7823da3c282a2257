"""The leak patterns, written literal-first for speed, find exactly what their plain spellings do.

`checks/leaks.py` writes `\\bat ` as `at (?<!\\wat )`, `(?<![\\w.])/` as `/(?<![\\w.]/)` and
`[A-Za-z]:` as `:(?<=[A-Za-z]:)`: the same matches, found faster. Here the plain spellings are
the reference, asked about generated text made of the fragments the patterns look for.
"""

from __future__ import annotations

import re

from hypothesis import given, settings
from hypothesis import strategies as st

from conformance.checks.leaks import TELLTALES, leaks

PLAIN = {
    "a Python traceback": re.compile(r"Traceback \(most recent call last\)"),
    "a Python stack frame": re.compile(r'File "[^"]+", line \d+'),
    "a Java stack frame": re.compile(r"\bat [\w$.]+\([\w$]+\.(?:java|kt|scala):\d+\)"),
    "a Node.js stack frame": re.compile(r"\bat .{0,200}?\(?(?:/|[A-Za-z]:\\)[^\s()]+:\d+:\d+\)?"),
    "a Go panic": re.compile(r"goroutine \d+ \[running\]|panic: .+\n"),
    "a PHP stack trace": re.compile(r"Stack trace:\s*(?:\\n)?#0 "),
    "a server file path": re.compile(
        r"(?:(?<![\w.])/(?:[\w.-]+/)+[\w.-]+\.(?:py|pyc|js|mjs|ts|go|java|rb|php|cs)\b"
        r"|site-packages/|node_modules/|[A-Za-z]:\\\\?(?:Users|inetpub|Program Files)\\\\?)"
    ),
}

FRAGMENTS = st.sampled_from(
    [
        "at ",
        "xat ",
        "éat ",
        "_at ",
        "com.x.Y.z(",
        "Y.java:12)",
        "(",
        ")",
        "/",
        "./",
        "_/",
        "é/",
        "srv",
        "app.py",
        "index.js",
        ":10:5",
        ":",
        "C:",
        "\\",
        "\\\\",
        "Users",
        "Program Files",
        "site-packages/",
        "node_modules/",
        "goroutine 1 [running]",
        "panic: x\n",
        "Stack trace:",
        "#0 ",
        'File "x.py", line 3',
        "Traceback (most recent call last)",
        " ",
        "\n",
        "a",
        "1",
        ".",
        "-",
        # whole telltales, for the characters generated before them to make or break
        ":\\Users\\",
        "\\Users\\",
        "/srv/app.py",
        "com.x.Y.z(Y.java:12)",
        " (/srv/app/index.js:10:5)",
    ]
)
TEXT = st.lists(FRAGMENTS | st.text(max_size=3), max_size=14).map("".join)


def test_the_same_names_in_the_same_order() -> None:
    assert [name for name, _ in TELLTALES] == list(PLAIN)


@settings(max_examples=3000, deadline=None, database=None)
@given(TEXT)
def test_each_pattern_finds_what_its_plain_spelling_finds(text: str) -> None:
    for name, pattern in TELLTALES:
        assert bool(pattern.search(text)) == bool(PLAIN[name].search(text)), (name, text)


def test_known_leaks_and_near_misses() -> None:
    assert leaks("at com.x.Y.z(Y.java:12)", "K") == ["a Java stack frame"]
    assert leaks("flat com.x.Y.z(Y.java:12)", "K") == []
    assert leaks("at foo (/srv/app/index.js:10:5)", "K") == [
        "a Node.js stack frame",
        "a server file path",
    ]
    assert leaks("see C:\\Users\\bob", "K") == ["a server file path"]
    assert leaks("see C:\\Users", "K") == []
    assert leaks("bad value at /instances/0/prompt", "K") == []
    assert leaks("x.y/app/main.py", "K") == []
