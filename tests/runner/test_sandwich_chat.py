"""A block stays a block through a chat-completions gateway: the reference relay upstream (as
Google) blocks the content-policy trigger prompts, and the gateway must answer with the
provider's blocked form (`finish_reason: content_filter`), not a 200 that reports no block, a
5xx or a refusal."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from chat_gateway_testkit import BLOCK_BREAKAGES, CLIENT_KEY, UPSTREAM_KEY, chat_gateway
from sandwich_testkit import serving

from conformance.cli.main import main
from conformance.server import RelayOptions, create_app
from conformance.spec.model import Spec


@pytest.fixture(scope="module")
def gateway(spec: Spec) -> Iterator[tuple[str, str]]:
    options = RelayOptions(keys=(UPSTREAM_KEY,), journal=5000, providers=("google",))
    with serving(create_app(spec, options)) as upstream, serving(chat_gateway(upstream)) as relay:
        yield relay, upstream


def _blocked_outcomes(
    gateway: tuple[str, str], variant: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> dict[str, tuple[str, set[str]]]:
    """Per blocked case: its outcome and the outcomes forward-blocked gave it."""
    relay, upstream = gateway
    monkeypatch.setenv("OPENROUTER_API_KEY", CLIENT_KEY)
    report = tmp_path / f"{variant}.json"
    args = ["run", "--base-url", f"{relay}/{variant}", "--provider", "openrouter"]
    args += ["--upstream", upstream, "--retries", "0", "--max-examples", "0"]
    main([*args, "--json", str(report)])
    out = {}
    for case in json.loads(report.read_text())["cases"]:
        if case["kind"] == "blocked":
            seen = {f["outcome"] for f in case["findings"] if f["check"] == "forward-blocked"}
            out[case["id"]] = (case["outcome"], seen)
    return out


def test_a_faithful_gateway_keeps_the_block(
    gateway: tuple[str, str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    found = _blocked_outcomes(gateway, "faithful", tmp_path, monkeypatch)
    assert found, "the sandwich plan carries the content-policy triggers"
    assert all(outcome == "blocked" and seen == {"pass"} for outcome, seen in found.values())


@pytest.mark.parametrize("breakage", BLOCK_BREAKAGES)
def test_a_gateway_that_loses_the_block_is_caught(
    breakage: str, gateway: tuple[str, str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    found = _blocked_outcomes(gateway, breakage, tmp_path, monkeypatch)
    assert found and all("fail" in seen for _, seen in found.values()), found
