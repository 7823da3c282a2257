"""The options of `conformance run`: selection, plan, sending, cassettes, reports.

Kept apart from the command's logic so that the option list reads as one page.
"""

from __future__ import annotations

import argparse
import math
from pathlib import Path

from conformance.checks import REGISTRY
from conformance.exchange import KEY_MODES
from conformance.transport.reading import DEFAULT_MAX_BODY

_UNITS = {"": 1, "K": 1024, "M": 1024**2, "G": 1024**3}


def byte_size(text: str) -> int:
    """`--max-body`'s value: bytes, or a number with K, M or G (binary units)."""
    value = text.strip().upper().removesuffix("B").removesuffix("I")
    unit = value[-1:] if value[-1:] in _UNITS and value[-1:] else ""
    try:
        number = float(value[: len(value) - len(unit)])
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a size: {text!r} (e.g. 1048576, 64M)") from None
    if not math.isfinite(number):
        raise argparse.ArgumentTypeError(f"not a size: {text!r} (e.g. 1048576, 64M)")
    size = int(number * _UNITS[unit])
    if not 0 < size < 2**62:
        raise argparse.ArgumentTypeError(f"size must be positive: {text!r}")
    return size


def parse_jobs(text: str) -> int | None:
    """`--jobs`'s value: a positive count, or None for `auto`."""
    value = text.strip().lower()
    if value == "auto":
        return None
    try:
        count = int(value)
    except ValueError:
        raise argparse.ArgumentTypeError(f"--jobs takes a count or auto, not {text!r}") from None
    if count < 1:
        raise argparse.ArgumentTypeError(f"--jobs must be at least 1, not {count}")
    return count


