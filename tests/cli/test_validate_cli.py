"""`conformance validate-request|-response` and `conformance list`: exit codes and output."""

from __future__ import annotations

import io
import json
from pathlib import Path

import pytest

from conformance.cli.main import main

OK_REQUEST = {"instances": [{"prompt": "a cat"}], "parameters": {"sampleCount": 2}}
BAD_REQUEST = {
    "instances": [{"prompt": "a cat"}],
    "parameters": {"sampleCount": 9, "aspectRatio": "2:1"},
}


def write(tmp_path: Path, body: object) -> str:
    path = tmp_path / "body.json"
    path.write_text(json.dumps(body))
    return str(path)


def test_valid_request_exits_0(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    args = ["validate-request", "--provider", "tokaify", "--model", "imagen-4.0-generate-001"]
    assert main([*args, write(tmp_path, OK_REQUEST)]) == 0
    assert capsys.readouterr().out == "valid: tokaify imagen-4.0-generate-001 predict request\n"


def test_invalid_request_names_pointer_rule_and_spec_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    args = ["validate-request", "--provider", "routescope", "--model", "imagen-4.0-generate-001"]
    assert main([*args, write(tmp_path, BAD_REQUEST)]) == 1
    out = capsys.readouterr().out
    assert "2 violation(s)" in out
    assert (
        "/parameters/sampleCount: maximum: 9 is greater than the maximum of 4 "
        "[parameters.sampleCount @ specs/families/gemini-predict.yaml:"
    ) in out
    assert "/parameters/aspectRatio: enum:" in out


def test_json_output(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    args = [
        "validate-request",
        "--provider",
        "apiframe",
        "--model",
        "imagen-4",
        "--json",
        "--operation",
        "images.generate",
    ]
    body = {"prompt": "p", "model": "imagen-4", "imagenParams": {"aspectRato": "1:1"}}
    assert main([*args, write(tmp_path, body)]) == 1
    result = json.loads(capsys.readouterr().out)
    (violation,) = result["violations"]
    assert result["valid"] is False
    assert violation["pointer"] == "/imagenParams/aspectRato"
    assert violation["rule"] == "additionalProperties"
    assert violation["parameter"] == "imagenParams"
    assert violation["spec"].startswith("specs/providers/apiframe.yaml:")


def test_response_from_stdin_names_the_foreign_shape(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setattr("sys.stdin", io.StringIO('{"data": [{"url": "https://x/1.png"}]}'))
    args = ["validate-response", "--provider", "google", "--model", "imagen-4.0-generate-001", "-"]
    assert main(args) == 1
    assert "the body has the shape of openai-images, not gemini-predict" in capsys.readouterr().out


def test_error_flag_validates_the_envelope(tmp_path: Path) -> None:
    body = {"error": {"code": 401, "message": "no", "status": "UNAUTHENTICATED"}}
    args = [
        "validate-response",
        "--provider",
        "routescope",
        "--model",
        "gemini-2.5-flash-image",
        "--error",
    ]
    assert main([*args, write(tmp_path, body)]) == 0


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (
            ["--provider", "nope", "--model", "x"],
            "unknown provider 'nope'; known providers: aimlapi,",
        ),
        (
            ["--provider", "tokaify", "--model", "x"],
            "unknown model 'x' for tokaify; its models: imagen-4.0-generate-001",
        ),
        (
            ["--provider", "apiframe", "--model", "imagen-4", "--operation", "jobs.get"],
            "has no request body",
        ),
    ],
)
def test_usage_errors_exit_2(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], args: list[str], message: str
) -> None:
    assert main(["validate-request", *args, write(tmp_path, {})]) == 2
    assert message in capsys.readouterr().err


def test_each_missing_required_key_is_named(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    args = ["validate-request", "--provider", "apiframe", "--model", "imagen-4"]
    assert main([*args, write(tmp_path, {})]) == 1
    out = capsys.readouterr().out
    assert "/prompt: required: 'prompt' is a required property [prompt @" in out
    assert "/model: required: 'model' is a required property [model @" in out


def test_unreadable_and_non_json_input_exit_2(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    args = ["validate-request", "--provider", "tokaify", "--model", "imagen-4.0-generate-001"]
    assert main([*args, str(tmp_path / "missing.json")]) == 2
    bad = tmp_path / "bad.json"
    bad.write_text("{not json")
    assert main([*args, str(bad)]) == 2
    err = capsys.readouterr().err
    assert "cannot read" in err and "is not JSON" in err and "Traceback" not in err


def test_list_json(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["list", "--json"]) == 0
    rows = json.loads(capsys.readouterr().out)
    assert len(rows) == 21
    imagen = next(
        r for r in rows if r["provider"] == "google" and r["model"] == "imagen-4.0-generate-001"
    )
    assert imagen["status"] == "retired"
    assert imagen["upstream_lifecycle"] == "retired (gemini-api 2026-08-20)"


def test_list_table(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["list", "--provider", "apiframe"]) == 0
    out = capsys.readouterr().out
    assert "imagen-4" in out and "GET /v2/jobs/{id}" in out and "routescope" not in out
