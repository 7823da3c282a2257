"""Why the header sizes are read by hand: Pillow agrees on whole images, not on truncated ones.

If a Pillow release starts sizing truncated headers, `test_pillow_cannot_size_a_cut_header`
fails and conformance/images/headers.py can give way to `Image.open(...).size`.
"""

from __future__ import annotations

import io
import warnings

import pytest
from PIL import Image

from conformance.images import make_image, read_size, sniff_format


def _pillow_size(data: bytes) -> tuple[int, int] | None:
    fmt = sniff_format(data)
    assert fmt is not None and fmt.pillow_name is not None
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        try:
            with Image.open(io.BytesIO(data), formats=[fmt.pillow_name]) as image:
                return image.size
        except Exception:
            return None


@pytest.mark.parametrize("fmt", ["png", "jpeg", "webp"])
def test_whole_images_are_sized_alike(fmt: str) -> None:
    data = make_image(640, 360, fmt, "realistic")
    assert read_size(data) == _pillow_size(data) == (640, 360)


@pytest.mark.parametrize(("fmt", "cut"), [("png", 40), ("jpeg", 400), ("webp", 60)])
def test_pillow_cannot_size_a_cut_header(fmt: str, cut: int) -> None:
    data = make_image(640, 360, fmt, "realistic")[:cut]
    assert read_size(data) == (640, 360)  # what the checks report about a truncated image
    assert _pillow_size(data) is None
