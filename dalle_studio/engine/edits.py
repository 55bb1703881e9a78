"""The engine's work for one request, independent of HTTP: edits (fill the mask) and variations.

Everything here is blocking CPU work and runs in the server's worker threads. Inputs are decoded pictures; outputs
are RGBA arrays at the requested size. Pixels the mask keeps (alpha 255) are returned exactly as sent.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import cv2
import numpy as np

from dalle_studio.engine import fill, pictures, variations

PartialCallback = Callable[[int, np.ndarray], None]


@dataclass(frozen=True)
class EditJob:
    """One edit: the first picture (RGBA), the mask (RGBA, alpha 0 = fill) or ``None`` to use the picture's alpha."""

    image: np.ndarray
    mask: np.ndarray | None
    size: tuple[int, int]
    n: int = 1
    seed: int = 0
    keep_alpha: bool = False
    partial_images: int = 0


def run_edit(job: EditJob, on_partial: PartialCallback | None = None) -> list[np.ndarray]:
    """``job.n`` filled pictures, each different; ``on_partial(index, rgba)`` gets up to ``job.partial_images``
    coarser stages of the first one before it is finished.

    With no mask and no transparency there is nothing to fill: the answer is variations of the whole picture (what
    a GPT Image model does with an unmasked edit, as far as classical processing can).
    """
    image = pictures.fit_cover(job.image, job.size)
    mask = pictures.fit_cover(job.mask, job.size) if job.mask is not None else None
    source_alpha = mask[..., 3] if mask is not None else image[..., 3]
    replace = 1.0 - source_alpha.astype(np.float32) / 255.0
    hole = replace > 0
    rgb = pictures.flatten(image)
    if mask is None and not hole.any():
        return [_opaque(variations.vary(rgb, job.seed + i)) for i in range(job.n)]
    results = []
    for index in range(job.n):
        method = _method_for(index, hole)
        streamed: list[int] = []

        def stream(preview: np.ndarray, streamed: list[int] = streamed) -> None:
            if on_partial is not None and len(streamed) < job.partial_images:
                on_partial(len(streamed), _composite(image, preview, replace, hole, job.keep_alpha))
                streamed.append(len(streamed))

        wants_stages = index == 0 and on_partial is not None and job.partial_images > 0 and hole.any()
        if wants_stages and method != "completion":
            for preview in _previews(rgb, hole, job.partial_images):
                stream(preview)
        filled = fill.fill(rgb, hole, method, seed=job.seed + index,
                           on_level=stream if wants_stages and method == "completion" else None)
        if wants_stages:
            # A pyramid with fewer levels than partial images asked for: the finished fill makes up the count.
            while len(streamed) < job.partial_images:
                stream(filled)
        results.append(_composite(image, filled, replace, hole, job.keep_alpha))
    return results


def warm_up() -> None:
    """Compile (or load from numba's cache) the patch kernels with a tiny fill and variation, so that the first
    request a user sends is not the one that pays for it (a first compile takes seconds)."""
    rgb = np.zeros((48, 48, 3), np.uint8)
    rgb[::4] = 200
    hole = np.zeros((48, 48), bool)
    hole[16:32, 16:32] = True
    fill.fill(rgb, hole, "completion")
    variations.vary(rgb, 0)


def run_variations(image: np.ndarray, size: tuple[int, int], n: int, seed: int) -> list[np.ndarray]:
    """``n`` variations of ``image`` (RGBA) at ``size``, opaque; variation ``i`` is determined by ``seed + i``."""
    rgb = pictures.flatten(pictures.fit_cover(image, size))
    return [_opaque(variations.vary(rgb, seed + i)) for i in range(n)]


def _method_for(index: int, hole: np.ndarray) -> fill.FillMethod:
    """The best method for the first result; later ones differ from it (another seed of the multi-scale
    completion; for thin holes, whose best fill is deterministic, Navier-Stokes then the completion)."""
    best = fill.choose_method(fill.measure_hole(hole))
    if index == 0 or best != "telea":
        return best
    return "ns" if index == 1 else "completion"


def _previews(rgb: np.ndarray, hole: np.ndarray, count: int) -> list[np.ndarray]:
    """``count`` quick Telea fills, coarse to fine (1/8, 1/4, 1/2 resolution): the stream's partial images."""
    height, width = hole.shape
    stages = []
    for scale in (0.125, 0.25, 0.5)[-count:]:
        small_size = (max(4, round(width * scale)), max(4, round(height * scale)))
        small = cv2.resize(rgb, small_size, interpolation=cv2.INTER_AREA)
        small_hole = cv2.resize(hole.astype(np.uint8), small_size, interpolation=cv2.INTER_AREA) > 0
        coarse = fill.fill(small, small_hole, "telea")
        stages.append(cv2.resize(coarse, (width, height), interpolation=cv2.INTER_LINEAR))
    return stages


def _composite(image: np.ndarray, filled: np.ndarray, replace: np.ndarray, hole: np.ndarray,
               keep_alpha: bool) -> np.ndarray:
    """``filled`` blended in by ``replace`` (soft mask edges), the original untouched where ``replace`` is 0."""
    out = np.empty(image.shape, np.uint8)
    out[..., :3] = image[..., :3] if keep_alpha else pictures.flatten(image)
    weight = replace[hole][:, None]
    blended = image[hole, :3].astype(np.float32) * (1.0 - weight) + filled[hole].astype(np.float32) * weight
    out[hole, :3] = np.clip(blended + 0.5, 0, 255).astype(np.uint8)
    out[..., 3] = np.where(hole, 255, image[..., 3]) if keep_alpha else 255
    return out


def _opaque(rgb: np.ndarray) -> np.ndarray:
    return np.dstack([rgb, np.full(rgb.shape[:2], 255, np.uint8)])
