"""Variations: the picture re-synthesised from its own patches into a new arrangement (bidirectional similarity).

Simakov, Caspi, Shechtman and Irani ("Summarizing Visual Data Using Bidirectional Similarity", 2008): a picture T
is a good re-synthesis of a source S when every patch of T comes from S (coherence: nothing foreign) and every
patch of S is found in T (completeness: nothing lost). Here T starts, at the pyramid's coarsest level, as S with
its content moved about by a random smooth warp (objects shifted, stretched, repeated or squeezed out); EM
iterations at each level then pull T towards both similarities (PatchMatch fields in both directions; each pixel
the mean of what the coherent patches covering it and the source patches mapped onto it propose), so the layout
stays new while every texture and edge comes back whole. Composition and colours are kept; the seed fixes the warp
and every random choice, so the same seed gives the same variation.

Time: the levels run at most at ``WORK_BUDGET_PX``; the full-resolution picture is then voted once from the
upsampled field, so its detail is the source's own.
"""

from __future__ import annotations

import math
from collections.abc import Callable

import cv2
import numpy as np

from dalle_studio.engine import patches
from dalle_studio.engine.completion import PATCH_RADIUS, features, to_lab, to_rgb

WORK_BUDGET_PX = 30_000
COARSEST_SIDE = 28  # the coarsest level's shorter side, where the new arrangement is drawn
EM_ITERATIONS = (6, 3)  # at the coarsest level, at the others
PM_ITERATIONS = 2


def vary(rgb: np.ndarray, seed: int, on_level: Callable[[np.ndarray], None] | None = None) -> np.ndarray:
    """A variation of ``rgb`` (``uint8`` RGB ``(H, W, 3)``) of the same size, determined by ``seed``."""
    height, width = rgb.shape[:2]
    if min(height, width) < 4 * (2 * PATCH_RADIUS + 1):
        return rgb[:, ::-1].copy() if seed % 2 else rgb.copy()  # too small to re-arrange: a mirror at most
    rng = np.random.default_rng(seed)
    full = to_lab(rgb)
    scale = min(1.0, math.sqrt(WORK_BUDGET_PX / float(height * width)))
    pyramid = [full if scale >= 1.0 else _resize(full, scale)]
    while min(pyramid[-1].shape[:2]) // 2 >= COARSEST_SIDE:
        pyramid.append(_resize(pyramid[-1], 0.5))
    target: np.ndarray | None = None
    coherence: np.ndarray | None = None
    completeness: np.ndarray | None = None
    for depth, source in enumerate(reversed(pyramid)):
        if target is None:
            target = _rearranged(source, rng)
        iterations = EM_ITERATIONS[0] if depth == 0 else EM_ITERATIONS[1]
        target, coherence, completeness = _bds_level(source, target, coherence, completeness,
                                                     int(rng.integers(2**31)), iterations)
        if on_level is not None:
            on_level(to_rgb(cv2.resize(target, (width, height), interpolation=cv2.INTER_LINEAR)))
    assert target is not None and coherence is not None
    if scale < 1.0:
        target = _vote_full(full, coherence, int(rng.integers(2**31)))
    return to_rgb(target)


def _resize(lab: np.ndarray, scale: float) -> np.ndarray:
    h, w = lab.shape[:2]
    return cv2.resize(lab, (max(1, round(w * scale)), max(1, round(h * scale))), interpolation=cv2.INTER_AREA)


