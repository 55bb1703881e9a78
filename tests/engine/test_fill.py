"""The fill methods in-process: what each leaves untouched, which one a hole gets, and what it copies."""

from __future__ import annotations

import io

import cv2
import numpy as np
import pytest
from PIL import Image

from dalle_studio.engine import fill, pictures, variations
from dalle_studio.engine.results import ResultStore
from tests.engine.conftest import striped


def picture_with_hole(width: int = 160, height: int = 120) -> tuple[np.ndarray, np.ndarray]:
    rgb = striped(width, height)[..., :3].copy()
    hole = np.zeros((height, width), bool)
    hole[40:80, 60:110] = True
    rgb[hole] = (255, 0, 255)
    return rgb, hole


@pytest.mark.parametrize("method", fill.METHODS)
def test_every_method_leaves_pixels_outside_the_hole_untouched_and_removes_the_magenta(method: str) -> None:
    rgb, hole = picture_with_hole()
    out = fill.fill(rgb, hole, method, seed=3)  # type: ignore[arg-type]
    assert np.array_equal(out[~hole], rgb[~hole])
    assert out[hole, 2].astype(int).mean() < 120


def test_thin_scribbles_get_telea_and_large_holes_the_multiscale_completion() -> None:
    scribble = np.zeros((400, 600), np.uint8)
    cv2.polylines(scribble, [np.array([[10, 10], [300, 200], [590, 30], [100, 390]], np.int32)], False, 1, 7)
    assert fill.choose_method(fill.measure_hole(scribble > 0)) == "telea"
    blob = np.zeros((400, 600), bool)
    blob[100:260, 200:420] = True
    assert fill.choose_method(fill.measure_hole(blob)) == "completion"


def test_a_picture_that_is_all_hole_comes_back_grey() -> None:
    rgb = np.zeros((8, 8, 3), np.uint8)
    assert (fill.fill(rgb, np.ones((8, 8), bool)) == 128).all()


def test_variation_is_reproducible_by_seed_and_differs_between_seeds() -> None:
    rgb = striped(96, 64)[..., :3]
    assert np.array_equal(variations.vary(rgb, 5), variations.vary(rgb, 5))
    assert np.abs(variations.vary(rgb, 5).astype(int) - variations.vary(rgb, 6).astype(int)).mean() > 5


def test_result_urls_expire_after_their_lifetime() -> None:
    now = [0.0]
    store = ResultStore(lifetime_s=3600, clock=lambda: now[0])
    name = store.put(b"png", "image/png", "png")
    now[0] = 3599
    assert store.get(name) is not None
    now[0] = 3601
    assert store.get(name) is None


@pytest.mark.parametrize("mode", ["RGBA", "RGB", "L", "LA", "P", "1", "P+tRNS", "L+tRNS", "I;16"])
def test_every_png_layout_decodes_like_pillow(mode: str) -> None:
    rgba = (np.random.default_rng(0).random((20, 16, 4)) * 255).astype(np.uint8)
    base = mode.split("+")[0]
    img = Image.fromarray(rgba, "RGBA").convert(base) if base != "I;16" else Image.fromarray(
        rgba[..., 0].astype(np.uint16) * 257).convert("I;16")
    extra = {"transparency": img.getpixel((0, 0))} if mode.endswith("tRNS") else {}
    buf = io.BytesIO()
    img.save(buf, "PNG", **extra)
    expected = np.asarray(Image.open(io.BytesIO(buf.getvalue())).convert("RGBA"))
    if base == "I;16":  # Pillow's own convert clips 16-bit grey to white: the tones scaled to 8 bits are right
        expected = np.dstack([rgba[..., 0]] * 3 + [np.full(rgba.shape[:2], 255, np.uint8)])
    assert np.array_equal(pictures.decode(buf.getvalue()), expected)
