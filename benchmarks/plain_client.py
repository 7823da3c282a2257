"""The floor of the payload benchmark: send the same requests, download, parse, base64-decode.

No checks, no plan, no reports: read the requests the suite sent (a JSON file written by
`payload_overhead.py` from the suite's own `--json` report), send them with httpx at the same
concurrency (the oversized-body cases' padding included: unpadded, the relay answered them with
images instead of 413), read every body, parse the JSON ones and decode every base64 image in
them with the fastest strict decoder available (pybase64 where installed). Run as its own
process, timed from the outside like the suite, so both pay their interpreter start-up.

    python benchmarks/plain_client.py REQUESTS.json --concurrency 8
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import sys
from pathlib import Path
from typing import Any

import httpx

try:
    from pybase64 import b64decode
except ImportError:  # the standard library's strict decoder, when pybase64 is absent
    from base64 import b64decode

IMAGE_KEYS = frozenset({"bytesBase64Encoded", "data", "b64_json"})


def decode_images(node: Any) -> int:
    """Decode every base64 image string in a parsed answer; how many bytes they held."""
    total = 0
    if isinstance(node, dict):
        for key, value in node.items():
            if key in IMAGE_KEYS and isinstance(value, str):
                # Not base64: the suite would report it; the floor only reads it.
                with contextlib.suppress(ValueError):
                    total += len(b64decode(value, validate=True))
            else:
                total += decode_images(value)
    elif isinstance(node, list):
        for item in node:
            total += decode_images(item)
    return total


def padded(content: str | None, padding: int) -> bytes | None:
    """The body as the suite sends it: an oversized-body case's padding (whitespace after the
    first byte, `transport/padding.py`) included, here as one bytes object (the fastest way)."""
    if content is None:
        return None
    data = content.encode()
    return data[:1] + b" " * padding + data[1:] if padding else data


async def send_all(requests: list[dict[str, Any]], concurrency: int) -> tuple[int, int]:
    gate = asyncio.Semaphore(concurrency)
    body_bytes = image_bytes = 0
    async with httpx.AsyncClient(timeout=180.0) as client:

        async def one(request: dict[str, Any]) -> None:
            nonlocal body_bytes, image_bytes
            async with gate:
                answer = await client.request(
                    request["method"],
                    request["url"],
                    params=request["params"] or None,
                    headers=request["headers"],
                    content=padded(request["content"], request.get("padding", 0)),
                )
                body = answer.content
            body_bytes += len(body)
            if "json" in answer.headers.get("content-type", ""):
                with contextlib.suppress(ValueError):
                    image_bytes += decode_images(json.loads(body))

        await asyncio.gather(*(one(r) for r in requests))
    return body_bytes, image_bytes


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("requests", type=Path)
    parser.add_argument("--concurrency", type=int, default=8)
    args = parser.parse_args()
    requests = json.loads(args.requests.read_text(encoding="utf-8"))
    body_bytes, image_bytes = asyncio.run(send_all(requests, args.concurrency))
    json.dump(
        {"requests": len(requests), "body_bytes": body_bytes, "image_bytes": image_bytes},
        sys.stdout,
    )
    print()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
