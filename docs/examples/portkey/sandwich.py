"""Validate the Portkey AI Gateway from both sides: `conformance serve` as its Google upstream.

    (cd docs/examples/portkey && npm ci --ignore-scripts)   # @portkey-ai/gateway 1.15.2, pinned
    python docs/examples/portkey/sandwich.py --out /tmp/portkey-sandwich

Offline and loopback only. It starts `conformance serve --provider google --provider vertex`
(the upstream, with its journal), starts Portkey's `build/start-server.js --headless` under
node with `--import loopback.mjs` (Portkey binds every interface otherwise), waits for it, and
runs five sandwich runs, all with `--upstream` and `--upstream-key client` (the gateway holds
no provider key: the client's is passed on), the routing headers given with `--header`:

1. `gemini-native`: `--provider google` on the Gemini image models through Portkey's
   pass-through (`POST /v1/*`: Portkey strips `/v1` and appends the rest to the custom host),
   with `x-portkey-provider: google` and `x-portkey-custom-host: <upstream>/google`;
2. `vertex-predict`: `--provider vertex` on the Imagen models, Vertex's
   `/v1/projects/{project}/locations/{location}/publishers/google/models/{model}:predict` with
   `Authorization: Bearer`, through the same pass-through with `x-portkey-provider: vertex-ai`
   and `x-portkey-custom-host: <upstream>/vertex` (`--upstream-provider vertex`);
3. `chat`: `--provider portkey` (a spec layer in spec/, laid over the built-in specs with
   `--specs`: the openai-chat-images family at Portkey's `/v1/chat/completions`), which Portkey
   translates to Google's `:generateContent`;
4. `chat-relaxed`: the same with `x-portkey-strict-open-ai-compliance: false`, Portkey's switch
   for answers beyond OpenAI's schema (where it puts the images, in `content_blocks`);
5. `vertex-images`: `--provider portkey-images` (the spec layer's OpenAI-style images at
   Portkey's `/v1/images/generations`), which Portkey translates to Vertex's Imagen `:predict`
   (`--upstream-provider vertex`, the project and region as `x-portkey-vertex-*` headers).

It prints every distinct failing `forward-*` finding and writes each run's JSON report into
--out. Exit 0 when every run completed (findings are expected: see docs/portkey.md), 2 when
something could not be started or a run did not complete. Processes it started are stopped on
the way out.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path

HERE = Path(__file__).resolve().parent
UPSTREAM_KEY = "upstream-key-google"
GEMINI_MODELS = ("gemini-2.5-flash-image", "gemini-3-pro-image-preview")
IMAGEN_MODELS = ("imagen-4.0-generate-001", "imagen-4.0-fast-generate-001")
GATEWAY = Path("node_modules", "@portkey-ai", "gateway", "build", "start-server.js")
RUNS = (
    "portkey-gemini-native",
    "portkey-vertex-predict",
    "portkey-chat",
    "portkey-chat-relaxed",
    "portkey-vertex-images",
)


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def gateway_script() -> Path | None:
    """Portkey's start-server.js from `npm ci`: in $PORTKEY_DIR if set, else next to this file."""
    root = Path(os.environ.get("PORTKEY_DIR") or HERE)
    script = root / GATEWAY
    return script if script.is_file() else None


def node_binary() -> str | None:
    return os.environ.get("NODE_BIN") or shutil.which("node")


def conformance() -> list[str]:
    return [sys.executable, "-m", "conformance.cli.main"]


def start_upstream(log: Path) -> tuple[subprocess.Popen[bytes], str]:
    cmd = [*conformance(), "serve", "--port", "0", "--provider", "google", "--provider", "vertex"]
    cmd += ["--key", UPSTREAM_KEY]
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=log.open("wb"))
    assert proc.stdout is not None
    line = proc.stdout.readline().decode()
    found = re.search(r"listening on (http://\S+)", line)
    if found is None:
        proc.terminate()
        raise RuntimeError(f"conformance serve did not start: {line!r}")
    return proc, found.group(1)


def wait_for(url: str, proc: subprocess.Popen[bytes], seconds: float) -> None:
    import httpx

    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"{url} exited with {proc.returncode} before answering")
        try:
            if httpx.get(url, timeout=2).status_code == 200:
                return
        except httpx.HTTPError:
            pass
        time.sleep(0.3)
    raise RuntimeError(f"{url} did not answer within {seconds:g} s")


def sandwich(
    label: str, args: list[str], env: dict[str, str], out: Path, timeout: float
) -> tuple[int, Path]:
    report = out / f"{label}.json"
    cmd = [*conformance(), *args, "--retries", "0", "--json", str(report)]
    print(f"\n$ {' '.join(cmd[2:])}", flush=True)
    done = subprocess.run(cmd, env=env, capture_output=True, timeout=timeout, check=False)
    tail = done.stdout.decode(errors="replace").strip().splitlines()[-3:]
    print("\n".join(tail))
    return done.returncode, report


def forward_failures(report: Path) -> Counter[tuple[str, str]]:
    return failures(report, lambda check: check.startswith("forward"))


