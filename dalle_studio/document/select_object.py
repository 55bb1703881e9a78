"""Select object: the outline of the object in a box, or under a few strokes, as a selection. Free of Qt.

OpenCV's GrabCut (iterated graph cuts over colour models, Rother et al. 2004) seeded by the box (outside it =
background) and by strokes (on the object = foreground, on the background = background). GrabCut costs about a
microsecond per pixel per iteration, so it runs on the box's neighbourhood scaled down to ``WORK_PIXELS``; the
coarse outline is brought back to full size by a fast guided filter (He and Sun 2015): the filter's linear
coefficients are fitted at the working scale and applied to the full-size picture, so the edge follows the
picture's own edges. Only the tiles along the outline are computed at full size.

Pictures are (h, w, 3) uint8 BGR arrays; the result is a selection (uint8, 255 = the object).
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

import numpy as np

WORK_PIXELS = 32_000  # GrabCut's working area: ~180 x 180 px
ITERATIONS = 3
TILE = 256
GUIDE_RADIUS = 2  # at the working scale
GUIDE_EPS = 2e-3


@dataclass(frozen=True)
class Stroke:
    """A scribble: its points (picture pixels), its width, and whether it marks the background."""

    points: tuple[tuple[float, float], ...]
    width: float
    background: bool = False


@dataclass(frozen=True)
class Seeds:
    """What the artist gave: a box (x, y, width, height) and/or strokes."""

    box: tuple[int, int, int, int] | None = None
    strokes: tuple[Stroke, ...] = field(default_factory=tuple)

    def with_stroke(self, stroke: Stroke) -> Seeds:
        return Seeds(self.box, (*self.strokes, stroke))

    @property
    def usable(self) -> bool:
        """A box, or at least one stroke on the object."""
        return self.box is not None or any(not s.background for s in self.strokes)


class Cancelled(Exception):
    """The computation was cancelled between two steps."""


def select_object(bgr: np.ndarray, seeds: Seeds, *, cancelled: Callable[[], bool] = lambda: False,
                  work_pixels: int = WORK_PIXELS, iterations: int = ITERATIONS) -> np.ndarray:
    """The object the seeds point at, as a selection of the picture's size. Raises :class:`Cancelled` when
    ``cancelled()`` turns true between iterations, ``ValueError`` when the seeds point at nothing."""
    import cv2  # imported on first use: it costs start-up time

    if not seeds.usable:
        raise ValueError("draw a box around the object or a stroke on it")
    height, width = bgr.shape[:2]
    x0, y0, x1, y1 = _region(seeds, width, height)
    if x1 - x0 < 2 or y1 - y0 < 2:
        raise ValueError("the box is too small")
    roi = np.ascontiguousarray(bgr[y0:y1, x0:x1])
    scale = min(1.0, math.sqrt(work_pixels / ((x1 - x0) * (y1 - y0))))
    small_size = (max(2, round((x1 - x0) * scale)), max(2, round((y1 - y0) * scale)))
    small = cv2.resize(roi, small_size, interpolation=cv2.INTER_AREA) if scale < 1 else roi
    sx, sy = small_size[0] / (x1 - x0), small_size[1] / (y1 - y0)
    labels = _initial_labels(seeds, small.shape[:2], x0, y0, sx, sy)
    if not ((labels == cv2.GC_FGD) | (labels == cv2.GC_PR_FGD)).any():
        raise ValueError("the strokes mark no object")
    background = np.zeros((1, 65), np.float64)
    foreground = np.zeros((1, 65), np.float64)
    for i in range(iterations):
        if cancelled():
            raise Cancelled
        mode = cv2.GC_INIT_WITH_MASK if i == 0 else cv2.GC_EVAL
        cv2.grabCut(small, labels, (0, 0, 0, 0), background, foreground, 1, mode)  # seeded by the labels
    if cancelled():
        raise Cancelled
    coarse = _tidy((labels == cv2.GC_FGD) | (labels == cv2.GC_PR_FGD), labels == cv2.GC_FGD)
    selected = np.zeros((height, width), np.uint8)
    selected[y0:y1, x0:x1] = refine(roi, small, coarse, cancelled)
    _paint_strokes(selected, seeds.strokes, 0, 0, 1.0, 1.0, fg=255, bg=0)
    if seeds.box is not None and not any(not s.background for s in seeds.strokes):
        # nothing outside the box belongs to the object of a box with no strokes on the object
        bx, by, bw, bh = seeds.box
        inside = (slice(max(0, by), by + bh), slice(max(0, bx), bx + bw))
        boxed = np.zeros_like(selected)
        boxed[inside] = selected[inside]
        selected = boxed
    return selected


def _region(seeds: Seeds, width: int, height: int) -> tuple[int, int, int, int]:
    """The part of the picture GrabCut looks at: the box with a margin of background around it, or the strokes
    with room for the object they sit on."""
    xs: list[float] = []
    ys: list[float] = []
    if seeds.box is not None:
        bx, by, bw, bh = seeds.box
        xs += [bx, bx + bw]
        ys += [by, by + bh]
        margin = max(8.0, 0.1 * max(bw, bh))
    for stroke in seeds.strokes:
        for px, py in stroke.points:
            xs += [px - stroke.width, px + stroke.width]
            ys += [py - stroke.width, py + stroke.width]
    if seeds.box is None:
        margin = max(48.0, 0.75 * max(max(xs) - min(xs), max(ys) - min(ys)))
    return (max(0, int(min(xs) - margin)), max(0, int(min(ys) - margin)),
            min(width, math.ceil(max(xs) + margin)), min(height, math.ceil(max(ys) + margin)))


def _initial_labels(seeds: Seeds, shape: tuple[int, ...], x0: int, y0: int, sx: float, sy: float) -> np.ndarray:
    import cv2

    if seeds.box is not None:
        labels = np.full(shape, cv2.GC_BGD, np.uint8)
        bx, by, bw, bh = seeds.box
        left, top = max(0, round((bx - x0) * sx)), max(0, round((by - y0) * sy))
        right, bottom = round((bx + bw - x0) * sx), round((by + bh - y0) * sy)
        labels[top:bottom, left:right] = cv2.GC_PR_FGD
        if not (labels == cv2.GC_BGD).any():  # the box covers everything: its border is the background sample
            labels[[0, -1], :] = cv2.GC_BGD
            labels[:, [0, -1]] = cv2.GC_BGD
    else:
        labels = np.full(shape, cv2.GC_PR_BGD, np.uint8)
    _paint_strokes(labels, seeds.strokes, x0, y0, sx, sy, fg=cv2.GC_FGD, bg=cv2.GC_BGD)
    return labels


def _paint_strokes(target: np.ndarray, strokes: Sequence[Stroke], x0: float, y0: float, sx: float, sy: float, *,
                   fg: int, bg: int) -> None:
    import cv2

    for stroke in strokes:
        points = np.array([[(px - x0) * sx * 8, (py - y0) * sy * 8] for px, py in stroke.points], np.float64)
        thickness = max(1, round(stroke.width * sx))
        value = bg if stroke.background else fg
        cv2.polylines(target, [np.rint(points).astype(np.int32)], False, int(value), thickness, cv2.LINE_8, 3)
        if len(points) == 1:
            cv2.circle(target, tuple(np.rint(points[0]).astype(int)), thickness // 2, int(value), -1, cv2.LINE_8, 3)


def _tidy(foreground: np.ndarray, seeded: np.ndarray) -> np.ndarray:
    """The foreground without specks: parts under a stroke, or at least a twentieth of the largest part."""
    import cv2

    count, parts, stats, _ = cv2.connectedComponentsWithStats(foreground.astype(np.uint8), connectivity=8)
    if count <= 2:
        return foreground.astype(np.float32)
    areas = stats[1:, cv2.CC_STAT_AREA]
    keep = np.zeros(count, bool)
    keep[1:] = areas >= areas.max() / 20
    keep[np.unique(parts[seeded])] = True
    keep[0] = False
    return keep[parts].astype(np.float32)


def refine(full: np.ndarray, small: np.ndarray, coarse: np.ndarray,
           cancelled: Callable[[], bool] = lambda: False) -> np.ndarray:
    """The coarse (small-scale, 0..1) selection at the size of ``full``, its edge snapped to ``full``'s edges
    (fast guided filter); uint8 coverage."""
    import cv2

    guide = small.astype(np.float32) / 255
    a, b = _guided_coefficients(guide, coarse, GUIDE_RADIUS, GUIDE_EPS)
    low = np.clip((a * guide).sum(axis=2) + b, 0, 1)
    height, width = full.shape[:2]
    if full.shape[:2] == small.shape[:2]:
        return _coverage(low)
    coefficients = np.dstack([a / 255, b]).astype(np.float32)  # applied to uint8 pixels
    uncertain = cv2.dilate(((low > 0.02) & (low < 0.98)).astype(np.uint8), np.ones((3, 3), np.uint8)) > 0
    sx, sy = small.shape[1] / width, small.shape[0] / height
    out = np.zeros((height, width), np.uint8)
    for ty in range(0, height, TILE):
        if cancelled():
            raise Cancelled
        for tx in range(0, width, TILE):
            th, tw = min(TILE, height - ty), min(TILE, width - tx)
            lx0, ly0 = int(tx * sx), int(ty * sy)
            lx1, ly1 = math.ceil((tx + tw) * sx) + 1, math.ceil((ty + th) * sy) + 1
            if not uncertain[ly0:ly1, lx0:lx1].any():
                out[ty : ty + th, tx : tx + tw] = 255 if low[ly0:ly1, lx0:lx1].mean() > 0.5 else 0
                continue
            # pixel centres of the tile in small-scale coordinates (as cv2.resize's INTER_LINEAR places them)
            warp = np.array([[sx, 0, sx * (tx + 0.5) - 0.5], [0, sy, sy * (ty + 0.5) - 0.5]], np.float64)
            coef = cv2.warpAffine(coefficients, warp, (tw, th), flags=cv2.INTER_LINEAR | cv2.WARP_INVERSE_MAP,
                                  borderMode=cv2.BORDER_REPLICATE)
            pixels = full[ty : ty + th, tx : tx + tw].astype(np.float32)
            q = (coef[..., :3] * pixels).sum(axis=2) + coef[..., 3]
            out[ty : ty + th, tx : tx + tw] = _coverage(q)
    return out


def _coverage(q: np.ndarray) -> np.ndarray:
    """Filter output to coverage: a slightly steepened ramp keeps edges soft over a pixel or two."""
    return np.rint(np.clip((q - 0.5) * 1.5 + 0.5, 0, 1) * 255).astype(np.uint8)


def _guided_coefficients(guide: np.ndarray, p: np.ndarray, radius: int, eps: float) -> tuple[np.ndarray, np.ndarray]:
    """The colour guided filter's mean coefficients (a: h x w x 3, b: h x w), so that a·I + b filters ``p``."""
    import cv2

    size = (2 * radius + 1, 2 * radius + 1)

    def box(x: np.ndarray) -> np.ndarray:
        return cv2.boxFilter(x, -1, size, borderType=cv2.BORDER_REPLICATE)

    mean_i = box(guide)
    mean_p = box(p)
    cov_ip = box(guide * p[..., None]) - mean_i * mean_p[..., None]
    sigma = np.empty((*p.shape, 3, 3), np.float32)
    for i in range(3):
        for j in range(i, 3):
            value = box(guide[..., i] * guide[..., j]) - mean_i[..., i] * mean_i[..., j]
            sigma[..., i, j] = value
            sigma[..., j, i] = value
    sigma += eps * np.eye(3, dtype=np.float32)
    a = np.linalg.solve(sigma, cov_ip[..., None])[..., 0]
    b = mean_p - (a * mean_i).sum(axis=2)
    return box(a), box(b)
