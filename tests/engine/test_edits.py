"""Edits through the official SDK: the transparent area is filled from the picture, everything else is kept."""

from __future__ import annotations

import base64

import httpx
import numpy as np
import openai

from dalle_studio.engine.catalog import ENGINE_MODEL_ID
from tests.engine.conftest import RunningEngine, decode, hole_mask, png_bytes, striped

MAGENTA = (255, 0, 255)


def damaged_picture(width: int = 320, height: int = 240) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(picture with a magenta block, its mask, the boolean hole)."""
    picture = striped(width, height)
    box = (100, 80, 200, 160)
    mask = hole_mask(width, height, box)
    hole = mask[..., 3] == 0
    picture[hole, :3] = MAGENTA
    return picture, mask, hole


def edit(client: openai.OpenAI, picture: np.ndarray, mask: np.ndarray | None, **kw: object) -> list[np.ndarray]:
    files = {"mask": ("mask.png", png_bytes(mask), "image/png")} if mask is not None else {}
    result = client.images.edit(model=kw.pop("model", ENGINE_MODEL_ID), prompt="fill it",
                                image=kw.pop("image", ("pic.png", png_bytes(picture), "image/png")), **files, **kw)
    return [decode(base64.b64decode(item.b64_json)) for item in result.data]


def test_hole_is_filled_with_the_surrounding_colours_and_the_rest_is_untouched(client: openai.OpenAI) -> None:
    picture, mask, hole = damaged_picture()
    [out] = edit(client, picture, mask)
    assert out.shape == picture.shape
    assert np.array_equal(out[~hole], picture[~hole])
    filled = out[hole, :3].astype(int)
    # No magenta survives: every filled pixel is as little blue as the green and yellow stripes around it.
    assert filled[:, 2].max() < 110
    assert abs(filled[:, 1].mean() - picture[~hole, 1].mean()) < 30


def test_n_results_differ_from_each_other(client: openai.OpenAI) -> None:
    picture, mask, hole = damaged_picture()
    results = edit(client, picture, mask, n=3)
    assert len(results) == 3
    for a in range(3):
        for b in range(a + 1, 3):
            assert np.abs(results[a][hole].astype(int) - results[b][hole].astype(int)).mean() > 1.0


def test_same_seed_header_gives_the_same_fill(client: openai.OpenAI) -> None:
    picture, mask, _ = damaged_picture()
    first = edit(client, picture, mask, n=2, extra_headers={"x-engine-seed": "77"})
    again = edit(client, picture, mask, n=2, extra_headers={"x-engine-seed": "77"})
    assert all(np.array_equal(a, b) for a, b in zip(first, again, strict=True))


def test_a_list_of_images_is_accepted_and_the_mask_applies_to_the_first(client: openai.OpenAI) -> None:
    picture, mask, hole = damaged_picture()
    images = [("a.png", png_bytes(picture), "image/png"), ("b.png", png_bytes(striped(64, 64, 3)), "image/png")]
    [out] = edit(client, picture, mask, image=images)
    assert np.array_equal(out[~hole], picture[~hole])
    assert out[hole, 2].max() < 110


def test_output_has_the_requested_size_and_format(client: openai.OpenAI) -> None:
    picture, mask, _ = damaged_picture()
    result = client.images.edit(model=ENGINE_MODEL_ID, prompt="x", image=("p.png", png_bytes(picture), "image/png"),
                                mask=("m.png", png_bytes(mask), "image/png"), size="1024x768", output_format="jpeg",
                                output_compression=80)
    data = base64.b64decode(result.data[0].b64_json)
    assert data.startswith(b"\xff\xd8\xff")
    assert decode(data).shape == (768, 1024, 4)
    assert (result.size, result.output_format, result.background) == ("1024x768", "jpeg", "opaque")


def test_transparent_background_is_kept_when_asked(client: openai.OpenAI) -> None:
    picture, mask, hole = damaged_picture()
    picture[:20, :, 3] = 0  # a transparent band at the top, outside the hole
    [out] = edit(client, picture, mask, background="transparent", output_format="webp")
    assert (out[:20, :, 3] == 0).all()
    assert (out[hole, 3] == 255).all()


def test_without_a_mask_the_pictures_own_transparency_is_filled(client: openai.OpenAI) -> None:
    picture, _, hole = damaged_picture()
    picture[hole, 3] = 0
    [out] = edit(client, picture, None)
    assert (out[..., 3] == 255).all()
    assert np.array_equal(out[~hole, :3], picture[~hole, :3])
    assert out[hole, 2].max() < 110


def test_dalle2_rules_return_a_url_that_serves_the_picture(client: openai.OpenAI, engine: RunningEngine) -> None:
    picture, mask, _ = damaged_picture(256, 256)
    result = client.images.edit(model="dall-e-2", prompt="x", image=("p.png", png_bytes(picture), "image/png"),
                                mask=("m.png", png_bytes(mask), "image/png"), size="256x256")
    url = result.data[0].url
    assert url and url.startswith(engine.root)
    fetched = httpx.get(url)  # no token: the URL itself is the credential
    assert fetched.status_code == 200
    assert decode(fetched.content).shape == (256, 256, 4)


def test_stream_sends_partial_images_then_the_completed_picture(client: openai.OpenAI) -> None:
    picture, mask, hole = damaged_picture()
    stream = client.images.edit(model=ENGINE_MODEL_ID, prompt="x", image=("p.png", png_bytes(picture), "image/png"),
                                mask=("m.png", png_bytes(mask), "image/png"), stream=True, partial_images=2)
    events = list(stream)
    assert [e.type for e in events] == ["image_edit.partial_image"] * 2 + ["image_edit.completed"]
    assert [e.partial_image_index for e in events[:2]] == [0, 1]
    final = decode(base64.b64decode(events[-1].b64_json))
    assert np.array_equal(final[~hole], picture[~hole])
