"""How fast a large response validates, relative to the floor of merely reading it.

Builds a realistic ~20 MB Imagen :predict response (four 2K images of incompressible content),
then times, over several rounds, (a) the floor: JSON parse + base64 decode of every image with
the fastest strict decoder the environment has (pybase64 where installed, as the suite itself
uses; the standard library's decoders are timed too and the fastest wins, so the floor never
flatters the suite), and (b) `conformance validate-response`'s work: JSON parse + validation
against the generated response schema. Prints both and their ratio (aim: under 1.5x). Ratios,
not seconds, because machines vary.

    python benchmarks/validation.py [--rounds 7] [--json FILE]
"""

from __future__ import annotations

import argparse
import base64
import binascii
import json
import sys
import time
from pathlib import Path
from typing import Any

from conformance.images import make_base64_image
from conformance.schema.validate import validator_for
from conformance.spec.resolve import load_spec

ROOT = Path(__file__).resolve().parents[1]


def build_response() -> bytes:
    predictions = [
        {
            "bytesBase64Encoded": make_base64_image(2048, 2048, "png", "realistic", seed=i),
            "mimeType": "image/png",
        }
        for i in range(4)
    ]
    return json.dumps({"predictions": predictions}).encode()


def best_of(rounds: int, work: Any) -> float:
    times = []
    for _ in range(rounds):
        start = time.perf_counter()
        work()
        times.append(time.perf_counter() - start)
    return min(times)


def measure(rounds: int) -> dict[str, Any]:
    spec = load_spec(ROOT / "specs")
    provider = spec.provider("google")
    assert provider is not None
    model = provider.model("imagen-4.0-generate-001")
    assert model is not None
    validator = validator_for(provider, model, model.operations[0], "response")
    assert validator is not None
    raw = build_response()

    decoders = strict_decoders()
    texts = [item["bytesBase64Encoded"] for item in json.loads(raw)["predictions"]]
    decoder_seconds = {
        name: best_of(rounds, lambda d=decode: [d(t) for t in texts])  # type: ignore[misc]
        for name, decode in decoders.items()
    }
    fastest = min(decoder_seconds, key=decoder_seconds.__getitem__)
    decode = decoders[fastest]

    def floor() -> None:
        body = json.loads(raw)
        for item in body["predictions"]:
            decode(item["bytesBase64Encoded"])

    def validate() -> None:
        body = json.loads(raw)
        violations = validator.violations(body)
        if violations:
            raise SystemExit(f"benchmark response is invalid: {violations[0].render()}")

    validate()  # compile caches once, outside the timing
    floor_s = best_of(rounds, floor)
    validate_s = best_of(rounds, validate)
    return {
        "response_bytes": len(raw),
        "floor_seconds": round(floor_s, 4),
        "validate_seconds": round(validate_s, 4),
        "validation_ratio": round(validate_s / floor_s, 3),
        "floor_decoder": fastest,
        "decoder_seconds": {name: round(sec, 4) for name, sec in decoder_seconds.items()},
        "rounds": rounds,
    }


def strict_decoders() -> dict[str, Any]:
    """Every strict (alphabet-checking) base64 decoder available here, by name."""
    found: dict[str, Any] = {
        "base64.b64decode": lambda text: base64.b64decode(text, validate=True),
        "binascii.a2b_base64": lambda text: binascii.a2b_base64(text, strict_mode=True),
    }
    try:
        import pybase64
    except ImportError:
        return found
    found["pybase64.b64decode"] = lambda text: pybase64.b64decode(text, validate=True)
    return found


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=7)
    parser.add_argument("--json", metavar="FILE", help="also write the figures as JSON")
    args = parser.parse_args()
    result = measure(args.rounds)
    print(f"response: {result['response_bytes'] / 1e6:.1f} MB (four 2K PNGs, realistic payload)")
    print(
        f"floor (JSON parse + {result['floor_decoder']}): {result['floor_seconds'] * 1000:.1f} ms"
    )
    print(f"validate-response (parse + schema):  {result['validate_seconds'] * 1000:.1f} ms")
    print(f"ratio: {result['validation_ratio']:.2f}x (target < 1.5x)")
    if args.json:
        Path(args.json).write_text(json.dumps(result, indent=2) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
