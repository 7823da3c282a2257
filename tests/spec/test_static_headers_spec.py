"""Static headers: templates, `Name: value` parsing, and provider spec headers with sources."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from conformance.spec.diagnostics import SpecError
from conformance.spec.headers import HeaderError, StaticHeader, parse_header, resolve
from conformance.spec.resolve import load_spec

SPECS = Path(__file__).resolve().parents[2] / "specs"


def test_variables_expand_in_both_forms_and_dollar_dollar_is_literal() -> None:
    header = StaticHeader("x-route", "a-$ONE-${TWO}x-$$ONE")
    assert header.variables() == ("ONE", "TWO")
    assert header.expand({"ONE": "1", "TWO": "2"}) == "a-1-2x-$ONE"


def test_a_missing_variable_is_an_error_value_with_a_hint() -> None:
    found = StaticHeader("x-key", "${PK_KEY}").expand({"PK_KEY": ""})
    assert isinstance(found, HeaderError)
    assert "PK_KEY" in found.message and "export PK_KEY" in found.hint


@given(st.text(alphabet=st.characters(blacklist_characters="$"), max_size=40))
def test_a_value_without_dollar_is_sent_as_written(value: str) -> None:
    assert StaticHeader("x-a", value).expand({}) == value


@given(st.from_regex(r"[A-Z][A-Z0-9_]{0,10}", fullmatch=True), st.text(min_size=1, max_size=20))
def test_only_secret_headers_carry_secrets(var: str, value: str) -> None:
    env = {var: value}
    plain = resolve(StaticHeader("x-a", f"pre ${{{var}}}"), env)
    secret = resolve(StaticHeader("x-a", f"pre ${{{var}}}", secret=True), env)
    assert not isinstance(plain, HeaderError) and not isinstance(secret, HeaderError)
    assert plain.value == secret.value == f"pre {value}"
    assert plain.secrets == () and secret.secrets == ((var, value),)


def test_a_literal_secret_is_redacted_under_a_name_of_its_own() -> None:
    sent = resolve(StaticHeader("x-portkey-api-key", "pk-123", secret=True), {})
    assert not isinstance(sent, HeaderError)
    assert sent.secrets == (("HEADER_X_PORTKEY_API_KEY", "pk-123"),)
    assert StaticHeader("x-portkey-api-key", "pk-123", True).placeholder() == (
        "$HEADER_X_PORTKEY_API_KEY"
    )


@pytest.mark.parametrize(
    ("text", "name", "value"),
    [
        ("x-portkey-provider: google", "x-portkey-provider", "google"),
        ("X-Key:${K}", "X-Key", "${K}"),
        ("x-empty:", "x-empty", ""),
        ("x-colon: a:b", "x-colon", "a:b"),
    ],
)
def test_parse_header(text: str, name: str, value: str) -> None:
    parsed = parse_header(text)
    assert isinstance(parsed, StaticHeader) and (parsed.name, parsed.value) == (name, value)


@pytest.mark.parametrize("text", ["no colon", ": value", "bad name: v", "Host: x"])
def test_parse_header_rejects(text: str) -> None:
    assert isinstance(parse_header(text), HeaderError)


HEADERS = """headers:
  - name: x-portkey-provider
    value: google
    source: {ref: relay-failures, section: "routing"}
  - name: x-portkey-api-key
    value: "${PORTKEY_API_KEY}"
    secret: true
    source: {ref: relay-failures}
"""


def _with_headers(tmp_path: Path, block: str) -> Path:
    root = tmp_path / "specs"
    shutil.copytree(SPECS, root)
    path = root / "providers" / "tokaify.yaml"
    text = path.read_text()
    path.write_text(text.replace("\noperations:", "\n" + block + "operations:", 1))
    return root


def test_provider_headers_resolve_with_their_source(tmp_path: Path) -> None:
    spec = load_spec(_with_headers(tmp_path, HEADERS))
    provider = spec.provider("tokaify")
    assert provider is not None
    names = [(h.name, h.secret) for h in provider.headers]
    assert names == [("x-portkey-provider", False), ("x-portkey-api-key", True)]
    first = provider.headers[0]
    assert first.source is not None and first.source.ref == "relay-failures"
    assert first.declared_at is not None and first.declared_at.file.endswith("tokaify.yaml")


def test_duplicate_and_sourceless_headers_are_spec_errors(tmp_path: Path) -> None:
    dup = HEADERS + "  - {name: X-Portkey-Provider, value: x, source: {ref: relay-failures}}\n"
    root = _with_headers(tmp_path / "a", dup)
    with pytest.raises(SpecError) as err:
        load_spec(root)
    (found,) = err.value.diagnostics
    assert "listed twice" in found.message and found.location.file.endswith("tokaify.yaml")
    lines = (root / "providers" / "tokaify.yaml").read_text().splitlines()
    third = 1 + next(i for i, line in enumerate(lines) if "name: X-Portkey-Provider" in line)
    assert found.location.line == third  # the third entry
    with pytest.raises(SpecError) as err:
        load_spec(_with_headers(tmp_path / "b", "headers:\n  - {name: x-a, value: b}\n"))
    assert any("source" in d.message for d in err.value.diagnostics)
