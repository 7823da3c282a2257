"""`conformance run --header/--secret-header`: parsed and checked up front (exit 2 on a bad or
unexpandable header), sent on every request, and kept out of recordings when secret; and
`--path-param`, the run's own values for a provider's path segments (Vertex's project)."""

from __future__ import annotations

import json
import socket
import threading
import time
from pathlib import Path

import pytest
import uvicorn

from conformance.cli.main import main
from conformance.server import RelayOptions, create_app
from conformance.spec.resolve import load_spec

ROOT = Path(__file__).resolve().parents[2]
SPECS = ["--specs", str(ROOT / "specs")]
ONE = ["--provider", "tokaify", "--max-examples", "0"]


@pytest.mark.parametrize(
    ("args", "says"),
    [
        (["--header", "no colon"], "Name: value"),
        (["--header", "Content-Length: 3"], "set by the transport"),
        (["--header", "Authorization: Bearer x"], "API-key header"),
        (["--header", "x-a: 1", "--header", "X-A: 2"], "given twice"),
        (["--secret-header", "x-k: ${CONFORMANCE_TEST_UNSET}"], "CONFORMANCE_TEST_UNSET"),
        (["--replay", "cassettes", "--header", "x-a: 1"], "--header cannot be used with --replay"),
    ],
)
def test_bad_headers_are_usage_errors(
    args: list[str], says: str, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.delenv("CONFORMANCE_TEST_UNSET", raising=False)
    assert main([*SPECS, "run", *ONE, *args]) == 2
    assert says in capsys.readouterr().err


def test_a_secret_header_is_recorded_only_as_its_variable(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("GW_VIRTUAL_KEY", "vk-very-secret-4711")
    out = tmp_path / "tapes"
    args = ["--header", "x-gw-route: images", "--secret-header", "x-gw-key: ${GW_VIRTUAL_KEY}"]
    assert main([*SPECS, "run", *ONE, *args, "--record", str(out)]) == 0
    written = "".join(p.read_text() for p in out.rglob("*") if p.is_file())
    assert "vk-very-secret-4711" not in written
    assert "x-gw-key" in written and "$GW_VIRTUAL_KEY" in written
    assert "x-gw-route" in written and "images" in written
    assert main([*SPECS, "run", "--replay", str(out), "--block-network"]) == 0


# -- --path-param ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("args", "says"),
    [
        (["--provider", "tokaify", "--path-param", "project=x"], "no selected provider's path"),
        (["--provider", "vertex", "--path-param", "project=a/b"], "one path segment"),
        (["--provider", "vertex", "--path-param", "model=x"], "model id"),
        (["--provider", "vertex", "--path-param", "nope=x"], "location, project"),
        (["--replay", "cassettes", "--path-param", "project=x"], "--path-param cannot be used"),
    ],
)
def test_bad_path_params_are_usage_errors(
    args: list[str], says: str, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main([*SPECS, "run", *args]) == 2
    assert says in capsys.readouterr().err


def test_a_live_run_sends_the_users_project(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Against the relay on a loopback port (it serves any project), every request's path has
    the user's project and location, and no repro line the placeholder."""
    spec = load_spec(ROOT / "specs")
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM, socket.IPPROTO_TCP)
    sock.bind(("127.0.0.1", 0))
    app = create_app(spec, RelayOptions(keys=("tok",)))
    server = uvicorn.Server(uvicorn.Config(app, log_level="warning", lifespan="off"))
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    deadline = time.monotonic() + 10
    while not server.started:
        assert time.monotonic() < deadline, "uvicorn did not start"
        time.sleep(0.01)
    monkeypatch.setenv("CONFORMANCE_TEST_TOKEN", "tok")
    out = tmp_path / "r.json"
    args = [
        *("--base-url", f"http://127.0.0.1:{sock.getsockname()[1]}/vertex"),
        *("--provider", "vertex", "--model", "imagen-4.0-fast-generate-001"),
        *("--path-param", "project=my-proj-42", "--path-param", "location=europe-west4"),
        *("--api-key-env", "CONFORMANCE_TEST_TOKEN", "--max-examples", "0"),
    ]
    try:
        assert main([*SPECS, "run", *args, "--json", str(out)]) == 0
    finally:
        server.should_exit = True
        thread.join(timeout=10)
        sock.close()
    cases = json.loads(out.read_text())["cases"]
    paths = {c["request"]["path"] for c in cases if c["request"]["url"] is None}
    assert paths and all("/projects/my-proj-42/locations/europe-west4/" in p for p in paths)
    assert not any("conformance-test" in c["curl"] for c in cases)