def _rearranged(source: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """``source`` under a random smooth warp: a few Gaussian bumps, each moving its region by up to a fifth of
    the picture, plus an occasional mirror; the EM turns the distortions back into whole patches."""
    h, w = source.shape[:2]
    ys, xs = np.mgrid[0:h, 0:w].astype(np.float32)
    map_x, map_y = xs.copy(), ys.copy()
    for _ in range(int(rng.integers(3, 7))):
        cy, cx = rng.uniform(0, h), rng.uniform(0, w)
        sigma = rng.uniform(0.15, 0.35) * min(h, w)
        dy, dx = rng.uniform(-0.2, 0.2) * h, rng.uniform(-0.2, 0.2) * w
        bump = np.exp(-((ys - cy) ** 2 + (xs - cx) ** 2) / (2 * sigma**2)).astype(np.float32)
        map_x += dx * bump
        map_y += dy * bump
    if rng.random() < 0.3:
        map_x = (w - 1) - map_x
    return cv2.remap(source, map_x, map_y, cv2.INTER_LINEAR, borderMode=cv2.BORDER_REFLECT101)


def _centres(shape: tuple[int, int]) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Every patch centre of a picture of ``shape``: (mask, ys, xs)."""
    r = PATCH_RADIUS
    h, w = shape
    mask = np.zeros((h, w), bool)
    mask[r:h - r, r:w - r] = True
    ys, xs = (a.astype(np.int32) for a in np.nonzero(mask))
    return mask, ys, xs


def _field(previous: np.ndarray | None, ys: np.ndarray, xs: np.ndarray, shape: tuple[int, int], valid: np.ndarray,
           sources: np.ndarray, seed: int) -> np.ndarray:
    if previous is None:
        return patches.random_field(ys, xs, shape, sources, seed)
    return patches.upsample_field(previous, ys, xs, shape, shape[0] / previous.shape[0], valid, sources, seed)


def _bds_level(source: np.ndarray, target: np.ndarray, coherence: np.ndarray | None,
               completeness: np.ndarray | None, seed: int,
               iterations: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """EM on bidirectional similarity at one level: (target, coherence field T->S, completeness field S->T)."""
    r = PATCH_RADIUS
    shape = source.shape[:2]
    if target.shape[:2] != shape:
        target = cv2.resize(target, shape[::-1], interpolation=cv2.INTER_LINEAR)
    valid, ys, xs = _centres(shape)
    sources = np.stack([ys, xs], axis=1)
    all_y, all_x = (a.astype(np.int32).ravel() for a in np.indices(shape))
    weight = valid.astype(np.float32)
    if coherence is not None:
        # Rebuild the target from the upsampled field with this level's own pixels: the upsampled target itself
        # is blurred, and thin structures (mortar, wires) lost in it would not come back.
        coherence = _field(coherence, ys, xs, shape, valid, sources, seed)
        acc = np.zeros_like(source)
        total = np.zeros(shape, np.float32)
        patches.vote(source, coherence, weight, all_y, all_x, r, acc, total)
        target = acc / np.maximum(total, 1e-6)[..., None]
    else:
        coherence = _field(None, ys, xs, shape, valid, sources, seed)
    completeness = _field(completeness, ys, xs, shape, valid, sources, seed + 1)
    source_features = features(source)
    for iteration in range(iterations):
        target_features = features(target)
        patches.patchmatch(target_features, source_features, ys, xs, coherence, valid, r, PM_ITERATIONS,
                           max(shape), seed + 2 * iteration)
        patches.patchmatch(source_features, target_features, ys, xs, completeness, valid, r, PM_ITERATIONS,
                           max(shape), seed + 2 * iteration + 1)
        acc = np.zeros_like(target)
        total = np.zeros(shape, np.float32)
        patches.vote(source, coherence, weight, all_y, all_x, r, acc, total)
        patches.vote_completeness(source, completeness, ys, xs, 1.0, r, acc, total)
        target = acc / np.maximum(total, 1e-6)[..., None]
    return target, coherence, completeness


def _vote_full(full: np.ndarray, coherence: np.ndarray, seed: int) -> np.ndarray:
    """The full-resolution variation: the coherence field upsampled and voted with the source's own pixels."""
    shape = full.shape[:2]
    valid, ys, xs = _centres(shape)
    field = _field(coherence, ys, xs, shape, valid, np.stack([ys, xs], axis=1), seed)
    acc = np.zeros_like(full)
    total = np.zeros(shape, np.float32)
    all_y, all_x = (a.astype(np.int32).ravel() for a in np.indices(shape))
    patches.vote(full, field, valid.astype(np.float32), all_y, all_x, PATCH_RADIUS, acc, total)
    return acc / np.maximum(total, 1e-6)[..., None]
