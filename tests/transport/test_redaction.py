"""Redaction: a key never survives in text or bytes, and short keys leave other words alone."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

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
