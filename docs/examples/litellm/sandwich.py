"""Validate the LiteLLM proxy from both sides: `conformance serve` as its Gemini upstream.

    pip install -e '.[litellm]'            # litellm[proxy], pinned
    python docs/examples/litellm/sandwich.py --out /tmp/litellm-sandwich

Offline and loopback only. It starts `conformance serve --provider google` (the upstream, with
its journal), writes a LiteLLM config pointing every model at it, starts `litellm` with
LITELLM_LOCAL_MODEL_COST_MAP=True (no download of the cost map), waits for it, and runs two
sandwich runs, both with `--upstream`:

1. `--provider litellm` (a spec layer in spec/, laid over the built-in specs with `--specs`:
   OpenAI-style /v1/images/generations with `n` and `size`, which LiteLLM translates to
   Imagen :predict);
2. `--provider routescope` on the Gemini models (Google's native :generateContent, which
   LiteLLM serves at /v1beta/models/{model}:generateContent with a Bearer key).

It prints every distinct failing `forward-*` finding and writes each run's JSON report into
--out. Exit 0 when both runs completed (findings are expected: see docs/litellm-findings.md),
2 when something could not be started or a run did not complete. Processes it started are
stopped on the way out.
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
import tempfile
import time
from collections import Counter
from pathlib import Path

HERE = Path(__file__).resolve().parent
UPSTREAM_KEY = "upstream-key-google"
CLIENT_KEY = "sk-conformance-client"
GEMINI_MODELS = ("gemini-2.5-flash-image", "gemini-3-pro-image-preview")
IMAGEN_MODELS = ("imagen-4.0-generate-001",)
CONFIG = """\
model_list:
{models}
general_settings:
  master_key: os.environ/LITELLM_MASTER_KEY
litellm_settings:
  num_retries: 0
"""
MODEL = """\
  - model_name: {name}
    litellm_params:
      model: gemini/{name}
      api_base: {upstream}/google/v1beta
      api_key: os.environ/GEMINI_API_KEY
"""


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def litellm_binary() -> str | None:
    for candidate in (
        os.environ.get("LITELLM_BIN"),
        shutil.which("litellm"),
        str(Path(sys.executable).with_name("litellm")),
    ):
        if candidate and Path(candidate).is_file():
            return candidate
    return None


def conformance() -> list[str]:
    return [sys.executable, "-m", "conformance.cli.main"]


def start_upstream(log: Path) -> tuple[subprocess.Popen[bytes], str]:
    cmd = [*conformance(), "serve", "--port", "0", "--provider", "google"]
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
        time.sleep(0.5)
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
    data = json.loads(report.read_text())
    found: Counter[tuple[str, str]] = Counter()
    for case in data["cases"]:
        for finding in case["findings"]:
            if finding["check"].startswith("forward") and (
                finding["outcome"] in ("fail", "error") or finding["advisory"]
            ):
                message = re.sub(r"\[conformance-case:[0-9a-f]+\]", "[marker]", finding["message"])
                found[(finding["check"], message)] += 1
    return found


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--out", type=Path, default=Path("litellm-sandwich"))
    parser.add_argument("--timeout", type=float, default=300.0, help="per run, seconds")
    args = parser.parse_args(argv)
    binary = litellm_binary()
    if binary is None:
        print("litellm is not installed: pip install -e '.[litellm]'", file=sys.stderr)
        return 2
    args.out.mkdir(parents=True, exist_ok=True)
    procs: list[subprocess.Popen[bytes]] = []
    try:
        with tempfile.TemporaryDirectory(prefix="litellm-sandwich-") as tmp:
            work = Path(tmp)
            upstream_proc, upstream = start_upstream(args.out / "upstream.log")
            procs.append(upstream_proc)
            models = "".join(
                MODEL.format(name=m, upstream=upstream) for m in (*IMAGEN_MODELS, *GEMINI_MODELS)
            )
            config = work / "config.yaml"
            config.write_text(CONFIG.format(models=models))
            port = free_port()
            env = {
                **os.environ,
                "GEMINI_API_KEY": UPSTREAM_KEY,
                "LITELLM_MASTER_KEY": CLIENT_KEY,
                "LITELLM_LOCAL_MODEL_COST_MAP": "True",
                "LITELLM_TELEMETRY": "False",
            }
            cmd = [binary, "--config", str(config), "--host", "127.0.0.1", "--port", str(port)]
            with (args.out / "litellm.log").open("wb") as log:
                procs.append(subprocess.Popen(cmd, env=env, stdout=log, stderr=log))
            relay = f"http://127.0.0.1:{port}"
            wait_for(f"{relay}/health/liveliness", procs[-1], 180)
            print(f"LiteLLM at {relay} -> conformance serve at {upstream}/google")
            client_env = {**os.environ, "LITELLM_MASTER_KEY": CLIENT_KEY}
            client_env["ROUTESCOPE_API_KEY"] = CLIENT_KEY
            common = ["--base-url", relay, "--upstream", upstream]
            specs = HERE / "spec"  # laid over the built-in specs by --specs
            runs = [
                (
                    "litellm-openai-images",
                    ["--specs", str(specs), "run", *common, "--provider", "litellm"],
                ),
                (
                    "litellm-gemini-native",
                    ["run", *common, "--provider", "routescope"]
                    + [f"--model={m}" for m in GEMINI_MODELS],
                ),
            ]
            status = 0
            for label, run_args in runs:
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
        for proc in reversed(procs):
            if proc.poll() is None:
                proc.send_signal(signal.SIGINT)
                try:
                    proc.wait(timeout=15)
                except subprocess.TimeoutExpired:
                    proc.kill()
                    proc.wait()


if __name__ == "__main__":
    sys.exit(main())
