"""What the suite costs over a plain client on realistic payloads: `payload_overhead_ratio`.

`conformance serve --payload realistic` runs in its own process (images of realistic byte size:
multi-MB PNGs). Against it, in turn, each in its own process and timed from the outside:

- the suite: `conformance run --base-url BASE/google --provider google --json REPORT`;
- the floor (`plain_client.py`): the very requests the suite sent (taken from its report), at
  the same concurrency, downloading, parsing and base64-decoding every answer, nothing else.

`payload_overhead_ratio` is the median suite wall over the median floor wall. Also reported:
client CPU per request and the suite's peak RSS (per case and in total).

    python benchmarks/payload_overhead.py [--rounds 3] [--json FILE]
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import tempfile
from pathlib import Path
from typing import Any

from processes import ROOT, conformance, timed
from relay_process import relay_process, serve_command

HERE = Path(__file__).resolve().parent
PROVIDER = "google"
KEY = "bench-key"
WRONG_KEY = "wrong-key-for-conformance"
CONCURRENCY = 8


def floor_requests(report: dict[str, Any], base: str) -> list[dict[str, Any]]:
    """The requests the suite's report says it sent, ready for the plain client."""
    out = []
    for case in report["cases"]:
        if case.get("status") is None:
            continue  # not sent (skipped, or no answer)
        request = case["request"]
        headers = dict(request["headers"])
        params = dict(request["query"])
        auth = request["auth"]
        if auth["mode"] != "missing" and auth["kind"] and auth["name"]:
            value = KEY if auth["mode"] == "valid" else WRONG_KEY
            if auth["kind"] == "bearer":
                headers[auth["name"]] = f"Bearer {value}"
            elif auth["kind"] == "header":
                headers[auth["name"]] = value
            else:
                params[auth["name"]] = value
        body = request["body"]
        out.append(
            {
                "method": request["method"],
                "url": request["url"] or f"{base}/{PROVIDER}{request['path']}",
                "params": params,
                "headers": headers,
                "content": None
                if body is None
                else json.dumps(body, sort_keys=True, separators=(",", ":"), ensure_ascii=False),
                # The oversized-body cases send their body padded past the documented limit
                # (20 MiB of whitespace each): the floor sends the same bytes.
                "padding": request.get("padding", 0),
            }
        )
    return out


def measure(rounds: int = 3) -> dict[str, Any]:
    command = serve_command("--payload", "realistic", "--key", KEY, "--provider", PROVIDER)
    suite_runs, floor_runs = [], []
    floor_info: dict[str, Any] = {}
    requests_sent = 0
    with (
        tempfile.TemporaryDirectory(prefix="bench-payload-") as tmp,
        relay_process(command) as (
            _,
            base,
        ),
    ):
        report_path = Path(tmp) / "report.json"
        requests_path = Path(tmp) / "requests.json"
        suite = conformance(
            "--specs",
            str(ROOT / "specs"),
            "run",
            "--base-url",
            f"{base}/{PROVIDER}",
            "--provider",
            PROVIDER,
            "--concurrency",
            str(CONCURRENCY),
            "--json",
            str(report_path),
        )
        env = {"GEMINI_API_KEY": KEY}
        # One untimed round first: the relay encodes each distinct image once, then serves it.
        timed(suite, env=env, ok=(0, 1))
        for _ in range(max(1, rounds)):
            suite_runs.append(timed(suite, env=env, ok=(0, 1)))
            report = json.loads(report_path.read_text(encoding="utf-8"))
            requests_sent = report["requests_sent"]
            requests_path.write_text(json.dumps(floor_requests(report, base)), encoding="utf-8")
            plain = [sys.executable, str(HERE / "plain_client.py"), str(requests_path)]
            floor_requests_sent = json.loads(requests_path.read_text(encoding="utf-8"))
            floor = timed([*plain, "--concurrency", str(CONCURRENCY)])
            floor_runs.append(floor)
            floor_info = json.loads(floor.stdout.strip().splitlines()[-1])
    suite_wall = statistics.median(r.wall for r in suite_runs)
    floor_wall = statistics.median(r.wall for r in floor_runs)
    cases = len(report["cases"])
    peak = max(r.rss_mb for r in suite_runs)
    return {
        "payload_overhead_ratio": round(suite_wall / floor_wall, 3),
        "suite_seconds": round(suite_wall, 3),
        "floor_seconds": round(floor_wall, 3),
        "suite_rounds": [round(r.wall, 3) for r in suite_runs],
        "floor_rounds": [round(r.wall, 3) for r in floor_runs],
        "requests": requests_sent,
        "floor_requests": floor_info.get("requests"),
        "body_megabytes": round(floor_info.get("body_bytes", 0) / 1e6, 1),
        "client_cpu_ms_per_request": round(
            1000 * statistics.median(r.cpu for r in suite_runs) / max(1, requests_sent), 2
        ),
        "floor_cpu_ms_per_request": round(
            1000 * statistics.median(r.cpu for r in floor_runs) / max(1, len(floor_requests_sent)),
            2,
        ),
        "peak_rss_mb": round(peak, 1),
        "peak_rss_kb_per_case": round(peak * 1024 / max(1, cases), 1),
        "cases": cases,
        "rounds": rounds,
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--json", type=Path, help="also write the figures as JSON")
    args = parser.parse_args()
    result = measure(args.rounds)
    for key, value in result.items():
        print(f"{key}: {value}")
    if args.json:
        args.json.write_text(json.dumps(result, indent=2) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
