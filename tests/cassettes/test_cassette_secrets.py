"""Secrets never reach a cassette: a random key in every slot (Bearer, X-API-Key,
x-goog-api-key, ?key=), a key echoed back by the server, and spec fields marked `secret`."""

from __future__ import annotations

import asyncio
import base64
import secrets
import shutil
import urllib.parse
from pathlib import Path
from types import SimpleNamespace

import httpx
import pytest
import yaml
from cassette_testkit import SPECS, files_under, loopback_relay, run

from conformance.cassettes import (
    PlanSettings,
    Recording,
    RecordTarget,
    RunSettings,
    SecretLeak,
    Secrets,
    Store,
)
from conformance.cassettes.session import CassetteSession
from conformance.cassettes.tagging import CASE
from conformance.plan.planner import Plan, PlanOptions, plan
from conformance.runner import run_plan
from conformance.spec.model import Spec
from conformance.spec.resolve import load_spec
from conformance.transport.base import HttpxTransport
from conformance.transport.flow import FlowOptions

# Providers and models whose auth matrix puts the key in every documented slot.
LIVE = [
    ("tokaify", "TOKAIFY_API_KEY", ()),  # Authorization: Bearer
    ("apiframe", "APIFRAME_API_KEY", ()),  # X-API-Key
    ("google", "GEMINI_API_KEY", ("--model", "gemini-2.5-flash-image")),  # x-goog-api-key, ?key=
]


def _forms(key: str) -> list[str]:
    return [key, urllib.parse.quote(key, safe=""), base64.b64encode(key.encode()).decode()]