def failures(report: Path, wanted: object = None) -> Counter[tuple[str, str]]:
    """Distinct failing or advisory findings of the checks `wanted` selects, with case counts."""
    data = json.loads(report.read_text())
    found: Counter[tuple[str, str]] = Counter()
    for case in data["cases"]:
        for finding in case["findings"]:
            if callable(wanted) and not wanted(finding["check"]):
                continue
            if finding["outcome"] in ("fail", "error") or finding["advisory"]:
                message = re.sub(r"\[conformance-case:[0-9a-f]+\]", "[marker]", finding["message"])
                found[(finding["check"], message)] += 1
    return found


def runs(relay: str, upstream: str) -> list[tuple[str, list[str]]]:
    """The five sandwich runs: label and `conformance` arguments."""

    def route(provider: str, path: str) -> list[str]:
        return [
            "--header",
            f"x-portkey-provider: {provider}",
            "--header",
            f"x-portkey-custom-host: {upstream}/{path}",
        ]

    # Portkey's open-source gateway holds no provider key: the client's key is passed on.
    common = ["--upstream", upstream, "--upstream-key", "client"]
    chat = ["--provider", "portkey", *route("google", "google")]
    relaxed = ["--header", "x-portkey-strict-open-ai-compliance: false"]
    # Portkey builds the Vertex path from these two headers (handlerUtils.ts).
    vertex = ["--header", "x-portkey-vertex-project-id: conformance-test"]
    vertex += ["--header", "x-portkey-vertex-region: us-central1"]
    images = ["--provider", "portkey-images", "--upstream-provider", "vertex"]
    images += [*route("vertex-ai", "vertex"), *vertex]
    return [
        (
            RUNS[0],
            ["run", "--base-url", f"{relay}/v1", *common, "--provider", "google"]
            + [f"--model={m}" for m in GEMINI_MODELS]
            + route("google", "google"),
        ),
        (
            RUNS[1],
            ["run", "--base-url", f"{relay}/v1", *common, "--provider", "vertex"]
            + ["--upstream-provider", "vertex"]
            + [f"--model={m}" for m in IMAGEN_MODELS]
            + route("vertex-ai", "vertex"),
        ),
        (
            RUNS[2],
            ["--specs", str(HERE / "spec"), "run", "--base-url", relay, *common, *chat],
        ),
        (
            RUNS[3],
            ["--specs", str(HERE / "spec"), "run", "--base-url", relay, *common, *chat, *relaxed],
        ),
        (
            RUNS[4],
            ["--specs", str(HERE / "spec"), "run", "--base-url", relay, *common, *images],
        ),
    ]


def stop(procs: list[subprocess.Popen[bytes]]) -> None:
    for proc in reversed(procs):
        if proc.poll() is None:
            proc.send_signal(signal.SIGINT)
            try:
                proc.wait(timeout=15)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--out", type=Path, default=Path("portkey-sandwich"))
    parser.add_argument("--timeout", type=float, default=300.0, help="per run, seconds")
    args = parser.parse_args(argv)
    script, node = gateway_script(), node_binary()
    if script is None or node is None:
        print(
            "Portkey is not installed: node and `npm ci` in docs/examples/portkey are needed",
            file=sys.stderr,
        )
        return 2
    args.out.mkdir(parents=True, exist_ok=True)
    procs: list[subprocess.Popen[bytes]] = []
    try:
        upstream_proc, upstream = start_upstream(args.out / "upstream.log")
        procs.append(upstream_proc)
        port = free_port()
        cmd = [node, "--import", (HERE / "loopback.mjs").as_uri(), str(script)]
        cmd += [f"--port={port}", "--headless"]
        env = {**os.environ, "NODE_ENV": "production"}
        with (args.out / "portkey.log").open("wb") as log:
            procs.append(subprocess.Popen(cmd, env=env, stdout=log, stderr=log))
        relay = f"http://127.0.0.1:{port}"
        wait_for(f"{relay}/", procs[-1], 60)
        print(f"Portkey at {relay} -> conformance serve at {upstream}")
        client_env = {
            **os.environ,
            # A pass-through forwards the client's own credential: it is the upstream's key.
            "GEMINI_API_KEY": UPSTREAM_KEY,
            "VERTEX_ACCESS_TOKEN": UPSTREAM_KEY,
            # The chat route reads the provider key from `Authorization: Bearer`.
            "PORTKEY_PROVIDER_KEY": UPSTREAM_KEY,
        }
        status = 0
        for label, run_args in runs(relay, upstream):
            code, report = sandwich(label, run_args, client_env, args.out, args.timeout)
            if code not in (0, 1) or not report.is_file():
                print(f"{label}: the run did not complete (exit {code})", file=sys.stderr)
                status = 2
                continue
            for (check, message), count in sorted(forward_failures(report).items()):
                print(f"  {count:3}x {check}: {message}")
        return status
    except (RuntimeError, OSError, subprocess.TimeoutExpired) as exc:
        print(f"sandwich example failed: {exc}", file=sys.stderr)
        return 2
    finally:
        stop(procs)


if __name__ == "__main__":
    sys.exit(main())
