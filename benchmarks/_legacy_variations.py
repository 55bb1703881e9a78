"""Today's variations before issue 17 (reframe, PatchMatch refills, retone), kept as the benchmark's baseline."""
from __future__ import annotations

import cv2
import numpy as np

from dalle_studio.engine import fill


def vary(rgb: np.ndarray, seed: int) -> np.ndarray:
    """A variation of ``rgb`` (``uint8`` RGB ``(H, W, 3)``) of the same size, determined by ``seed``."""
    rng = np.random.default_rng(seed)
    moved = _reframe(rgb, rng)
    refilled = _refill_regions(moved, rng, seed)
    return _retone(refilled, rng)


def _reframe(rgb: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """Zoom in 4-12 %, shift within the margin that gives, tilt up to 3 degrees, mirror half the time."""
    height, width = rgb.shape[:2]
    zoom = float(rng.uniform(1.04, 1.12))
    angle = float(rng.uniform(-3.0, 3.0))
    spare_x, spare_y = width * (zoom - 1) / 2, height * (zoom - 1) / 2
    shift = (float(rng.uniform(-spare_x, spare_x)) * 0.8, float(rng.uniform(-spare_y, spare_y)) * 0.8)
    matrix = np.asarray(cv2.getRotationMatrix2D((width / 2, height / 2), angle, zoom), np.float64)
    matrix[:, 2] += np.array(shift)
    moved = cv2.warpAffine(rgb, matrix, (width, height), flags=cv2.INTER_LINEAR, borderMode=cv2.BORDER_REFLECT101)
    if rng.random() < 0.5:
        moved = np.ascontiguousarray(moved[:, ::-1])
    return moved


def _refill_regions(rgb: np.ndarray, rng: np.random.Generator, seed: int) -> np.ndarray:
    """Hide 3-5 random ellipses (about 12 % of the picture together) and fill them from the rest of it."""
    height, width = rgb.shape[:2]
    hole = np.zeros((height, width), np.uint8)
    for _ in range(int(rng.integers(3, 6))):
        axes = (max(2, int(width * rng.uniform(0.05, 0.12))), max(2, int(height * rng.uniform(0.05, 0.12))))
        centre = (int(rng.integers(0, width)), int(rng.integers(0, height)))
        cv2.ellipse(hole, centre, axes, float(rng.uniform(0, 180)), 0, 360, 1, -1)
    return fill.fill(rgb, hole > 0, "patchmatch", seed=seed)


def _retone(rgb: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """Exposure (gamma 0.8-1.25), per-channel balance (+-8 %) and saturation (0.8-1.25)."""
    gamma = float(rng.uniform(0.8, 1.25))
    gains = rng.uniform(0.92, 1.08, size=3).astype(np.float32)
    saturation = float(rng.uniform(0.8, 1.25))
    values = (rgb.astype(np.float32) / 255.0) ** gamma * gains
    grey = values @ np.array([0.299, 0.587, 0.114], np.float32)
    values = grey[..., None] + (values - grey[..., None]) * saturation
    return np.clip(values * 255.0 + 0.5, 0, 255).astype(np.uint8)