def add_arguments(p: argparse.ArgumentParser) -> None:
    """Every option of `conformance run`, in the groups `--help` shows."""
    sel = p.add_argument_group("selection")
    sel.add_argument(
        "--provider",
        action="append",
        default=[],
        metavar="P",
        help="only this provider (repeatable)",
    )
    sel.add_argument(
        "--model", action="append", default=[], metavar="M", help="only this model id (repeatable)"
    )
    sel.add_argument(
        "--check",
        action="append",
        default=[],
        metavar="NAME",
        help=f"only this check (repeatable): {', '.join(sorted(REGISTRY))}",
    )
    sel.add_argument(
        "--include-retired",
        action="store_true",
        help="send cases for models the provider has retired (live targets skip "
        "them by default; the relay still serves them)",
    )
    plan_group = p.add_argument_group("plan")
    plan_group.add_argument(
        "--dry-run",
        action="store_true",
        help="print the plan (requests, images, cost) and send nothing",
    )
    plan_group.add_argument(
        "--max-examples",
        type=int,
        metavar="N",
        help="hypothesis examples per operation (default 3; a replay uses the recording's)",
    )
    plan_group.add_argument(
        "--seed", type=int, help="exploration seed (default 0; a replay uses the recording's)"
    )
    plan_group.add_argument(
        "--shard",
        metavar="K/N",
        help="run only the Kth of N deterministic, balanced parts of the plan (parallel CI "
        "jobs; combine their --json reports with `conformance report merge`)",
    )
    plan_group.add_argument(
        "--max-requests",
        type=int,
        metavar="N",
        help="send at most N planned requests; the rest are skipped",
    )
    plan_group.add_argument(
        "--max-images",
        type=int,
        metavar="N",
        help="ask for at most N images in all; the rest are skipped",
    )
    send = p.add_argument_group("sending")
    send.add_argument("--base-url", metavar="URL", help="a live service (needs one --provider)")
    send.add_argument(
        "--upstream",
        metavar="URL",
        help="sandwich run: the relay at --base-url forwards to the `conformance serve` at URL; "
        "check what arrived there too (forward-* checks; see docs/relay.md)",
    )
    send.add_argument(
        "--upstream-provider",
        default="google",
        metavar="P",
        help="the provider the upstream at --upstream speaks as (default google)",
    )
    send.add_argument(
        "--upstream-key",
        choices=KEY_MODES,
        default="relay",
        help="sandwich run: whose key the relay sends upstream: its own (relay, the default: "
        "the client's key must stay home) or the client's, passed through (client: a "
        "bring-your-own-key gateway such as Portkey's open-source one)",
    )
    send.add_argument(
        "--api-key-env",
        metavar="VAR",
        help="environment variable holding the key (default: the provider's, "
        "e.g. ROUTESCOPE_API_KEY)",
    )
    send.add_argument(
        "--concurrency", type=int, default=8, metavar="N", help="cases in flight (default 8)"
    )
    send.add_argument(
        "--jobs",
        type=parse_jobs,
        default=None,
        metavar="N|auto",
        help="plan and run in N worker processes; the reports are the one-process run's "
        "(default auto: processes only for large selections, up to the CPU count). N > 1 "
        "does not combine with --record, --replay, --upstream, --shard, --max-requests or "
        "--max-images",
    )
    send.add_argument(
        "--timeout",
        type=float,
        default=180.0,
        metavar="S",
        help="bound on each attempt, connect to last byte, in seconds (default 180: 4K "
        "images are slow)",
    )
    send.add_argument(
        "--max-body",
        type=byte_size,
        default=DEFAULT_MAX_BODY,
        metavar="SIZE",
        help="largest answer body read, after decompression, e.g. 64M (default 256M: four "
        "4K images as base64); a longer one is that case's error",
    )
    send.add_argument(
        "--job-timeout",
        type=float,
        metavar="S",
        help="how long to poll an async job (default 600 live, 5 relay)",
    )
    send.add_argument(
        "--poll-interval",
        type=float,
        metavar="S",
        help="seconds between job polls (default 2 live, 0.02 relay)",
    )
    send.add_argument(
        "--retries",
        type=int,
        default=3,
        metavar="N",
        help="retries on 429/503, honouring Retry-After (default 3)",
    )
    send.add_argument("--rate", type=float, metavar="R", help="at most R requests per second")
    send.add_argument(
        "--header",
        action="append",
        default=[],
        metavar="'NAME: VALUE'",
        help="send this header with every request to the target (repeatable; $VAR and ${VAR} "
        "are read from the environment; replaces a spec header of the same name)",
    )
    send.add_argument(
        "--secret-header",
        action="append",
        default=[],
        metavar="'NAME: VALUE'",
        help="as --header, and the value is a secret: redacted like an API key everywhere",
    )
    send.add_argument(
        "--path-param",
        action="append",
        default=[],
        metavar="NAME=VALUE",
        help="put VALUE in the {NAME} segment of every path that has one, instead of the spec's "
        "placeholder (repeatable; e.g. project=my-proj location=europe-west4 for Vertex AI)",
    )
    send.add_argument(
        "--fault",
        action="append",
        default=[],
        metavar="F",
        help="relay only: inject a named fault (repeatable)",
    )
    send.add_argument("--latency", metavar="S[-S]", help="relay only: answer latency")
    send.add_argument(
        "--chat-image-form",
        choices=("images", "content", "content_blocks"),
        metavar="FORM",
        help="relay only: where chat-completion answers put images (images: message.images[], "
        "the default; content: message.content parts; content_blocks: Portkey's field)",
    )
    tape = p.add_argument_group("cassettes")
    tape.add_argument(
        "--record",
        type=Path,
        metavar="DIR",
        help="record every HTTP exchange into DIR (keys scrubbed, images slimmed)",
    )
    tape.add_argument(
        "--replay",
        type=Path,
        metavar="DIR",
        help="replay the recording in DIR: same plan, same checks, no network",
    )
    tape.add_argument(
        "--block-network",
        action="store_true",
        help="fail any attempt to open a network connection (CI replays)",
    )
    out = p.add_argument_group("reports")
    out.add_argument(
        "--json",
        type=Path,
        metavar="FILE",
        help="every case: request, response, findings, images, curl, timings (the format is "
        "schemas/report.schema.json)",
    )
    out.add_argument(
        "--html",
        type=Path,
        metavar="FILE",
        help="one self-contained page: matrix, every case with its images' thumbnails",
    )
    out.add_argument("--junit", type=Path, metavar="FILE", help="JUnit XML")
    out.add_argument(
        "--markdown",
        type=Path,
        metavar="FILE",
        help="provider x model x check matrix (CI job summary)",
    )
    out.add_argument("--verbose", "-v", action="store_true", help="list every planned case")
    verdict = p.add_argument_group("verdict")
    verdict.add_argument(
        "--tolerate-errors",
        action="store_true",
        help="exit 0 even when some cases got no usable answer (`error`: refused, timed out, "
        "reset, rate limited); off by default, and a run with no answer at all stays red",
    )
