"""Redaction: a key never survives in text or bytes, and short keys leave other words alone."""

from __future__ import annotations

import asyncio
import base64
import os
import re
from collections.abc import AsyncIterator

import httpx
from hypothesis import given, settings
from hypothesis import strategies as st

from conformance.plan.case import AuthSlot, Request
from conformance.transport.base import HttpxTransport
from conformance.transport.redaction import MIN_ANYWHERE, Redactor, environment_redactor

KEY_ALPHABET = st.characters(codec="ascii", categories=("L", "N"), include_characters="-_.")
LONG_KEYS = st.text(KEY_ALPHABET, min_size=MIN_ANYWHERE, max_size=48)
SHORT_KEYS = st.text(KEY_ALPHABET, min_size=1, max_size=MIN_ANYWHERE - 1)


@given(LONG_KEYS, st.text(max_size=60), st.text(max_size=60))
def test_a_long_key_is_replaced_wherever_it_occurs(key: str, before: str, after: str) -> None:
    redactor = Redactor({"MY_KEY": key})
    text = before + key + after + key
    assert key not in redactor.text(text)
    assert key.encode() not in redactor.bytes(text.encode())


@given(SHORT_KEYS, st.sampled_from([" ", "=", '"', ":", ",", "&", "\n"]))
def test_a_short_key_standing_alone_is_replaced(key: str, sep: str) -> None:
    redactor = Redactor({"MY_KEY": key})
    # Neighbours outside the key alphabet: a key `x` or `key` must not match them too.
    assert redactor.text(f"#{sep}{key}{sep}!") == f"#{sep}$MY_KEY{sep}!"
    assert redactor.bytes(f"{key}{sep}".encode()) == f"$MY_KEY{sep}".encode()


def test_a_short_key_inside_a_word_is_left_alone() -> None:
    redactor = Redactor({"ROUTESCOPE_API_KEY": "html"})
    assert redactor.text("Content-Type: text/html; key=html") == (
        "Content-Type: text/html; key=$ROUTESCOPE_API_KEY"
    )
    assert redactor.bytes(b"<html>xhtml") == b"<$ROUTESCOPE_API_KEY>xhtml"


def test_replacements_are_literal() -> None:
    assert Redactor({"A\\1": "secret"}).text("a secret") == "a $A\\1"


def test_the_environment_redactor_covers_key_and_token_variables() -> None:
    redactor = environment_redactor(
        {"GEMINI_API_KEY": "k" * 30, "GH_TOKEN": "t" * 30, "HOME": "/home/u"}
    )
    assert redactor.text("k" * 30 + " " + "t" * 30 + " /home/u") == (
        "$GEMINI_API_KEY $GH_TOKEN /home/u"
    )


def _reference(secrets: dict[str, str], data: bytes) -> bytes:
    """Redaction as plain replacement (long keys) and token matching (short ones)."""
    for value, name in sorted(((v, n) for n, v in secrets.items()), key=lambda p: -len(p[0])):
        if len(value) >= MIN_ANYWHERE:
            data = data.replace(value.encode(), f"${name}".encode())
        else:
            chars = "A-Za-z0-9_\\-./+~"
            pattern = f"(?<![{chars}]){re.escape(value)}(?![{chars}])".encode()
            stand_in = f"${name}".encode()
            data = re.sub(pattern, lambda _m, r=stand_in: r, data)
    return data


BODY_PARTS = st.sampled_from([b"QUJD", b"+/==", b'{"a":"', b'"}', b"-", b"_", b" ", b"\n"])


@given(
    st.one_of(LONG_KEYS, SHORT_KEYS),
    st.lists(st.one_of(BODY_PARTS, st.just(b"KEY")), max_size=30),
)
def test_bytes_redaction_is_plain_replacement_wherever_the_key_sits(
    key: str, parts: list[bytes]
) -> None:
    data = b"".join(key.encode() if p == b"KEY" else p for p in parts)
    assert Redactor({"MY_KEY": key}).bytes(data) == _reference({"MY_KEY": key}, data)


def test_a_key_at_the_end_of_a_huge_base64_body_is_replaced() -> None:
    body = b'{"bytesBase64Encoded":"' + base64.b64encode(os.urandom(3_000_000)) + b'","k":"'
    for key in ("sk-live-0123456789abcdef", "AIzaSyDabcdefghijklmnopqrstuvwxyz012345", "k-1"):
        redacted = Redactor({"MY_KEY": key}).bytes(body + key.encode() + b'"}')
        assert redacted.endswith(b'"k":"$MY_KEY"}') and key.encode() not in redacted


class _Split(httpx.AsyncByteStream):
    def __init__(self, parts: list[bytes]) -> None:
        self._parts = parts

    async def __aiter__(self) -> AsyncIterator[bytes]:
        for part in self._parts:
            yield part


@settings(deadline=None, max_examples=40)  # an event loop per example
@given(LONG_KEYS, st.integers(1, MIN_ANYWHERE - 1))
def test_an_echoed_key_is_redacted_in_headers_and_across_chunk_boundaries(
    key: str, cut: int
) -> None:
    echoed = b'{"error":{"message":"bad key ' + key.encode() + b'"}}'
    at = echoed.index(key.encode()) + cut

    def handler(request: httpx.Request) -> httpx.Response:
        return httpx.Response(
            401, headers={"x-echo": f"key={key}"}, stream=_Split([echoed[:at], echoed[at:]])
        )

    client = httpx.AsyncClient(transport=httpx.MockTransport(handler))
    transport = HttpxTransport(client, "http://api.test", key=key, key_env="MY_KEY")
    exchange = asyncio.run(
        transport.send(Request("GET", "/x", auth=AuthSlot("valid", "header", "x-key")))
    )
    response = exchange.response
    assert response is not None
    assert response.header("x-echo") == "key=$MY_KEY"
    assert key.encode() not in response.body and b"bad key $MY_KEY" in response.body
