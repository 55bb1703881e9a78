"""Whole-mask operations on uint8 arrays (255 = keep, 0 = regenerate), free of Qt.

Grow and shrink act on the area to regenerate: growing by N px makes every pixel within N px of that area part
of it, keeping soft edges soft. Feathering blurs the edge so it ramps over about 2N px.
"""

from __future__ import annotations

import math

import numpy as np


def _disk(radius: int) -> np.ndarray:
    import cv2  # imported on first use: it costs start-up time

    return cv2.getStructuringElement(cv2.MORPH_ELLIPSE, (2 * radius + 1, 2 * radius + 1))


def invert(mask: np.ndarray) -> np.ndarray:
    return 255 - mask


def grow(mask: np.ndarray, pixels: int) -> np.ndarray:
    """The area to regenerate, widened by ``pixels`` in every direction (a minimum filter over a disk)."""
    import cv2  # imported on first use: it costs start-up time

    if pixels <= 0:
        return mask.copy()
    return cv2.erode(mask, _disk(pixels), borderType=cv2.BORDER_REPLICATE)


def shrink(mask: np.ndarray, pixels: int) -> np.ndarray:
    """The area to regenerate, narrowed by ``pixels`` (a maximum filter over a disk)."""
    import cv2  # imported on first use: it costs start-up time

    if pixels <= 0:
        return mask.copy()
    return cv2.dilate(mask, _disk(pixels), borderType=cv2.BORDER_REPLICATE)


def feather(mask: np.ndarray, pixels: int) -> np.ndarray:
    """The mask with its edges blurred over about ``2 * pixels`` (Gaussian, sigma = pixels / 2)."""
    import cv2  # imported on first use: it costs start-up time

    if pixels <= 0:
        return mask.copy()
    sigma = pixels / 2
    size = 2 * math.ceil(3 * sigma) + 1
    blurred = cv2.GaussianBlur(mask.astype(np.float32), (size, size), sigma, borderType=cv2.BORDER_REPLICATE)
    return np.clip(np.rint(blurred), 0, 255).astype(np.uint8)


def from_rgba(rgba: np.ndarray) -> np.ndarray:
    """A mask from a picture file's pixels (h, w, 4 RGBA): its alpha when it has transparency (alpha 0 =
    regenerate, as the Images API reads masks), otherwise its grey levels with white = regenerate (the
    convention of painted grey masks)."""
    alpha = rgba[..., 3]
    if (alpha < 255).any():
        return alpha.copy()
    grey = (rgba[..., 0].astype(np.uint32) * 299 + rgba[..., 1].astype(np.uint32) * 587
            + rgba[..., 2].astype(np.uint32) * 114 + 500) // 1000
    return (255 - grey).astype(np.uint8)


def to_rgba(mask: np.ndarray) -> np.ndarray:
    """Pixels for a mask file: black, with alpha = the mask (0 = regenerate), as the Images API expects."""
    rgba = np.zeros((*mask.shape, 4), np.uint8)
    rgba[..., 3] = mask
    return rgba
