"""Variation quality: how coherent each variation is with its source, and how different two variations are.

- ``engine_variation_bds``: bidirectional dissimilarity (Simakov et al. 2008) of a variation to its source, lower is
  better: the mean distance of every 5x5 patch of the variation to its nearest patch of the source (coherence: nothing
  foreign) plus the same from the source to the variation (completeness: nothing lost), exhaustive search on Lab
  pictures scaled to 64 px high. Baseline ``engine_variation_bds_legacy``: the variations before issue 17.
- ``engine_variation_diversity``: mean absolute RGB difference between the variations of seeds 1 and 2 (higher is more
  diverse); baseline ``_legacy``.
- ``engine_variation_s``: seconds for one 512x512 variation (median), baseline ``_legacy``.
Medians over the sample photos and made pictures.
"""

from __future__ import annotations

import time
from collections.abc import Callable

import cv2
import numpy as np

from benchmarks import _fill_set as fs
from benchmarks import _legacy_variations
from benchmarks._util import report_median
from dalle_studio.engine import variations

SIDE = 512
VARIERS: dict[str, Callable[[np.ndarray, int], np.ndarray]] = {
    "": variations.vary,
    "_legacy": _legacy_variations.vary,
}


def patch_rows(rgb: np.ndarray) -> np.ndarray:
    small = cv2.resize(rgb, (round(64 * rgb.shape[1] / rgb.shape[0]), 64), interpolation=cv2.INTER_AREA)
    lab = cv2.cvtColor(small.astype(np.float32) / 255.0, cv2.COLOR_RGB2Lab)
    windows = np.lib.stride_tricks.sliding_window_view(lab, (5, 5, 3))[:, :, 0]
    return windows.reshape(-1, 75).astype(np.float32)


def nearest_distance(a: np.ndarray, b: np.ndarray) -> float:
    """Mean over rows of ``a`` of the squared distance (per value) to the nearest row of ``b``."""
    b_norm = (b * b).sum(axis=1)
    best = []
    for start in range(0, len(a), 1024):
        chunk = a[start:start + 1024]
        d = (chunk * chunk).sum(axis=1)[:, None] + b_norm[None, :] - 2.0 * chunk @ b.T
        best.append(np.maximum(d.min(axis=1), 0.0))
    return float(np.concatenate(best).mean() / a.shape[1])


def bds(source: np.ndarray, variation: np.ndarray) -> float:
    s, v = patch_rows(source), patch_rows(variation)
    return nearest_distance(v, s) + nearest_distance(s, v)


def run(report: Callable[..., None]) -> None:
    variations.vary(np.zeros((64, 64, 3), np.uint8), 0)  # compile / load the JIT
    for suffix, vary in VARIERS.items():
        scores, diversity, seconds = [], [], []
        for _name, picture in fs.pictures():
            first, second = vary(picture, 1), vary(picture, 2)
            scores += [bds(picture, first), bds(picture, second)]
            diversity.append(float(np.abs(first.astype(np.float32) - second.astype(np.float32)).mean()))
            square = cv2.resize(picture, (SIDE, SIDE), interpolation=cv2.INTER_AREA)
            start = time.perf_counter()
            vary(square, 3)
            seconds.append(time.perf_counter() - start)
        report_median(report, f"engine_variation_bds{suffix}", scores)
        report_median(report, f"engine_variation_diversity{suffix}", diversity)
        report_median(report, f"engine_variation_s{suffix}", seconds, "s")
