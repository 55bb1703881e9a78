"""Odd pictures sent to the real engine (issue 13, items 6 and 7): 16-bit grey keeps its tones; with an EXIF
orientation, the mask is read in the orientation of the picture as shown and the fill lands where it marks."""

from __future__ import annotations

import base64
import io

import httpx
import numpy as np
import openai
from PIL import Image

from dalle_studio.engine.catalog import ENGINE_MODEL_ID
from tests.engine.conftest import RunningEngine, decode, hole_mask, png_bytes

MAGENTA = (255, 0, 255)


def _edit(client: openai.OpenAI, image: bytes, mask: bytes) -> np.ndarray:
    result = client.images.edit(model=ENGINE_MODEL_ID, prompt="fill it", image=("pic.png", image, "image/png"),
                                mask=("mask.png", mask, "image/png"))
    return decode(base64.b64decode(result.data[0].b64_json))


def test_sixteen_bit_grey_comes_back_grey_not_white(client: openai.OpenAI) -> None:
    width, height = 96, 64
    deep = np.full((height, width), 0x8000, np.uint16)  # mid grey
    out = io.BytesIO()
    Image.frombytes("I;16", (width, height), deep.astype("<u2").tobytes()).save(out, "PNG")
    mask = hole_mask(width, height, (40, 24, 56, 40))
    result = _edit(client, out.getvalue(), png_bytes(mask))
    assert result.shape[:2] == (height, width)
    kept = result[mask[..., 3] == 255, :3]
    assert np.abs(kept.astype(int) - 128).max() <= 1, "the picture's grey was lost"
    assert np.abs(result[mask[..., 3] == 0, :3].astype(int) - 128).max() <= 2, "the fill is not grey"


def _turned_picture() -> tuple[bytes, np.ndarray, np.ndarray]:
    """A PNG stored 64x96 whose EXIF orientation (6) shows it 96x64: left red, right blue, with a magenta block on
    the right; the mask (in the shown orientation) marks the block. Returns (png, shown mask, shown hole)."""
    width, height = 96, 64
    shown = np.zeros((height, width, 3), np.uint8)
    shown[:, : width // 2] = (255, 0, 0)
    shown[:, width // 2:] = (0, 0, 255)
    box = (64, 20, 84, 44)
    mask = hole_mask(width, height, box)
    hole = mask[..., 3] == 0
    shown[hole] = MAGENTA
    exif = Image.Exif()
    exif[0x0112] = 6  # display = stored rotated 90° clockwise
    stored = Image.fromarray(shown, "RGB").transpose(Image.Transpose.ROTATE_90)
    out = io.BytesIO()
    stored.save(out, "PNG", exif=exif)
    return out.getvalue(), mask, hole


def test_a_mask_the_size_of_the_turned_picture_fills_where_it_marks(client: openai.OpenAI) -> None:
    image, mask, hole = _turned_picture()
    result = _edit(client, image, png_bytes(mask))
    assert result.shape[:2] == mask.shape[:2], "the answer is the picture as shown"
    filled = result[hole, :3].astype(int)
    assert filled[:, 1].max() < 60 and filled[:, 2].min() > 150, "the block was not filled with the blue around it"
    assert np.abs(result[5, 5, :3].astype(int) - (255, 0, 0)).max() <= 2, "the picture is not upright"
    assert np.abs(result[5, 90, :3].astype(int) - (0, 0, 255)).max() <= 2


def test_a_mask_in_the_stored_orientation_is_refused_with_both_sizes(engine: RunningEngine) -> None:
    image, mask, _ = _turned_picture()
    stored_mask = np.ascontiguousarray(np.rot90(mask))  # 64 wide, 96 high: the file's own orientation
    response = httpx.post(f"{engine.base_url}/images/edits", headers=engine.headers(), timeout=30, data={
        "model": ENGINE_MODEL_ID, "prompt": "fill it"}, files={
        "image": ("pic.png", image, "image/png"), "mask": ("mask.png", png_bytes(stored_mask), "image/png")})
    assert response.status_code == 400
    assert "64x96 differs from the image's 96x64" in response.json()["error"]["message"]
