"""Image slimming keeps what replayed checks look at (count, MIME type, pixel size, wholeness),
annotates each original's byte length and SHA-256, and keeps anything that is not a whole image
byte for byte."""

from __future__ import annotations

import base64
import hashlib
import json

import pytest
import yaml
from cassette_testkit import CASSETTES

from conformance.cassettes.slimming import SLIM_HEADER, originals, slim_body, slim_response
from conformance.images import inspect_image, make_image


def _b64(data: bytes) -> str:
    return base64.b64encode(data).decode()


@pytest.mark.parametrize(
    ("fmt", "size"), [("png", (2048, 2048)), ("jpeg", (2048, 1152)), ("webp", (1024, 1536))]
)
def test_json_images_keep_count_format_and_size(fmt: str, size: tuple[int, int]) -> None:
    image = make_image(*size, fmt=fmt, payload="realistic")
    other = make_image(640, 480, fmt="png", payload="realistic")
    body = json.dumps(
        {
            "predictions": [
                {"mimeType": f"image/{fmt}", "bytesBase64Encoded": _b64(image)},
                {"mimeType": f"image/{fmt}", "bytesBase64Encoded": _b64(image)},
                {"mimeType": "image/png", "bytesBase64Encoded": _b64(other)},
            ],
            "note": "x" * 100,
        },
        indent=1,
    ).encode()
    slim, slimmed = slim_body(body, "application/json")
    assert len(slim) < len(body) / 4
    before, after = json.loads(body), json.loads(slim)
    assert after["note"] == before["note"] and len(after["predictions"]) == 3
    assert [p["mimeType"] for p in after["predictions"]] == [f"image/{fmt}"] * 2 + ["image/png"]
    for old, new in zip(before["predictions"], after["predictions"], strict=True):
        a = inspect_image(base64.b64decode(old["bytesBase64Encoded"]))
        b = inspect_image(base64.b64decode(new["bytesBase64Encoded"]))
        assert b.complete and (b.mime, b.width, b.height) == (a.mime, a.width, a.height)
    assert [s.pointer for s in slimmed] == [
        "/predictions/0/bytesBase64Encoded",
        "/predictions/1/bytesBase64Encoded",
        "/predictions/2/bytesBase64Encoded",
    ]
    first = slimmed[0].as_dict()
    assert first["bytes"] == len(image)
    assert first["sha256"] == hashlib.sha256(image).hexdigest()
    assert (first["width"], first["height"], first["mime"]) == (*size, f"image/{fmt}")
    # everything but the base64 strings is byte for byte what the server sent
    assert slim.split(b'"bytesBase64Encoded"')[0] == body.split(b'"bytesBase64Encoded"')[0]


def test_broken_images_and_escaped_slashes() -> None:
    whole = make_image(1024, 1024, fmt="png", payload="realistic")
    truncated = _b64(whole[: len(whole) // 2])
    escaped = json.dumps({"a": _b64(whole)}).replace("/", "\\/")
    body = json.dumps({"cut": truncated, "junk": "A" * 200}).encode()
    assert slim_body(body, "application/json") == (body, [])
    slim, slimmed = slim_body(escaped.encode(), "application/json")
    assert len(slimmed) == 1 and len(slim) < len(escaped)
    assert inspect_image(base64.b64decode(json.loads(slim)["a"])).complete


def test_image_bodies_and_annotation_header() -> None:
    jpeg = make_image(3072, 5504, fmt="jpeg", payload="realistic")
    response = {
        "status": {"code": 200, "message": "OK"},
        "headers": {"content-type": ["image/jpeg"], "content-length": [str(len(jpeg))]},
        "body": {"string": jpeg},
    }
    slim = slim_response(response)
    data = slim["body"]["string"]
    info = inspect_image(data)
    assert (info.mime, info.width, info.height, info.complete) == ("image/jpeg", 3072, 5504, True)
    assert slim["headers"]["content-length"] == [str(len(data))]
    notes = originals([(k, v[0]) for k, v in slim["headers"].items()])
    assert notes == [
        {
            "pointer": "",
            "bytes": len(jpeg),
            "sha256": hashlib.sha256(jpeg).hexdigest(),
            "width": 3072,
            "height": 5504,
            "mime": "image/jpeg",
        }
    ]
    assert slim_response(slim) is slim  # already slimmed: left alone


def test_the_reference_recording_keeps_4k_sizes_and_annotations() -> None:
    """Every annotated image of the committed cassettes has the size and MIME it claims."""
    seen_4k = 0
    for path in sorted(CASSETTES.glob("*/*.yaml")):
        loaded = yaml.load(path.read_text(), Loader=yaml.CSafeLoader)
        for interaction in loaded["interactions"]:
            response = interaction["response"]
            header = response["headers"].get(SLIM_HEADER)
            if not header:
                continue
            body = response["body"]["string"]
            raw = body if isinstance(body, bytes) else body.encode()
            for note in json.loads(header[0]):
                if note["pointer"] == "":
                    data = raw
                else:
                    node = json.loads(raw)
                    for token in note["pointer"].split("/")[1:]:
                        node = node[int(token)] if isinstance(node, list) else node[token]
                    data = base64.b64decode(node)
                info = inspect_image(data)
                assert (info.mime, info.width, info.height) == (
                    note["mime"],
                    note["width"],
                    note["height"],
                ), path
                assert info.complete and len(data) < note["bytes"]
                seen_4k += max(info.width or 0, info.height or 0) >= 3840
    assert seen_4k >= 10
