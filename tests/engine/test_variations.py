"""Variations: the picture re-synthesised from itself, clearly different from it and from each other."""

from __future__ import annotations

import base64
from pathlib import Path

import numpy as np
import openai
import pytest
from PIL import Image

from dalle_studio.engine.catalog import ENGINE_MODEL_ID
from tests.engine.conftest import decode, png_bytes

pytestmark = pytest.mark.filterwarnings("ignore:deprecated:DeprecationWarning")  # the SDK marks create_variation

SAMPLES = Path(__file__).resolve().parents[2] / "resources" / "samples"


def photo(size: int = 256) -> np.ndarray:
    return np.asarray(Image.open(SAMPLES / "chelsea.png").convert("RGB").resize((size, size)))


def vary(client: openai.OpenAI, picture: np.ndarray, **kw: object) -> list[np.ndarray]:
    result = client.images.create_variation(image=("p.png", png_bytes(picture), "image/png"),
                                            response_format="b64_json", **kw)
    return [decode(base64.b64decode(item.b64_json))[..., :3] for item in result.data]


def difference(a: np.ndarray, b: np.ndarray) -> float:
    return float(np.abs(a.astype(int) - b.astype(int)).mean())


def test_variations_have_the_requested_size_and_count(client: openai.OpenAI) -> None:
    results = vary(client, photo(), n=2, size="512x512")
    assert [r.shape for r in results] == [(512, 512, 3)] * 2


def test_variations_differ_from_the_source_and_from_each_other(client: openai.OpenAI) -> None:
    source = photo()
    results = vary(client, source, n=3, size="256x256")
    for result in results:
        assert difference(result, source) > 8
    assert difference(results[0], results[1]) > 8
    assert difference(results[1], results[2]) > 8
    # Still the same picture: colours stay close on average (a re-synthesis, not noise).
    for result in results:
        assert np.abs(result.mean(axis=(0, 1)) - source.mean(axis=(0, 1))).max() < 40


def test_same_seed_gives_the_same_variation(client: openai.OpenAI) -> None:
    source = photo()
    first = vary(client, source, size="256x256", user="seed:1234")
    again = vary(client, source, size="256x256", extra_headers={"x-engine-seed": "1234"})
    assert np.array_equal(first[0], again[0])


def test_engine_model_offers_variations_at_any_allowed_size(client: openai.OpenAI) -> None:
    result = client.images.create_variation(model=ENGINE_MODEL_ID, image=("p.png", png_bytes(photo()), "image/png"),
                                            size="320x192")
    assert decode(base64.b64decode(result.data[0].b64_json)).shape == (192, 320, 4)
