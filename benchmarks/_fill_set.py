"""The fill benchmark's pictures, holes and measures (shared by the engine quality benchmarks).

Pictures: the sample photos (resources/samples) and pictures made here, deterministic and small: a procedural
texture (noise-modulated bricks), a rendered scene with straight edges (horizon, buildings, a road in perspective)
and grass-like stochastic texture. Holes, of three kinds: ``large`` (an object-sized blob covering 10-25 % of the
picture), ``thin`` (7-pixel strokes) and ``outpaint`` (a band of 20-25 % along one side).

Measures, on the hole only: PSNR over its pixels, SSIM over its bounding box, the **seam figure** (mean colour jump
between each hole pixel and its known 4-neighbour across the hole's edge) and the **detail figure** (mean luminance
gradient magnitude inside the hole); the last two are reported as ratios to the original picture's own figures, so
1.0 means "as seamless / as detailed as the truth".
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import cv2
import numpy as np

SAMPLES = Path(__file__).resolve().parent.parent / "resources" / "samples"
MADE_SIZE = (320, 448)  # height, width of the pictures made here


@dataclass(frozen=True)
class Case:
    picture: str
    kind: str  # "large", "thin" or "outpaint"
    truth: np.ndarray  # RGB uint8
    hole: np.ndarray  # bool, True = fill

    @property
    def damaged(self) -> np.ndarray:
        out = self.truth.copy()
        out[self.hole] = 255
        return out


def pictures() -> list[tuple[str, np.ndarray]]:
    """The sample photos and the made pictures, as (name, RGB array)."""
    found = []
    for path in sorted(SAMPLES.iterdir()):
        if path.suffix.lower() in {".png", ".jpg", ".jpeg"}:
            found.append((path.stem, cv2.cvtColor(cv2.imread(str(path), cv2.IMREAD_COLOR), cv2.COLOR_BGR2RGB)))
    return [*found, ("bricks", bricks()), ("street", street()), ("grass", grass())]


def cases(seed: int = 4, per_kind: int = 2) -> Iterator[Case]:
    """``per_kind`` holes of each kind in every picture, the same for a given ``seed``."""
    rng = np.random.default_rng(seed)
    for name, truth in pictures():
        for kind, make in (("large", large_hole), ("thin", thin_hole), ("outpaint", outpaint_band)):
            for _ in range(per_kind):
                yield Case(name, kind, truth, make(truth.shape[:2], rng))


def bricks() -> np.ndarray:
    """Staggered bricks with mortar lines and per-brick colour and grain: a regular texture with straight edges."""
    rng = np.random.default_rng(11)
    h, w = MADE_SIZE
    out = np.zeros((h, w, 3), np.float32)
    out[:] = (190, 185, 175)  # mortar
    brick_h, brick_w = 24, 56
    for row in range(h // brick_h + 1):
        shift = (brick_w // 2) * (row % 2)
        for col in range(-1, w // brick_w + 2):
            x0, y0 = col * brick_w + shift, row * brick_h
            colour = np.array([150, 70, 50]) * rng.uniform(0.8, 1.15) + rng.normal(0, 6, 3)
            cv2.rectangle(out, (x0 + 2, y0 + 2), (x0 + brick_w - 3, y0 + brick_h - 3), colour.tolist(), -1)
    out += cv2.GaussianBlur(rng.normal(0, 9, (h, w, 1)).astype(np.float32), (3, 3), 0)[..., None]
    return np.clip(out, 0, 255).astype(np.uint8)


def street() -> np.ndarray:
    """A rendered scene: sky gradient, horizon, buildings with windows, a road converging to a vanishing point."""
    rng = np.random.default_rng(12)
    h, w = MADE_SIZE
    horizon = int(h * 0.55)
    out = np.zeros((h, w, 3), np.float32)
    out[:horizon] = np.linspace((110, 160, 220), (200, 220, 240), horizon)[:, None, :]
    out[horizon:] = (95, 120, 70)
    x = 0
    while x < w:
        bw, bh = int(rng.integers(40, 90)), int(rng.integers(50, horizon - 20))
        colour = rng.uniform(90, 200, 3)
        cv2.rectangle(out, (x, horizon - bh), (x + bw - 4, horizon), colour.tolist(), -1)
        for wy in range(horizon - bh + 8, horizon - 12, 16):
            for wx in range(x + 6, x + bw - 12, 14):
                cv2.rectangle(out, (wx, wy), (wx + 6, wy + 8), (60, 70, 90), -1)
        x += bw
    vanish = (w // 2, horizon)
    cv2.fillPoly(out, [np.array([[vanish[0] - 6, horizon], [vanish[0] + 6, horizon], [w - 40, h], [40, h]])],
                 (70, 70, 75))
    cv2.line(out, vanish, (w // 2, h), (230, 230, 210), 3)
    out += rng.normal(0, 3, out.shape).astype(np.float32)
    return np.clip(out, 0, 255).astype(np.uint8)


def grass() -> np.ndarray:
    """Stochastic texture: many short slanted blades over a green ground."""
    rng = np.random.default_rng(13)
    h, w = MADE_SIZE
    out = np.zeros((h, w, 3), np.float32)
    out[:] = (60, 110, 40)
    for _ in range(3500):
        x, y = int(rng.integers(0, w)), int(rng.integers(0, h))
        length, lean = rng.uniform(6, 16), rng.uniform(-0.5, 0.5)
        shade = rng.uniform(0.6, 1.4)
        cv2.line(out, (x, y), (int(x + lean * length), int(y - length)), (70 * shade, 140 * shade, 50 * shade), 1)
    return np.clip(cv2.GaussianBlur(out, (3, 3), 0), 0, 255).astype(np.uint8)


def large_hole(shape: tuple[int, int], rng: np.random.Generator) -> np.ndarray:
    """An object-sized blob: an ellipse with a wobbly outline covering 10-25 % of the picture, inside it."""
    height, width = shape
    area = rng.uniform(0.10, 0.25) * height * width
    aspect = rng.uniform(0.6, 1.6)
    ax = min(width * 0.42, np.sqrt(area * aspect / np.pi))
    ay = min(height * 0.42, area / (np.pi * ax))
    cx = rng.uniform(ax + 4, width - ax - 4)
    cy = rng.uniform(ay + 4, height - ay - 4)
    angles = np.linspace(0, 2 * np.pi, 48, endpoint=False)
    wobble = 1 + 0.12 * np.sin(angles * int(rng.integers(2, 5)) + rng.uniform(0, 6.3))
    points = np.stack([cx + ax * wobble * np.cos(angles), cy + ay * wobble * np.sin(angles)], axis=1)
    hole = np.zeros(shape, np.uint8)
    cv2.fillPoly(hole, [np.round(points).astype(np.int32)], 1)
    return hole > 0


def thin_hole(shape: tuple[int, int], rng: np.random.Generator) -> np.ndarray:
    """A scribble: a few 7-pixel-wide random strokes."""
    height, width = shape
    hole = np.zeros(shape, np.uint8)
    points = np.stack([rng.integers(0, width, 8), rng.integers(0, height, 8)], axis=1).astype(np.int32)
    cv2.polylines(hole, [points], False, 1, 7)
    return hole > 0


def outpaint_band(shape: tuple[int, int], rng: np.random.Generator) -> np.ndarray:
    """A band of 20-25 % of the picture along a random side (the frame extended beyond the picture)."""
    height, width = shape
    fraction = rng.uniform(0.20, 0.25)
    hole = np.zeros(shape, bool)
    side = int(rng.integers(4))
    if side == 0:
        hole[:, width - round(width * fraction):] = True
    elif side == 1:
        hole[:, :round(width * fraction)] = True
    elif side == 2:
        hole[height - round(height * fraction):] = True
    else:
        hole[:round(height * fraction)] = True
    return hole


def mirror_telea(image: np.ndarray, hole: np.ndarray) -> np.ndarray:
    """The classical outpainting baseline: the known picture mirrored into the band, then Telea over the fold."""
    known_rows = np.flatnonzero(~hole.all(axis=1))
    known_cols = np.flatnonzero(~hole.all(axis=0))
    top, bottom = int(known_rows[0]), int(known_rows[-1]) + 1
    left, right = int(known_cols[0]), int(known_cols[-1]) + 1
    known = image[top:bottom, left:right]
    h, w = hole.shape
    padded = cv2.copyMakeBorder(known, top, h - bottom, left, w - right, cv2.BORDER_REFLECT101)
    out = np.where(hole[..., None], padded, image)
    fold = (cv2.dilate(hole.astype(np.uint8), np.ones((5, 5), np.uint8)) > 0) & ~(
        cv2.erode(hole.astype(np.uint8), np.ones((5, 5), np.uint8)) > 0)
    telea = cv2.inpaint(np.ascontiguousarray(out), fold.astype(np.uint8) * 255, 3, cv2.INPAINT_TELEA)
    return np.where((fold & hole)[..., None], telea, out)


def psnr(truth: np.ndarray, filled: np.ndarray, hole: np.ndarray) -> float:
    """Peak signal-to-noise ratio over the hole's pixels, in dB."""
    diff = truth[hole].astype(np.float64) - filled[hole].astype(np.float64)
    mse = float(np.mean(diff**2))
    return 99.0 if mse == 0 else 10.0 * np.log10(255.0**2 / mse)


