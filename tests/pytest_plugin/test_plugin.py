"""The pytest11 plugin collects one item per model x check family, passes against the relay,
catches a fault with a shrunk request, and spreads items under pytest-xdist."""

from __future__ import annotations

from pathlib import Path

import pytest

pytest_plugins = ["pytester"]

SPECS = str(Path(__file__).resolve().parents[2] / "specs")


def run_plugin(pytester: pytest.Pytester, provider: str, *extra: str) -> pytest.RunResult:
    """The plugin against `provider` with the repo's specs and no cache, plus `extra` args."""
    return pytester.runpytest(
        "--conformance-provider",
        provider,
        "--conformance-specs",
        SPECS,
        "-p",
        "no:cacheprovider",
        *extra,
    )


def test_items_per_model_and_family(pytester: pytest.Pytester) -> None:
    result = run_plugin(pytester, "tokaify", "--collect-only", "-q")
    lines = [line for line in result.outlines if "::" in line]
    assert len(lines) == 7
    assert any(line.endswith("tokaify/imagen-4.0-generate-001/predict::images") for line in lines)


def test_passes_against_the_relay(pytester: pytest.Pytester) -> None:
    result = run_plugin(pytester, "tokaify", "--conformance-max-examples", "3")
    result.assert_outcomes(passed=7)


def test_fault_fails_with_a_minimal_request(pytester: pytest.Pytester) -> None:
    result = run_plugin(
        pytester,
        "tokaify",
        "--conformance-fault",
        "ignore-count",
        "--conformance-max-examples",
        "5",
        "-k",
        "images",
    )
    result.assert_outcomes(failed=1)
    # hypothesis shrinks the failing request to the minimal body: the one-character prompt.
    result.stdout.fnmatch_lines(
        [
            "*image-count*expected*",
            '*reproduce: curl*$TOKAIFY_API_KEY*{"instances":?{"prompt":"0"}?}*',
        ]
    )


def test_xdist(pytester: pytest.Pytester) -> None:
    result = run_plugin(pytester, "tokaify", "--conformance-max-examples", "1", "-n", "2", "-v")
    result.assert_outcomes(passed=7)
    # the items really spread: both workers ran some
    workers = {w for w in ("[gw0]", "[gw1]") if any(w in line for line in result.outlines)}
    assert workers == {"[gw0]", "[gw1]"}


def test_unknown_provider_is_a_usage_error(pytester: pytest.Pytester) -> None:
    result = run_plugin(pytester, "nope")
    assert result.ret != 0
    result.stderr.fnmatch_lines(["*unknown conformance provider 'nope'*"])


def _closed_port() -> int:
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
    return port


def test_closed_port_fails_every_item_with_one_line(
    pytester: pytest.Pytester, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("TOKAIFY_API_KEY", "plugin-key")
    url = f"http://127.0.0.1:{_closed_port()}"
    result = run_plugin(pytester, "tokaify", "--conformance-base-url", url)
    result.assert_outcomes(failed=7)
    # The FAILURES section; the short summary repeats each line (untruncated when CI is set).
    causes = [
        line
        for line in result.outlines
        if "no usable answer: ConnectError" in line and not line.startswith("FAILED")
    ]
    assert len(causes) == 7 and all(line.endswith("is the target up?") for line in causes)
    assert not [line for line in result.outlines if "Falsifying" in line or "Traceback" in line]
    assert "plugin-key" not in result.stdout.str()


def test_answers_with_nothing_to_judge_fail(
    pytester: pytest.Pytester, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A server answering 501 HTML to everything: the shape, images and defaults items, whose
    checks only look at success answers, fail rather than pass on nothing."""
    import http.server
    import threading

    class NotImplementedHandler(http.server.BaseHTTPRequestHandler):
        def _answer(self) -> None:
            length = int(self.headers.get("content-length") or 0)
            self.rfile.read(length)
            body = b"<html><body>501 Not Implemented</body></html>"
            self.send_response(501)
            self.send_header("content-type", "text/html")
            self.send_header("content-length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        do_GET = do_POST = _answer

        def log_message(self, *args: object) -> None:
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), NotImplementedHandler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        monkeypatch.setenv("TOKAIFY_API_KEY", "plugin-key")
        url = f"http://127.0.0.1:{server.server_address[1]}"
        result = run_plugin(
            pytester,
            "tokaify",
            "--conformance-base-url",
            url,
            "--conformance-max-examples",
            "2",
            "-k",
            "shape or images or defaults",
        )
    finally:
        server.shutdown()
        server.server_close()
    result.assert_outcomes(failed=3)
    for family in ("shape", "images", "defaults"):
        result.stdout.fnmatch_lines([f"*predict::{family}: nothing to judge*501 text/html*"])


def test_missing_key_is_one_clean_line(
    pytester: pytest.Pytester, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("TOKAIFY_API_KEY", raising=False)
    result = run_plugin(pytester, "tokaify", "--conformance-base-url", "http://127.0.0.1:9")
    assert result.ret != 0
    assert "Traceback" not in result.stderr.str()
    result.stderr.fnmatch_lines(["ERROR: set TOKAIFY_API_KEY to the API key*"])
