"""Fill quality: hide regions of the sample photos, fill them with each method, compare with the hidden truth.

Figures: ``engine_psnr_<method>`` (dB, over the hole's pixels), ``engine_ssim_<method>`` (over the hole's bounding
box), ``engine_fill_<method>_s`` (mean seconds per fill), for thin scribbles and large blobs together and for each
kind (``_thin`` / ``_large`` suffix). ``telea`` is the baseline; ``auto`` is what the engine does.
"""

from __future__ import annotations

import statistics
import time
from collections.abc import Callable
from pathlib import Path

import cv2
import numpy as np

from dalle_studio.engine import fill

SAMPLES = Path(__file__).resolve().parent.parent / "resources" / "samples"
METHODS: tuple[str, ...] = ("telea", "ns", "fsr", "shiftmap", "patchmatch", "auto")


def load_samples() -> list[tuple[str, np.ndarray]]:
    """The sample photos as RGB arrays, by file stem."""
    photos = []
    for path in sorted(SAMPLES.iterdir()):
        if path.suffix.lower() in {".png", ".jpg", ".jpeg"}:
            bgr = cv2.imread(str(path), cv2.IMREAD_COLOR)
            photos.append((path.stem, cv2.cvtColor(bgr, cv2.COLOR_BGR2RGB)))
    return photos


def large_hole(shape: tuple[int, int], rng: np.random.Generator) -> np.ndarray:
    """An ellipse covering about 6 % of the picture, away from the border."""
    height, width = shape
    hole = np.zeros(shape, np.uint8)
    axes = (int(width * 0.17), int(height * 0.12))
    centre = (int(rng.integers(axes[0] + 8, width - axes[0] - 8)), int(rng.integers(axes[1] + 8, height - axes[1] - 8)))
    cv2.ellipse(hole, centre, axes, float(rng.uniform(0, 180)), 0, 360, 1, -1)
    return hole > 0


def thin_hole(shape: tuple[int, int], rng: np.random.Generator) -> np.ndarray:
    """A scribble: a few 7-pixel-wide random strokes."""
    height, width = shape
    hole = np.zeros(shape, np.uint8)
    points = np.stack([rng.integers(0, width, 8), rng.integers(0, height, 8)], axis=1).astype(np.int32)
    cv2.polylines(hole, [points], False, 1, 7)
    return hole > 0


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


def run(report: Callable[..., None]) -> None:
    rng = np.random.default_rng(4)
    cases = []
    for name, photo in load_samples():
        for kind, make in (("large", large_hole), ("thin", thin_hole)):
            for _ in range(2):
                cases.append((name, kind, photo, make(photo.shape[:2], rng)))
    for method in METHODS:
        scores: dict[str, list[tuple[float, float, float]]] = {"large": [], "thin": []}
        for _name, kind, photo, hole in cases:
            damaged = photo.copy()
            damaged[hole] = 255
            start = time.perf_counter()
            result = fill.fill(damaged, hole, None if method == "auto" else method, seed=1)  # type: ignore[arg-type]
            seconds = time.perf_counter() - start
            scores[kind].append((psnr(photo, result, hole), ssim(photo, result, hole), seconds))
        every = scores["large"] + scores["thin"]
        report(f"engine_psnr_{method}", statistics.mean(s[0] for s in every), "dB")
        report(f"engine_ssim_{method}", statistics.mean(s[1] for s in every))
        report(f"engine_fill_{method}_s", statistics.mean(s[2] for s in every), "s")
        for kind, rows in scores.items():
            report(f"engine_psnr_{method}_{kind}", statistics.mean(s[0] for s in rows), "dB")
            report(f"engine_ssim_{method}_{kind}", statistics.mean(s[1] for s in rows))
            report(f"engine_fill_{method}_{kind}_s", statistics.mean(s[2] for s in rows), "s")
