"""Official SDKs parse the relay's answers: google-genai against /google, openai against
/aimlapi/v1. The relay runs on uvicorn in a background thread on a loopback port."""

from __future__ import annotations

from collections.abc import Iterator

import httpx
import pytest
from loopback import serving
from relay_testkit import KEY

from conformance.images import inspect_image
from conformance.server import RelayOptions, create_app
from conformance.spec.model import Spec


@pytest.fixture(scope="module")
def base_url(spec: Spec) -> Iterator[str]:
    with serving(create_app(spec, RelayOptions())) as base:
        yield base


def test_google_genai_generate_content(base_url: str) -> None:
    from google import genai
    from google.genai import types

    # google-genai 3.x defaults to /v1/; the specs document Google's /v1beta/ paths.
    client = genai.Client(
        api_key=KEY,
        http_options=types.HttpOptions(base_url=f"{base_url}/google", api_version="v1beta"),
    )
    response = client.models.generate_content(
        model="gemini-2.5-flash-image",
        contents="a red bicycle leaning on a wall",
        config=types.GenerateContentConfig(
            response_modalities=["IMAGE"],
            image_config=types.ImageConfig(aspect_ratio="16:9"),
        ),
    )
    parts = response.candidates[0].content.parts
    images = [p.inline_data for p in parts if p.inline_data is not None]
    assert len(images) == 1
    assert images[0].mime_type == "image/png"
    info = inspect_image(images[0].data, full_decode=True)
    assert info.ok and info.mime == "image/png" and info.size == (1344, 768)
    assert response.usage_metadata.total_token_count > 0
    assert response.model_version == "gemini-2.5-flash-image"


def test_google_genai_sees_the_api_key_error(base_url: str) -> None:
    from google import genai
    from google.genai import errors, types

    client = genai.Client(
        api_key="wrong",
        http_options=types.HttpOptions(base_url=f"{base_url}/google", api_version="v1beta"),
    )
    with pytest.raises(errors.ClientError) as caught:
        client.models.generate_content(model="gemini-3-pro-image-preview", contents="x")
    assert caught.value.code == 400
    assert caught.value.status == "INVALID_ARGUMENT"


def test_openai_images_generate_b64_json(base_url: str) -> None:
    import openai

    client = openai.OpenAI(base_url=f"{base_url}/aimlapi/v1", api_key=KEY, max_retries=0)
    result = client.images.generate(
        model="google/imagen-4.0-fast-generate-001",
        prompt="a teapot on a desk",
        extra_body={"convert_base64_to_url": False, "aspect_ratio": "16:9", "num_images": 2},
    )
    assert result.data is not None and len(result.data) == 2
    import base64

    for image in result.data:
        assert image.b64_json is not None
        info = inspect_image(base64.b64decode(image.b64_json), full_decode=True)
        assert info.ok and info.mime == "image/png" and info.size == (1408, 768)


def test_openai_images_generate_url(base_url: str) -> None:
    import openai

    client = openai.OpenAI(base_url=f"{base_url}/aimlapi/v1", api_key=KEY, max_retries=0)
    result = client.images.generate(
        model="google/imagen-4.0-fast-generate-001", prompt="a teapot on a desk"
    )
    assert result.data is not None and len(result.data) == 1
    url = result.data[0].url
    assert url is not None and url.startswith(base_url)
    got = httpx.get(url)
    assert got.headers["content-type"] == "image/png"
    info = inspect_image(got.content, full_decode=True)
    assert info.ok and info.size == (1024, 1024)


def test_openai_sdk_raises_on_the_openai_envelope(base_url: str) -> None:
    import openai

    client = openai.OpenAI(base_url=f"{base_url}/aimlapi/v1", api_key=KEY, max_retries=0)
    with pytest.raises(openai.BadRequestError) as caught:
        client.images.generate(
            model="google/imagen-4.0-fast-generate-001",
            prompt="x",
            extra_body={"aspect_ratio": "2:1"},
        )
    assert caught.value.code == "invalid_value"
    assert caught.value.param == "aspect_ratio"
    with pytest.raises(openai.AuthenticationError):
        openai.OpenAI(
            base_url=f"{base_url}/aimlapi/v1", api_key="nope", max_retries=0
        ).images.generate(model="google/imagen-4.0-fast-generate-001", prompt="x")


def test_query_key_is_accepted_over_real_http(base_url: str) -> None:
    answer = httpx.post(
        f"{base_url}/google/v1beta/models/imagen-4.0-fast-generate-001:predict",
        params={"key": KEY},
        json={"instances": [{"prompt": "x"}], "parameters": {"sampleCount": 1}},
    )
    assert answer.status_code == 200
    assert len(answer.json()["predictions"]) == 1