def ssim(truth: np.ndarray, filled: np.ndarray, hole: np.ndarray) -> float:
    """Mean structural similarity (Gaussian window 11, sigma 1.5, on luma) over the hole's bounding box."""
    ys, xs = np.nonzero(hole)
    box = (slice(max(0, ys.min() - 5), ys.max() + 6), slice(max(0, xs.min() - 5), xs.max() + 6))
    a = cv2.cvtColor(truth, cv2.COLOR_RGB2GRAY).astype(np.float64)
    b = cv2.cvtColor(filled, cv2.COLOR_RGB2GRAY).astype(np.float64)
    c1, c2 = (0.01 * 255) ** 2, (0.03 * 255) ** 2

    def blur(x: np.ndarray) -> np.ndarray:
        return cv2.GaussianBlur(x, (11, 11), 1.5)

    mu_a, mu_b = blur(a), blur(b)
    var_a, var_b = blur(a * a) - mu_a**2, blur(b * b) - mu_b**2
    cov = blur(a * b) - mu_a * mu_b
    ssim_map = ((2 * mu_a * mu_b + c1) * (2 * cov + c2)) / ((mu_a**2 + mu_b**2 + c1) * (var_a + var_b + c2))
    return float(ssim_map[box].mean())


def seam(picture: np.ndarray, hole: np.ndarray) -> float:
    """Mean colour jump (mean over channels of |difference|) between 4-neighbours on either side of the hole's
    edge."""
    values = picture.astype(np.float32)
    total, count = 0.0, 0
    for dy, dx in ((0, 1), (1, 0)):
        h, w = hole.shape
        crosses = hole[:h - dy, :w - dx] != hole[dy:, dx:]
        jump = np.abs(values[:h - dy, :w - dx] - values[dy:, dx:]).mean(axis=-1)
        total += float(jump[crosses].sum())
        count += int(crosses.sum())
    return total / max(count, 1)


def detail(picture: np.ndarray, hole: np.ndarray) -> float:
    """Mean luminance gradient magnitude (Sobel) inside the hole, away from its edge."""
    luma = cv2.cvtColor(picture, cv2.COLOR_RGB2GRAY).astype(np.float32)
    magnitude = cv2.magnitude(cv2.Sobel(luma, cv2.CV_32F, 1, 0), cv2.Sobel(luma, cv2.CV_32F, 0, 1))
    inside = cv2.erode(hole.astype(np.uint8), np.ones((5, 5), np.uint8)) > 0
    return float(magnitude[inside if inside.any() else hole].mean())