def test_a_random_key_is_scrubbed_from_everything_written(
    spec: Spec,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    key = "sk-" + secrets.token_urlsafe(24)
    out = tmp_path / "out"
    with loopback_relay(spec, key) as base:
        for provider, env, extra in LIVE:
            monkeypatch.setenv(env, key)
            code, report = run(
                [
                    "--base-url",
                    f"{base}/{provider}",
                    "--provider",
                    provider,
                    *extra,
                    "--max-examples",
                    "1",
                    "--poll-interval",
                    "0.02",
                    "--record",
                    str(out / "cassettes"),
                ],
                out / f"{provider}.json",
            )
            assert code == 0, provider
            assert report["counts"].get("pass", 0) > 5
    written = files_under(out)
    assert len(written) >= 3 + 3 + 3  # three manifests, cassettes, reports
    text = capsys.readouterr()
    for form in _forms(key):
        assert form not in text.out + text.err
        for path in written:
            assert form.encode() not in path.read_bytes(), f"{form!r} in {path}"
    cassette = (out / "cassettes" / "google" / "gemini-2.5-flash-image.yaml").read_text()
    assert "key=%3Credacted%3E" in cassette and "x-goog-api-key:\n      - <redacted>" in cassette
    assert (
        "Bearer <redacted>"
        in (out / "cassettes" / "tokaify").joinpath("imagen-4.0-generate-001.yaml").read_text()
    )
    # the wrong key is not a secret: the auth cases stay distinguishable
    assert "conformance-wrong-key" in cassette
    monkeypatch.delenv("GEMINI_API_KEY")
    assert run(["--replay", str(out / "cassettes"), "--block-network"])[0] == 0


def test_an_echoed_key_is_replaced_before_anything_is_kept(spec: Spec, tmp_path: Path) -> None:
    key = secrets.token_hex(20)

    def echo(request: httpx.Request) -> httpx.Response:
        body = {"error": {"code": 401, "message": f"key {key} rejected", "status": "X"}}
        return httpx.Response(401, json=body, headers={"x-echo": key})

    full = plan(spec, PlanOptions(providers=("tokaify",), max_examples=0))
    three = Plan(full.cases[:3], full.coverage)
    recording = Recording(
        Store(tmp_path),
        spec,
        three,
        full,
        target=RecordTarget("test", "echo server", {"tokaify": "http://echo"}, {"tokaify": "K"}),
        plan_settings=PlanSettings(max_examples=0),
        run_settings=RunSettings(),
        secrets={"tokaify": _secrets("K", key)},
        spec_sha256="0",
    )
    client = httpx.AsyncClient(transport=httpx.MockTransport(echo))
    transport = HttpxTransport(client, "http://echo", key=key, key_env="K")

    async def go() -> None:
        with recording.cassette():
            await run_plan(three, recording.wrap({"tokaify": transport}), flow=FlowOptions())
        await client.aclose()

    asyncio.run(go())
    recording.write_manifests({})
    written = files_under(tmp_path)
    assert written
    for path in written:
        assert key.encode() not in path.read_bytes()
    data = yaml.safe_load((tmp_path / "tokaify" / "imagen-4.0-generate-001.yaml").read_text())
    response = data["interactions"][0]["response"]
    assert (
        response["headers"]["x-echo"] == ["$K"] and "key $K rejected" in response["body"]["string"]
    )


def _secrets(name: str, value: str) -> Secrets:
    out = Secrets()
    out.add(name, value)
    return out


def test_fields_the_spec_marks_secret_are_scrubbed(tmp_path: Path) -> None:
    specs = tmp_path / "specs"
    shutil.copytree(SPECS, specs)
    family = specs / "families" / "gemini-predict.yaml"
    text = family.read_text()
    where = "        path: /instances/*/prompt\n"
    assert where in text
    family.write_text(text.replace(where, where + "        secret: true\n", 1))
    secret_spec = load_spec(specs)
    prompt = next(
        p
        for p in secret_spec.provider("tokaify").models[0].operations[0].parameters  # type: ignore[union-attr]
        if p.name == "instances[].prompt"
    )
    assert prompt.secret
    out = tmp_path / "cassettes"
    args = ["--provider", "tokaify", "--max-examples", "0", "--record", str(out)]
    assert run(args, specs=specs)[0] == 0
    for path in files_under(out):
        assert b"a red bicycle leaning on a blue wall" not in path.read_bytes(), path
    assert b"<redacted>" in (out / "tokaify" / "imagen-4.0-generate-001.yaml").read_bytes()
    assert run(["--replay", str(out)], specs=specs)[0] == 0


def test_a_leak_is_refused_before_writing(tmp_path: Path) -> None:
    guard = _secrets("MY_KEY", "sk-abcdef123456")
    with pytest.raises(SecretLeak, match=r"\$MY_KEY"):
        guard.assert_clean(b"... sk-abcdef123456 ...", "x.yaml")
    with pytest.raises(SecretLeak):
        guard.assert_clean(b"uri: /v1?key=sk-abcdef123456", "x.yaml")
    guard.assert_clean(b"Bearer <redacted>", "x.yaml")


def test_a_malformed_bodys_secret_field_is_replaced_even_when_recorded_first(
    tmp_path: Path,
) -> None:
    """A raw (non-JSON) body cannot be redacted by pointer: the plan's secret values are
    replaced in it, the same in a fresh session as after other cases were recorded."""
    specs = tmp_path / "specs"
    shutil.copytree(SPECS, specs)
    family = specs / "families" / "gemini-predict.yaml"
    where = "        path: /instances/*/prompt\n"
    family.write_text(family.read_text().replace(where, where + "        secret: true\n", 1))
    spec = load_spec(specs)
    cases = plan(spec, PlanOptions(providers=("tokaify",), max_examples=0)).cases
    wire = next(c for c in cases if c.request.raw_body is not None)
    assert "a red bicycle" in (wire.request.raw_body or "")
    session = CassetteSession(Store(tmp_path / "c"), spec, cases)
    token = CASE.set(wire)
    try:
        for body in (wire.request.raw_body.encode(), wire.request.raw_body):  # type: ignore[union-attr]
            request = SimpleNamespace(headers={}, body=body, uri="http://relay/x")
            out = session.before_record_request(request)
            text = out.body.decode() if isinstance(out.body, bytes) else out.body
            assert "a red bicycle" not in text and "$SECRET_FIELD" in text
    finally:
        CASE.reset(token)
