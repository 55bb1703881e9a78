"""The selection algorithms on arrays (no widgets): combination modes, wand, colour range, GrabCut, cancelling."""

from __future__ import annotations

import numpy as np
import pytest

from dalle_studio.document.colour_select import colour_range, from_transparency, magic_wand
from dalle_studio.document.select_object import Cancelled, Seeds, Stroke, select_object
from dalle_studio.document.selection import Combine, combine


def textured(height: int, width: int, seed: int, base: tuple[int, int, int], spread: int = 40) -> np.ndarray:
    rng = np.random.default_rng(seed)
    noise = rng.integers(-spread, spread + 1, (height, width, 3))
    return np.clip(np.array(base)[None, None, :] + noise, 0, 255).astype(np.uint8)


def object_picture() -> tuple[np.ndarray, np.ndarray]:
    """A textured reddish disc-like blob on a textured green-blue background (BGR), and its true extent."""
    h, w = 240, 320
    ys, xs = np.mgrid[0:h, 0:w]
    angle = np.arctan2(ys - 120, xs - 150)
    radius = 70 + 12 * np.cos(3 * angle)
    inside = np.hypot(xs - 150, ys - 120) <= radius
    picture = textured(h, w, 1, (150, 170, 60))
    picture[inside] = textured(h, w, 2, (40, 60, 200))[inside]
    return picture, inside


def iou(selection: np.ndarray, truth: np.ndarray) -> float:
    chosen = selection >= 128
    return (chosen & truth).sum() / (chosen | truth).sum()


def test_combination_modes_follow_painting_programs():
    mask = np.array([[255, 0, 0, 255]], np.uint8)  # regenerate the middle two
    selection = np.array([[255, 255, 0, 0]], np.uint8)  # select the first two
    assert combine(mask, selection, Combine.REPLACE).tolist() == [[0, 0, 255, 255]]
    assert combine(mask, selection, Combine.ADD).tolist() == [[0, 0, 0, 255]]
    assert combine(mask, selection, Combine.SUBTRACT).tolist() == [[255, 255, 0, 255]]
    assert combine(mask, selection, Combine.INTERSECT).tolist() == [[255, 0, 255, 255]]


def test_the_wand_takes_the_connected_flat_region_or_every_similar_pixel():
    picture = np.zeros((60, 80, 3), np.uint8)
    picture[10:30, 10:30] = (200, 50, 50)
    picture[40:50, 60:75] = (205, 55, 45)  # similar colour, not connected
    picture[12:14, 12:14] = (0, 0, 0)  # a hole of another colour
    region = magic_wand(picture, 20, 20, 16)
    expected = np.zeros((60, 80), bool)
    expected[10:30, 10:30] = True
    expected[12:14, 12:14] = False
    assert np.array_equal(region == 255, expected)
    everywhere = magic_wand(picture, 20, 20, 16, contiguous=False)
    expected[40:50, 60:75] = True
    assert np.array_equal(everywhere == 255, expected)
    assert not magic_wand(picture, 20, 20, 0, contiguous=False)[40:50, 60:75].any()


def test_colour_range_is_full_near_the_colour_and_fades_with_fuzziness():
    picture = np.zeros((4, 3, 3), np.uint8)
    picture[0] = (0, 0, 255)
    picture[1] = (0, 0, 240)
    picture[2] = (0, 0, 128)
    picture[3] = (255, 0, 0)
    selection = colour_range(picture, [(0, 0, 255)], 40)
    assert (selection[0] == 255).all() and (selection[1] == 255).all()
    assert (selection[3] == 0).all()
    assert selection[2, 0] == 0 and 0 < colour_range(picture, [(0, 0, 255)], 150)[2, 0] < 255
    assert (colour_range(picture, [], 40) == 0).all()


def test_transparency_becomes_selection():
    alpha = np.array([[0, 128, 255]], np.uint8)
    assert from_transparency(alpha).tolist() == [[255, 127, 0]]


def test_a_box_alone_finds_the_object():
    picture, truth = object_picture()
    ys, xs = np.nonzero(truth)
    box = (xs.min() - 8, ys.min() - 8, xs.max() - xs.min() + 17, ys.max() - ys.min() + 17)
    assert iou(select_object(picture, Seeds(box=box)), truth) > 0.9


def test_strokes_alone_find_the_object_and_background_strokes_take_parts_away():
    picture, truth = object_picture()
    on_object = Stroke(((120.0, 110.0), (150.0, 130.0), (175.0, 115.0)), 6)
    selection = select_object(picture, Seeds(strokes=(on_object,)))
    assert iou(selection, truth) > 0.8
    # the background stroke wins where it lies, even on the object
    across = Stroke(((150.0, 40.0), (150.0, 60.0)), 6, background=True)
    refined = select_object(picture, Seeds(strokes=(on_object, across)))
    assert (refined[45:56, 148:153] == 0).all()


def test_cancelling_stops_between_iterations():
    picture, _ = object_picture()
    with pytest.raises(Cancelled):
        select_object(picture, Seeds(box=(50, 40, 200, 160)), cancelled=lambda: True)


def test_seeds_that_point_at_nothing_are_refused():
    picture, _ = object_picture()
    with pytest.raises(ValueError):
        select_object(picture, Seeds(strokes=(Stroke(((10.0, 10.0),), 4, background=True),)))
