"""Run-time path parameters: parsed strictly, and only the named segments of the chosen
providers' paths change (the spec's placeholders stay the default)."""

from __future__ import annotations

from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st

from conformance.spec.path_params import (
    PathParamError,
    parse_path_param,
    segments,
    with_path_params,
)
from conformance.spec.resolve import load_spec

SPEC = load_spec(Path(__file__).resolve().parents[2] / "specs")
_SEGMENT = st.text(st.sampled_from("abcxyz0129-._~"), min_size=1, max_size=20)


def test_the_default_is_the_spec_placeholder() -> None:
    vertex = SPEC.provider("vertex")
    assert vertex is not None
    for model in vertex.models:
        for op in model.operations:
            assert dict(op.path_params) == {
                "project": "conformance-test",
                "location": "us-central1",
            }
            assert op.path.startswith("/v1/projects/conformance-test/locations/us-central1/")


@settings(max_examples=40, deadline=None)
@given(project=_SEGMENT, location=_SEGMENT)
def test_values_land_in_their_segments_only(project: str, location: str) -> None:
    changed = with_path_params(SPEC, {"project": project, "location": location}, ["vertex"])
    for before, after in zip(SPEC.providers, changed.providers, strict=True):
        for m0, m1 in zip(before.models, after.models, strict=True):
            for o0, o1 in zip(m0.operations, m1.operations, strict=True):
                if before.id != "vertex" or not segments(o0):
                    assert o1 == o0
                    continue
                assert o1.path == (
                    f"/v1/projects/{project}/locations/{location}/publishers/google/models/"
                    f"{m0.id}:{o0.path.rsplit(':', 1)[1]}"
                )
                assert o1.path_template == o0.path_template


def test_one_value_keeps_the_other_placeholder() -> None:
    changed = with_path_params(SPEC, {"project": "my-proj"})
    vertex = changed.provider("vertex")
    assert vertex is not None
    op = vertex.models[0].operations[0]
    assert "/projects/my-proj/locations/us-central1/" in op.path


@settings(max_examples=60)
@given(name=st.from_regex(r"[a-z_]{1,8}", fullmatch=True), value=_SEGMENT)
def test_parse_round_trips(name: str, value: str) -> None:
    parsed = parse_path_param(f"{name}={value}")
    if name == "model":
        assert isinstance(parsed, PathParamError)
    else:
        assert parsed == (name, value)


def test_bad_forms_are_errors_with_a_hint() -> None:
    for text in ("project", "=x", "project=a/b", "project=", "project=a b", "model=x"):
        parsed = parse_path_param(text)
        assert isinstance(parsed, PathParamError) and parsed.hint, text
