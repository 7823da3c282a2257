"""Comparing values across two protocols: pixel sizes and ratios, key spellings, enum case."""

from __future__ import annotations

from math import gcd

from hypothesis import given
from hypothesis import strategies as st

from conformance.checks.fields import canonical, ratio_of, same, snake

sides = st.integers(min_value=1, max_value=5000)
names = st.from_regex(r"[a-z]{1,8}([A-Z][a-z]{1,6}){0,3}", fullmatch=True)


@given(w=sides, h=sides)
def test_a_pixel_size_means_its_reduced_ratio(w: int, h: int) -> None:
    g = gcd(w, h)
    assert same("aspect_ratio", f"{w}x{h}", f"{w // g}:{h // g}", fold_case=False)
    assert ratio_of(f"{w}x{h}") == ratio_of(f"{w // g}:{h // g}")


@given(name=names, value=st.integers())
def test_camel_and_snake_keys_mean_the_same(name: str, value: int) -> None:
    assert same(None, {name: value}, {snake(name): value}, fold_case=False)
    assert canonical(canonical({name: [value]})) == canonical({name: [value]})


def test_enums_fold_case_only_when_the_spec_says_so() -> None:
    assert same("person_generation", "ALLOW_ADULT", "allow_adult", fold_case=True)
    assert not same("person_generation", "ALLOW_ADULT", "allow_adult", fold_case=False)
    assert same("prompt", "a cat", "a cat [conformance-case:00]", fold_case=False)
    assert not same("image_size", "2K", "1K", fold_case=False)


@given(st.permutations(["image", "text"]))
def test_output_modalities_are_a_set(order: list[str]) -> None:
    # Portkey leaves `responseModalities` out when the client omits `modalities`: Google's
    # default ["TEXT", "IMAGE"] means the chat family's documented ["image", "text"].
    assert same("response_modalities", order, ["TEXT", "IMAGE"], fold_case=True)
    assert not same("response_modalities", order, ["IMAGE"], fold_case=True)
    assert not same("response_modalities", order, ["TEXT", "IMAGE"], fold_case=False)
    # Order matters where the value is not a set.
    assert not same("contents", ["a", "b"], ["b", "a"], fold_case=False)
