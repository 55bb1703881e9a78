"""Multi-scale patch-based completion: fill a hole (or an outpainting band) from the rest of the picture.

The method is Wexler, Shechtman and Irani's ("Space-Time Completion of Video", 2007) with PatchMatch fields (Barnes
et al. 2009) and two ideas of Image Melding (Darabi et al. 2012):

- a pyramid of the hole's neighbourhood; at the coarsest level the hole is a few pixels wide and a smooth fill
  (Telea) starts it; at each level, EM iterations alternate a nearest-neighbour field (every patch overlapping the
  hole to its most similar patch of the known region) and a vote (each hole pixel the weighted mean of what all
  patches covering it propose); each level starts from the previous one upsampled, field included;
- patches compared on Lab colour and on luminance gradients, so edges and their direction carry through the hole;
- the result blended in the gradient domain: the difference between the picture and the fill's own proposal just
  outside the hole is spread smoothly over the hole (a membrane), so no seam is left at the mask's edge;
- a consensus of the low frequencies: ten more fills with other seeds, smaller, each copying from a random half of
  the source (bagging), and the mean of the eleven fills' low frequencies replaces the main fill's own (its grain is
  kept). Where the hole could hold several things each fill picks one; their mean is closer to what is likely, and
  PSNR rewards that without the fill turning to a blur. Fills free to copy from everywhere all pick the same thing
  (their spread was a twentieth of their error), so each is denied different parts of the picture. The cost shows
  where the fills disagree about an object (a building in some, sky in others): its mean is a faint ghost under
  the main fill's grain, which PSNR rewards and an artist may not;
- before they are averaged, each fill's tones are evened out (Poisson image editing of the pieces it was copied
  from: across the seam between two pieces the gradient the source really shows, not the jump between two unrelated
  places), so a sky copied from several heights counts as one gradient, not as dark and light blocks.

Figures (``benchmarks/engine_fill_quality.py``, the same run, against the consensus of three unbagged fills): large-
hole gain over pypatchmatch +1.72 dB (held-out holes +1.56), against +1.00 / +0.97; SSIM gain +0.042 / +0.032
against +0.028 / +0.024; seam figure 1.06 (1.01), detail 0.72 (0.74), outpainting +2.36 dB (+2.29). Bagging alone
(seven fills) gave +1.39 / +1.57 (mean over the holes +1.37 / +1.22), the tones +1.44 / +1.62 (+1.52 / +1.32),
eleven fills instead of seven the rest (+1.74 / +1.46 mean): medians of 14 holes move by 0.1 dB with any change.

What did not help (large-hole gain over pypatchmatch, the benchmark's holes and held-out ones, against +1.01 / +0.99
dB with the first consensus): an onion-peel start at the coarsest level instead
of Telea (+0.11 / +0.34 dB without the consensus, against +0.72 / +0.90; blurred after, +0.87 / +0.63 with it),
mirrored source patches (+0.79 / +0.82, SSIM gain down to +0.019), a coarsest level twice as small (+0.14 / +0.07),
5x5 patches at the small levels (+1.09 / +0.93, seam 1.10), 9x9 ones (+0.88 / +0.72), Newson's texture features
(detail 0.79 but SSIM gain +0.012-0.02), a proximity prior on the source's distance (+0.23-0.55), more EM
iterations (12, 5): +0.46 / +0.80, the mean vote for the final reconstruction (+0.81 / +0.84, detail 0.70 / 0.69).
With the consensus (all 28 large holes: median +0.97, mean +0.75 dB): more coarse iterations (12, 3) +0.82 / +0.67,
fewer (3, 3) +1.06 / +0.76, confidence base 3 +1.04 / +0.73 (noise); Telea as a fourth voice of the consensus
+1.09 / +0.92, but -0.3 dB on the tests' small cases (bricks -0.7 and -1.2 dB: it greys a regular texture);
annealed vote weights (spread percentile 75 -> 25 over a level's iterations) +1.09 / +0.75, seam 1.10. More
unbagged fills (six at 40,000 px, or six at 10,000) +0.95-1.09 / +0.91-0.98: their mean barely moves.
With bagging (seven fills: +1.39 / +1.57, mean over the holes +1.37 / +1.22): cells of 0.3 or 1.0 of the hole
instead of 0.5 (with three fills) +1.00 / +1.15 and +1.00 / +1.13 against +1.24 / +1.14; withholding a source patch
only when its centre is withheld +1.47 / +1.27 (less diverse); eleven fills of 12,000 px +1.10 / +1.39, seven of
30,000 +1.22 / +1.43, five of 40,000 +1.36 / +1.34 (few small fills beat fewer larger ones, but not tiny ones);
withholding 60-70 % +1.51 / +1.46, +1.53 / +1.39 (noise); the main fill left out of the mean +1.19 / +1.43;
the fills weighted by how well they meet the picture at the rim (a likelihood) mean +1.20 / +1.10 against +1.37 /
+1.22; Telea as one more voice +1.34 / +1.54; the coarsest level solved four or eight times and the lowest
coherence energy kept +1.16 / +1.54, +1.07 / +1.49 (a lower energy is not nearer the truth); a consensus blur of
2.5 (detail 0.70) or 4.5 (+1.21 / +1.21). Evening the tones of the main fill itself in full: +1.70 / +1.63 and
SSIM +0.057, but detail 0.66 / 0.64 (it also dissolves the edges the fill placed between pieces: a cup's rim goes
soft), so only its low frequencies are taken; keeping the jumps above a threshold kept detail and lost the gain;
without the screen the voices of an outpainting band drift (+2.0 dB).

Time: the levels run on the neighbourhood scaled to ``budget_px``; when that is smaller than the picture, one last
pass upsamples the field to full resolution and votes there, so the fill keeps the source's full-resolution detail
(scale is given up before quality). Pixels outside the hole are returned unchanged.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass

import cv2
import numpy as np

from dalle_studio.engine import patches

PreviewCallback = Callable[[np.ndarray], None]

PATCH_RADIUS = 3  # 7x7 patches
# Pixels of the hole's neighbourhood the EM levels run on at most (the full-resolution pass comes on top).
WORK_BUDGET_PX = 160_000
# Pixels the last, full-resolution pass works on at most: beyond (neighbourhoods over ~1600x1600) it runs smaller and is
# scaled up, to stay within the engine's time and memory.
FINAL_BUDGET_PX = 2_500_000
# Image Melding's gradient channels: weight of the luminance gradient against Lab colour in the patch distance.
GRADIENT_WEIGHT = 1.0
# Wexler's confidence: a target patch's weight falls by this factor per pixel of depth into the hole. The benchmark
# (large and outpaint holes) chose it: 1.3 as in the paper leaves seams (seam figure 1.4), 1.0 more (2.2); 3-4 keep
# the edge's own patches in charge near it (0.9-1.0) for the same PSNR.
CONFIDENCE_BASE = 4.0
# The coarsest level: the hole at most this many patch radii deep, the neighbourhood at least this many pixels wide.
COARSEST_DEPTH = 2.0
COARSEST_SIDE = 24
# EM iterations (match, then vote) and PatchMatch sweeps per EM iteration: at the coarsest level, at the others.
EM_ITERATIONS = (6, 3)
PM_ITERATIONS = (4, 2)
# A target patch's vote weight is exp(-distance / (2 * spread)), spread the distances' 75th percentile (Newson et al.).
SPREAD_PERCENTILE = 75.0
# Gauss-Seidel sweeps smoothing the pull-push guess of the seam correction.
MEMBRANE_SWEEPS = 30
# The consensus's voices have their tones evened out (screened Poisson through the source's own steps, see
# ``_even_tones``): sweeps, and the screen's weight (keeps each piece's own tone at scales past ~1/sqrt(screen)
# pixels; without it a band at the picture's border, open on one side, drifts: outpainting gain +2.0 dB, not +2.4).
TONE_SWEEPS = 60
TONE_SCREEN = 0.005
MAX_CONFIDENCE_DEPTH = 480.0
# The consensus of the low frequencies: how many fills in all (the main one and smaller ones of other seeds), the
# pixels each smaller one works on at most, and the blur (in pixels of the EM's resolution) that keeps only their
# low frequencies. A blur of 2 costs detail (0.70), 3 keeps it (0.73) for the same gain. Eleven fills cost 0.35 s
# more than three unbagged ones at 1024x1024 (engine_speed: 1.52 s against 1.16-1.24 s, load 0.5-0.9); smaller
# ones are worse voices (eleven of 12,000 px: -0.3 dB).
CONSENSUS_FILLS = 11
CONSENSUS_BUDGET_PX = 20_000
CONSENSUS_SIGMA = 3.0
# Each smaller fill of the consensus copies from a random half of the source (bagging): the picture cut in square
# cells of this fraction of the hole's larger side, each withheld with probability BAG_WITHHELD. Fills that may all
# copy from everywhere pick the same content (their spread was a twentieth of their error) and their mean is no
# closer to the truth; fills denied different parts of the source pick different plausible content.
BAG_CELL = 0.5
BAG_WITHHELD = 0.5


@dataclass(frozen=True)
class _Level:
    lab: np.ndarray  # float32 (h, w, 3); the hole's pixels are the current estimate
    hole: np.ndarray  # bool (h, w)
    withheld: np.ndarray | None = None  # bool (h, w): known pixels no source patch may cover


def complete(image: np.ndarray, hole: np.ndarray, *, seed: int = 0, budget_px: int | None = None,
             on_level: PreviewCallback | None = None) -> np.ndarray:
    """``image`` (RGB ``uint8``) with ``hole`` (bool, True = fill) completed from the rest of the picture.

    ``on_level(rgb)`` receives the full-size picture after each level, coarse first (for progress streams).
    """
    if not hole.any():
        return image.copy()
    top, bottom, left, right = _neighbourhood(hole)
    crop = image[top:bottom, left:right]
    crop_hole = hole[top:bottom, left:right]
    if (~crop_hole).sum() < (2 * PATCH_RADIUS + 1) ** 2 * 4:
        return _paste(image, hole, _telea(crop, crop_hole), (top, left))

    def preview(lab: np.ndarray) -> None:
        if on_level is not None:
            rgb = to_rgb(cv2.resize(lab, crop_hole.shape[::-1], interpolation=cv2.INTER_LINEAR))
            on_level(_paste(image, hole, rgb, (top, left)))

    full = _Level(to_lab(crop), crop_hole)
    scale = min(1.0, math.sqrt((budget_px or WORK_BUDGET_PX) / float(crop_hole.size)))
    work, lab, field, weight = _synthesise(full, scale, seed, preview)
    # The main fill's tones evened out at its finest EM level: its voice in the consensus.
    plain = _blend_seam(work, lab, field, weight)
    voice = _even_tones(work, field, weight, plain)
    # The last pass at full resolution (at most FINAL_BUDGET_PX, for very large pictures): the field upsampled,
    # refined nearby only, one vote; the detail comes from the source's own pixels.
    final_scale = min(1.0, math.sqrt(FINAL_BUDGET_PX / float(crop_hole.size)))
    final = full if final_scale >= 1.0 else _resize_level(full, final_scale)
    if final_scale > scale:
        lab, field, weight = _em_level(_Level(_upsampled_into(final, lab), final.hole), field, seed=seed + 7,
                                       em_iterations=1, pm_iterations=1, max_radius=4)
    filled = _blend_seam(final, lab, field, weight)
    others_scale = min(scale, math.sqrt(CONSENSUS_BUDGET_PX / float(crop_hole.size)))
    # The consensus corrects low frequencies only: it is made at the EM's size and scaled up.
    same = filled.shape == work.lab.shape
    small = filled if same else cv2.resize(filled, work.hole.shape[::-1], interpolation=cv2.INTER_AREA)
    correction = _consensus(full, work, small, plain, voice, others_scale, seed)
    if not same:
        correction = cv2.resize(correction, final.hole.shape[::-1], interpolation=cv2.INTER_LINEAR)
    filled[final.hole] += correction[final.hole]
    blended = to_rgb(filled)
    if final_scale < 1.0:
        blended = cv2.resize(blended, crop_hole.shape[::-1], interpolation=cv2.INTER_CUBIC)
    return _paste(image, hole, blended, (top, left))


def _synthesise(full: _Level, scale: float, seed: int,
                preview: Callable[[np.ndarray], None] | None) -> tuple[_Level, np.ndarray, np.ndarray, np.ndarray]:
    """The EM pyramid on ``full`` scaled by ``scale``: (level, picture, field, weights) at its finest level."""
    work = full if scale >= 1.0 else _resize_level(full, scale)
    lab, field, weight = None, None, None
    for depth, level in enumerate(reversed(_pyramid(work))):
        start = to_lab(_telea(to_rgb(level.lab), level.hole)) if lab is None else _upsampled_into(level, lab)
        stage = 0 if depth == 0 else 1
        lab, field, weight = _em_level(_Level(start, level.hole, level.withheld), field, seed=seed + 101 * depth,
                                       em_iterations=EM_ITERATIONS[stage], pm_iterations=PM_ITERATIONS[stage])
        if preview is not None:
            preview(lab)
    assert lab is not None and field is not None and weight is not None
    return work, lab, field, weight


def _consensus(full: _Level, work: _Level, fill_lab: np.ndarray, plain: np.ndarray, voice: np.ndarray,
               others_scale: float, seed: int) -> np.ndarray:
    """What to add to ``fill_lab`` (the fill, at ``work``'s size) so that its low frequencies become the mean of
    its own with the tones evened out (``voice`` against ``plain``) and those of ``CONSENSUS_FILLS - 1`` other
    fills (other seeds, at ``others_scale``, tones evened), blurred by ``CONSENSUS_SIGMA``.

    Where the hole could hold several things, each fill picks one; the mean of a few is closer to what is likely
    (the posterior mean minimises the error), and taking only its low frequencies keeps the main fill's grain:
    the layout of tones is shared, the texture stays one source's. The other fills are bagged (each copies from a
    random half of the picture only), or they would all pick the same thing. The correction is pinned to zero at
    the hole's edge, so the seam is kept."""
    h, w = work.hole.shape
    inside = work.hole[..., None]
    own = np.where(inside, cv2.GaussianBlur(np.where(inside, voice - plain, 0.0), (0, 0), CONSENSUS_SIGMA), 0.0)
    if CONSENSUS_FILLS <= 1:
        return own
    base = fill_lab + own
    total = np.where(inside, voice, base)
    small = full if others_scale >= 1.0 else _resize_level(full, others_scale)
    for k in range(1, CONSENSUS_FILLS):
        bagged = _Level(small.lab, small.hole, _withheld(small.hole, seed + 1009 * k))
        _, lab, field, weight = _synthesise(bagged, 1.0, seed + 1009 * k, None)
        other = _even_tones(bagged, field, weight, _blend_seam(bagged, lab, field, weight))
        total += np.where(inside, cv2.resize(other, (w, h), interpolation=cv2.INTER_LINEAR), base)
    return own + _pinned_low(total / CONSENSUS_FILLS - base, work.hole, CONSENSUS_SIGMA)


