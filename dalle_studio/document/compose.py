"""Blending a model's result into the picture through the mask, in premultiplied space."""

from __future__ import annotations

import numpy as np


def composite_through_mask(ours: np.ndarray, theirs: np.ndarray, keep: np.ndarray) -> np.ndarray:
    """Pixels (h, w, 4; ARGB32 memory order, alpha last) that keep ``ours`` where ``keep`` is 255, take ``theirs``
    where it is 0, and blend in between; transparency blends correctly (premultiplied)."""
    k = keep.astype(np.float32)[..., None] / 255.0
    a1 = ours[..., 3:4].astype(np.float32) / 255.0
    a2 = theirs[..., 3:4].astype(np.float32) / 255.0
    alpha = a1 * k + a2 * (1.0 - k)
    colour = ours[..., :3].astype(np.float32) * a1 * k + theirs[..., :3].astype(np.float32) * a2 * (1.0 - k)
    safe = np.where(alpha > 0, alpha, 1.0)
    out = np.empty_like(ours)
    out[..., :3] = np.clip(np.rint(colour / safe), 0, 255).astype(np.uint8)
    out[..., 3:4] = np.clip(np.rint(alpha * 255.0), 0, 255).astype(np.uint8)
    return out