def _pinned_low(diff: np.ndarray, hole: np.ndarray, sigma: float) -> np.ndarray:
    """The low frequencies of ``diff`` (zero outside ``hole``) inside the hole, by normalised convolution, less the
    membrane through their values on the rim: smooth, and zero where the hole meets the picture."""
    inside = hole.astype(np.float32)
    low = cv2.GaussianBlur(diff * inside[..., None], (0, 0), sigma) / np.maximum(
        cv2.GaussianBlur(inside, (0, 0), sigma), 1e-3)[..., None]
    rim = (cv2.dilate(hole.astype(np.uint8), np.ones((3, 3), np.uint8)) > 0) & ~hole
    offsets = np.zeros_like(low)
    offsets[rim] = -low[rim]
    offsets = _pull_push(offsets, rim)
    hy, hx = (a.astype(np.int32) for a in np.nonzero(hole))
    patches.relax_membrane(offsets, hole, hy, hx, MEMBRANE_SWEEPS)
    return np.where(hole[..., None], low + offsets, 0.0).astype(np.float32)


def _withheld(hole: np.ndarray, seed: int) -> np.ndarray:
    """Known pixels a bagged fill may not copy from: random square cells (``BAG_CELL`` of the hole's size) of the
    picture, each withheld with probability ``BAG_WITHHELD``."""
    rng = np.random.default_rng(seed)
    h, w = hole.shape
    ys, xs = np.nonzero(hole)
    cell = max(4, int(BAG_CELL * max(ys.max() - ys.min(), xs.max() - xs.min())))
    grid = rng.random((h // cell + 2, w // cell + 2)) < BAG_WITHHELD
    oy, ox = rng.integers(0, cell, 2)
    return grid[(np.arange(h)[:, None] + oy) // cell, (np.arange(w)[None, :] + ox) // cell] & ~hole


def _neighbourhood(hole: np.ndarray) -> tuple[int, int, int, int]:
    """The hole's bounding box grown by its own size on every side (the source to copy from), within the picture."""
    height, width = hole.shape
    ys, xs = np.nonzero(hole)
    top, bottom, left, right = int(ys.min()), int(ys.max()) + 1, int(xs.min()), int(xs.max()) + 1
    margin_y, margin_x = max(48, bottom - top), max(48, right - left)
    return max(0, top - margin_y), min(height, bottom + margin_y), max(0, left - margin_x), min(width, right + margin_x)


def _pyramid(finest: _Level) -> list[_Level]:
    """Levels halving from ``finest`` until the hole is about ``COARSEST_DEPTH`` patch radii deep."""
    levels = [finest]
    depth = float(cv2.distanceTransform(np.pad(finest.hole.astype(np.uint8), 1), cv2.DIST_L2, 5).max())
    while depth / 2 ** (len(levels) - 1) > COARSEST_DEPTH * PATCH_RADIUS:
        h, w = levels[-1].hole.shape
        if min(h, w) // 2 < COARSEST_SIDE:
            break
        levels.append(_resize_level(levels[-1], 0.5))
    return levels


def _resize_level(level: _Level, scale: float) -> _Level:
    h, w = level.hole.shape
    size = (max(1, round(w * scale)), max(1, round(h * scale)))
    lab = cv2.resize(level.lab, size, interpolation=cv2.INTER_AREA)
    # Any hole pixel under a smaller pixel makes it a hole: no unknown colour leaks into the source.
    hole = cv2.resize(level.hole.astype(np.float32), size, interpolation=cv2.INTER_AREA) > 0.0
    withheld = None
    if level.withheld is not None:
        withheld = cv2.resize(level.withheld.astype(np.float32), size, interpolation=cv2.INTER_AREA) > 0.5
    return _Level(lab, hole, withheld)


def _upsampled_into(level: _Level, coarse_lab: np.ndarray) -> np.ndarray:
    """``level``'s picture with its hole taken from ``coarse_lab`` scaled up."""
    up = cv2.resize(coarse_lab, level.hole.shape[::-1], interpolation=cv2.INTER_LINEAR)
    lab = level.lab.copy()
    lab[level.hole] = up[level.hole]
    return lab


def _em_level(level: _Level, coarse_field: np.ndarray | None, *, seed: int, em_iterations: int, pm_iterations: int,
              max_radius: int | None = None) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """EM at one level: (picture, field, target weights) after ``em_iterations`` of match-then-vote."""
    r = PATCH_RADIUS
    hole = level.hole
    h, w = hole.shape
    interior = np.zeros((h, w), bool)
    interior[r:h - r, r:w - r] = True
    kernel = np.ones((2 * r + 1, 2 * r + 1), np.uint8)
    targets = (cv2.dilate(hole.astype(np.uint8), kernel) > 0) & interior
    valid = (cv2.erode((~hole).astype(np.uint8), kernel, borderValue=1) > 0) & interior
    if level.withheld is not None:
        # A bagged fill's patches lie wholly in what is left (a patch only touching a withheld cell would bring its
        # content back: the fills were then less diverse, -0.24 dB), unless almost nothing is (a picture mostly hole).
        left = valid & (cv2.erode((~level.withheld).astype(np.uint8), kernel, borderValue=1) > 0)
        if left.sum() >= 64:
            valid = left
    lab = level.lab.copy()
    if not valid.any() or not targets.any():
        return lab, np.full((h, w, 2), -1, np.int32), np.zeros((h, w), np.float64)
    sources = np.argwhere(valid).astype(np.int32)
    ty, tx = (a.astype(np.int32) for a in np.nonzero(targets))
    if coarse_field is None:
        field = patches.random_field(ty, tx, (h, w), sources, seed)
    else:
        field = patches.upsample_field(coarse_field, ty, tx, (h, w), h / coarse_field.shape[0], valid, sources,
                                       seed)
    depth = cv2.distanceTransform(np.pad(hole.astype(np.uint8), 1), cv2.DIST_L2, 5)[1:-1, 1:-1]
    # In float64: a float32 weight of 4 ** -depth underflows to zero past ~65 pixels of depth, and a pixel whose
    # covering patches all weigh zero was never voted (the middle of a large hole kept its upsampled blur).
    confidence = CONFIDENCE_BASE ** -np.minimum(depth[ty, tx].astype(np.float64), MAX_CONFIDENCE_DEPTH)
    hy, hx = (a.astype(np.int32) for a in np.nonzero(hole))
    weight = np.zeros((h, w), np.float64)
    radius = max_radius if max_radius is not None else max(h, w)
    if coarse_field is not None:
        # Rebuild the hole from the upsampled field with this level's own pixels (Newson et al. 2014): upsampling
        # the coarse picture instead would start every level blurred, and the EM would stay so.
        weight[ty, tx] = confidence
        _vote_into(lab, field, weight, hy, hx)
    for iteration in range(em_iterations):
        feats = features(lab)
        cost = patches.patchmatch(feats, feats, ty, tx, field, valid, r, pm_iterations, radius, seed + iteration)
        costs = cost[ty, tx]
        spread = float(np.percentile(costs, SPREAD_PERCENTILE)) + 1e-3
        # The floor keeps every target voting a little: a unique edge at the rim matches nothing well, yet must
        # still have a say there, or the seam blending has no proposal to compare the picture with.
        weight[ty, tx] = confidence * np.maximum(np.exp(-costs / (2.0 * spread)), 1e-4)
        _vote_into(lab, field, weight, hy, hx)
    return lab, field, weight


def _vote_into(lab: np.ndarray, field: np.ndarray, weight: np.ndarray, hy: np.ndarray, hx: np.ndarray) -> None:
    """Replace the pixels ``(hy, hx)`` of ``lab`` by the weighted vote of the patches covering them."""
    acc = np.zeros(lab.shape, np.float64)
    total = np.zeros(weight.shape, np.float64)
    patches.vote(lab, field, weight, hy, hx, PATCH_RADIUS, acc, total)
    voted = total[hy, hx] > 0
    lab[hy[voted], hx[voted]] = acc[hy[voted], hx[voted]] / total[hy[voted], hx[voted], None]


def features(lab: np.ndarray) -> np.ndarray:
    """Lab colour and the luminance gradient (Image Melding), as ``float32 (h, w, 5)``."""
    luma = lab[..., 0]
    gx = cv2.Sobel(luma, cv2.CV_32F, 1, 0, ksize=3, scale=0.25 * GRADIENT_WEIGHT)
    gy = cv2.Sobel(luma, cv2.CV_32F, 0, 1, ksize=3, scale=0.25 * GRADIENT_WEIGHT)
    return np.ascontiguousarray(np.dstack([lab, gx, gy]))


def _blend_seam(level: _Level, lab: np.ndarray, field: np.ndarray, weight: np.ndarray) -> np.ndarray:
    """The final reconstruction, blended in the gradient domain.

    Each hole pixel takes what its single best covering patch proposes (the mean of all proposals, right for the EM,
    would blur the source's grain: detail figure 0.70 against 0.74); the same is proposed for the rim just outside
    the hole, and the membrane through (picture - proposal) on the rim is added to the hole, so the fill keeps its
    own gradients and meets the picture without a step (Poisson blending with the fill as guidance field)."""
    hole = level.hole
    rim = (cv2.dilate(hole.astype(np.uint8), np.ones((3, 3), np.uint8)) > 0) & ~hole
    ry, rx = (a.astype(np.int32) for a in np.nonzero(rim))
    if not weight.any() or ry.size == 0:
        return lab
    hy, hx = (a.astype(np.int32) for a in np.nonzero(hole))
    proposal = np.full_like(lab, np.nan)
    patches.vote_best(lab, field, weight, hy, hx, PATCH_RADIUS, proposal)
    patches.vote_best(lab, field, weight, ry, rx, PATCH_RADIUS, proposal)
    unset = np.isnan(proposal[hy, hx, 0])
    proposal[hy[unset], hx[unset]] = lab[hy[unset], hx[unset]]
    offsets = np.zeros_like(lab)
    ok = ~np.isnan(proposal[ry, rx, 0])
    offsets[ry[ok], rx[ok]] = lab[ry[ok], rx[ok]] - proposal[ry[ok], rx[ok]]
    lab = np.where(hole[..., None], proposal, lab)
    # First guess by pull-push (a pyramid of rim averages, O(pixels)); over-relaxed sweeps then smooth it into the
    # membrane (only the rim is fixed: every 4-neighbour of a hole pixel is in the hole or on the rim).
    offsets = _pull_push(offsets, rim)
    patches.relax_membrane(offsets, hole, hy, hx, MEMBRANE_SWEEPS)
    out = lab.copy()
    out[hole] += offsets[hole]
    return out


def _even_tones(level: _Level, field: np.ndarray, weight: np.ndarray, blended: np.ndarray) -> np.ndarray:
    """``blended`` (a fill of ``level`` by ``field``) with the steps of tone between the pieces it was copied from
    smoothed out: the hole re-solved (screened Poisson, the picture around fixed) so that its gradients are the
    source's own, also across the seams between pieces, where the copy jumps between two unrelated places (a patch
    of darker sky beside a lighter one). Each piece keeps its texture; a sky copied from several heights becomes one
    gradient. Only its low frequencies are used: in full it also dissolves the sharp edges the fill chose to place
    (detail figure 0.65)."""
    hole = level.hole
    if not weight.any():
        return blended
    hy, hx = (a.astype(np.int32) for a in np.nonzero(hole))
    src = np.full((*hole.shape, 2), -1, np.int32)
    src_weight = np.zeros(hole.shape, np.float64)
    patches.best_sources(field, weight, hy, hx, PATCH_RADIUS, src, src_weight)
    divergence = np.zeros_like(blended)
    patches.guidance_divergence(blended, hole, src, src_weight, hy, hx, divergence)
    out = blended.copy()
    patches.relax_screened_poisson(out, divergence, blended, TONE_SCREEN, hy, hx, TONE_SWEEPS)
    return out


def _pull_push(values: np.ndarray, known: np.ndarray) -> np.ndarray:
    """``values`` where ``known``, elsewhere a smooth interpolation of the known values (Gortler et al.'s pull-push:
    known-weighted averages down a pyramid, filled back up)."""
    h, w = known.shape
    if not known.any():
        return values
    if known.all() or min(h, w) <= 2:
        return np.where(known[..., None], values, values[known].mean(axis=0))
    size = (max(1, w // 2), max(1, h // 2))
    weight = known.astype(np.float32)
    small_weight = cv2.resize(weight, size, interpolation=cv2.INTER_AREA)
    small_sum = cv2.resize(values * weight[..., None], size, interpolation=cv2.INTER_AREA)
    small = small_sum / np.maximum(small_weight, 1e-6)[..., None]
    filled = _pull_push(small, small_weight > 0)
    return np.where(known[..., None], values, cv2.resize(filled, (w, h), interpolation=cv2.INTER_LINEAR))


def to_lab(rgb: np.ndarray) -> np.ndarray:
    return cv2.cvtColor(rgb.astype(np.float32) / 255.0, cv2.COLOR_RGB2Lab)


def to_rgb(lab: np.ndarray) -> np.ndarray:
    rgb = cv2.cvtColor(np.ascontiguousarray(lab, np.float32), cv2.COLOR_Lab2RGB)
    return np.clip(rgb * 255.0 + 0.5, 0, 255).astype(np.uint8)


def _telea(rgb: np.ndarray, hole: np.ndarray) -> np.ndarray:
    return cv2.inpaint(np.ascontiguousarray(rgb), hole.astype(np.uint8) * 255, 3, cv2.INPAINT_TELEA)


def _paste(image: np.ndarray, hole: np.ndarray, crop_rgb: np.ndarray, origin: tuple[int, int]) -> np.ndarray:
    """``image`` with the crop's pixels put back through the hole."""
    top, left = origin
    h, w = crop_rgb.shape[:2]
    out = image.copy()
    region = hole[top:top + h, left:left + w]
    out[top:top + h, left:left + w][region] = crop_rgb[region]
    return out
