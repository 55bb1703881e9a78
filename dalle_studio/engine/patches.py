"""Patch kernels compiled by numba: PatchMatch nearest-neighbour fields, patch voting, membrane and Poisson solvers.

The inner loops of patch-based synthesis touch every pixel of every patch many times; in numpy they would need
arrays of (pixels x patch area) and be slower still, so they are compiled (numba, ``cache=True``: compiled once per
machine, then loaded from the cache in milliseconds). Everything here is serial on purpose: the engine runs two
fills at once on its worker threads, and numba's own thread pool must not be entered from two threads. The kernels
release the GIL (``nogil``), so two fills use both cores and the server keeps answering while they run.

Conventions: pictures are ``float32 (H, W, C)``; a nearest-neighbour field (NNF) is ``int32 (H, W, 2)`` holding,
for each target patch centre, the centre ``(y, x)`` of its source patch (``-1`` where the pixel is no target);
patches are squares of side ``2r + 1`` and every centre lies at least ``r`` pixels inside its picture.
"""

from __future__ import annotations

import numpy as np
from numba import njit


@njit(cache=True, nogil=True, inline="always")
def _next_random(state: np.uint64) -> np.uint64:
    """xorshift64: the kernels' own generator, so a seed gives the same field on every thread and machine."""
    state ^= state << np.uint64(13)
    state ^= state >> np.uint64(7)
    state ^= state << np.uint64(17)
    return state


@njit(cache=True, nogil=True)
def _distance(ft: np.ndarray, ty: int, tx: int, fs: np.ndarray, sy: int, sx: int, r: int, limit: float) -> float:
    """Sum of squared differences of two patches, stopping early once past ``limit``."""
    total = 0.0
    channels = ft.shape[2]
    for dy in range(-r, r + 1):
        for dx in range(-r, r + 1):
            for c in range(channels):
                e = ft[ty + dy, tx + dx, c] - fs[sy + dy, sx + dx, c]
                total += e * e
        if total > limit:
            return total
    return total


@njit(cache=True, nogil=True)
def random_field(ty: np.ndarray, tx: np.ndarray, shape: tuple[int, int], sources: np.ndarray,
                 seed: int) -> np.ndarray:
    """An NNF of size ``shape`` sending each target ``(ty[k], tx[k])`` to a random row of ``sources`` (N, 2)."""
    nnf = np.full((shape[0], shape[1], 2), -1, np.int32)
    state = np.uint64(seed * 2654435761 + 88172645463325252)
    count = sources.shape[0]
    for k in range(ty.shape[0]):
        state = _next_random(state)
        pick = int(state % np.uint64(count))
        nnf[ty[k], tx[k], 0] = sources[pick, 0]
        nnf[ty[k], tx[k], 1] = sources[pick, 1]
    return nnf


@njit(cache=True, nogil=True)
def upsample_field(coarse: np.ndarray, ty: np.ndarray, tx: np.ndarray, shape: tuple[int, int], factor: float,
                   valid: np.ndarray, sources: np.ndarray, seed: int) -> np.ndarray:
    """The NNF of a finer level: each target takes its coarse parent's match scaled by ``factor`` and moved by the
    same sub-offset; a target whose parent had none, or whose scaled match is not a valid source, gets a random
    source."""
    nnf = np.full((shape[0], shape[1], 2), -1, np.int32)
    state = np.uint64(seed * 2654435761 + 1442695040888963407)
    ch, cw = coarse.shape[0], coarse.shape[1]
    h, w = valid.shape
    for k in range(ty.shape[0]):
        y, x = ty[k], tx[k]
        cy = min(ch - 1, int(y / factor))
        cx = min(cw - 1, int(x / factor))
        my, mx = -1, -1
        if coarse[cy, cx, 0] >= 0:
            my = int(coarse[cy, cx, 0] * factor + (y - cy * factor))
            mx = int(coarse[cy, cx, 1] * factor + (x - cx * factor))
        if my < 0 or my >= h or mx < 0 or mx >= w or not valid[my, mx]:
            state = _next_random(state)
            pick = int(state % np.uint64(sources.shape[0]))
            my, mx = sources[pick, 0], sources[pick, 1]
        nnf[y, x, 0] = my
        nnf[y, x, 1] = mx
    return nnf


@njit(cache=True, nogil=True)
def patchmatch(ft: np.ndarray, fs: np.ndarray, ty: np.ndarray, tx: np.ndarray, nnf: np.ndarray, valid: np.ndarray,
               r: int, iterations: int, max_radius: int, seed: int) -> np.ndarray:
    """Improve ``nnf`` in place (Barnes et al. 2009: propagation from scan neighbours, then random search in
    halving windows) for the targets ``(ty, tx)`` of ``ft`` against the source centres ``valid`` of ``fs``.

    Returns each target's patch distance as an ``float32 (H, W)`` map (``inf`` where no target)."""
    h, w = ft.shape[0], ft.shape[1]
    hs, ws = fs.shape[0], fs.shape[1]
    cost = np.full((h, w), np.inf, np.float32)
    is_target = np.zeros((h, w), np.bool_)
    n = ty.shape[0]
    for k in range(n):
        y, x = ty[k], tx[k]
        is_target[y, x] = True
        cost[y, x] = _distance(ft, y, x, fs, nnf[y, x, 0], nnf[y, x, 1], r, np.inf)
    state = np.uint64(seed * 2654435761 + 7046029254386353131)
    for it in range(iterations):
        step = 1 if it % 2 == 0 else -1
        start = 0 if step == 1 else n - 1
        for i in range(n):
            k = start + step * i
            y, x = ty[k], tx[k]
            by, bx = nnf[y, x, 0], nnf[y, x, 1]
            best = cost[y, x]
            # Propagation: the neighbour already visited this sweep, its match shifted by one.
            for axis in range(2):
                ny = y - step if axis == 0 else y
                nx = x - step if axis == 1 else x
                if 0 <= ny < h and 0 <= nx < w and is_target[ny, nx]:
                    cy = nnf[ny, nx, 0] + (step if axis == 0 else 0)
                    cx = nnf[ny, nx, 1] + (step if axis == 1 else 0)
                    if 0 <= cy < hs and 0 <= cx < ws and valid[cy, cx] and (cy != by or cx != bx):
                        d = _distance(ft, y, x, fs, cy, cx, r, best)
                        if d < best:
                            best, by, bx = d, cy, cx
            # Random search around the best match, in windows halving from max_radius.
            radius = max_radius
            while radius >= 1:
                state = _next_random(state)
                cy = by + int(state % np.uint64(2 * radius + 1)) - radius
                state = _next_random(state)
                cx = bx + int(state % np.uint64(2 * radius + 1)) - radius
                if 0 <= cy < hs and 0 <= cx < ws and valid[cy, cx]:
                    d = _distance(ft, y, x, fs, cy, cx, r, best)
                    if d < best:
                        best, by, bx = d, cy, cx
                radius //= 2
            nnf[y, x, 0] = by
            nnf[y, x, 1] = bx
            cost[y, x] = best
    return cost


@njit(cache=True, nogil=True)
def vote(source: np.ndarray, nnf: np.ndarray, weight: np.ndarray, py: np.ndarray, px: np.ndarray, r: int,
         acc: np.ndarray, total: np.ndarray) -> None:
    """Add to ``acc`` / ``total`` at each pixel ``(py[k], px[k])`` the colours every covering target patch proposes
    for it (its match's pixel at the same offset), weighted by the target's ``weight`` (Wexler et al. 2007)."""
    h, w = weight.shape
    channels = source.shape[2]
    for k in range(py.shape[0]):
        y, x = py[k], px[k]
        for dy in range(-r, r + 1):
            qy = y - dy
            if qy < 0 or qy >= h:
                continue
            for dx in range(-r, r + 1):
                qx = x - dx
                if qx < 0 or qx >= w:
                    continue
                wq = weight[qy, qx]
                if wq <= 0.0:
                    continue
                sy, sx = nnf[qy, qx, 0] + dy, nnf[qy, qx, 1] + dx
                for c in range(channels):
                    acc[y, x, c] += wq * source[sy, sx, c]
                total[y, x] += wq


@njit(cache=True, nogil=True)
def vote_completeness(source: np.ndarray, field: np.ndarray, sy: np.ndarray, sx: np.ndarray, weight: float, r: int,
                      acc: np.ndarray, total: np.ndarray) -> None:
    """The completeness half of bidirectional similarity (Simakov et al. 2008): every source patch ``(sy, sx)``
    pastes its pixels, with ``weight``, where its nearest target patch ``field[sy, sx]`` lies."""
    channels = source.shape[2]
    for k in range(sy.shape[0]):
        y, x = sy[k], sx[k]
        ty, tx = field[y, x, 0], field[y, x, 1]
        for dy in range(-r, r + 1):
            for dx in range(-r, r + 1):
                for c in range(channels):
                    acc[ty + dy, tx + dx, c] += weight * source[y + dy, x + dx, c]
                total[ty + dy, tx + dx] += weight


@njit(cache=True, nogil=True)
def relax_membrane(values: np.ndarray, unknown: np.ndarray, py: np.ndarray, px: np.ndarray, sweeps: int) -> None:
    """Gauss-Seidel sweeps (over-relaxed) of Laplace's equation on the pixels ``(py, px)`` of ``values``, the other
    pixels fixed: a smooth membrane through the boundary values, the correction of gradient-domain blending."""
    channels = values.shape[2]
    omega = 1.9
    for _ in range(sweeps):
        for k in range(py.shape[0]):
            y, x = py[k], px[k]
            for c in range(channels):
                s, m = _neighbour_sum(values, y, x, c)
                values[y, x, c] += omega * (s / m - values[y, x, c])


@njit(cache=True, nogil=True, inline="always")  # inlined: a call per pixel and channel costs a third of the fill
def _neighbour_sum(values: np.ndarray, y: int, x: int, c: int) -> tuple[float, float]:
    """The sum of channel ``c`` over the 4-neighbours of ``(y, x)`` inside the picture, and how many there are."""
    h, w = values.shape[0], values.shape[1]
    s = 0.0
    m = 0.0
    if y > 0:
        s += values[y - 1, x, c]
        m += 1.0
    if y < h - 1:
        s += values[y + 1, x, c]
        m += 1.0
    if x > 0:
        s += values[y, x - 1, c]
        m += 1.0
    if x < w - 1:
        s += values[y, x + 1, c]
        m += 1.0
    return s, m


@njit(cache=True, nogil=True, inline="always")
def _best_cover(nnf: np.ndarray, weight: np.ndarray, y: int, x: int, r: int) -> tuple[int, int, float]:
    """The source pixel that the single best patch covering ``(y, x)`` (largest ``weight``) copies to it, and that
    patch's weight; ``(-1, -1, 0.0)`` where no patch covers the pixel."""
    h, w = weight.shape
    best = 0.0
    by, bx = -1, -1
    for dy in range(-r, r + 1):
        qy = y - dy
        if qy < 0 or qy >= h:
            continue
        for dx in range(-r, r + 1):
            qx = x - dx
            if qx < 0 or qx >= w:
                continue
            wq = weight[qy, qx]
            if wq > best:
                best = wq
                by, bx = nnf[qy, qx, 0] + dy, nnf[qy, qx, 1] + dx
    return by, bx, best


@njit(cache=True, nogil=True)
def vote_best(source: np.ndarray, nnf: np.ndarray, weight: np.ndarray, py: np.ndarray, px: np.ndarray, r: int,
              out: np.ndarray) -> None:
    """Set each pixel ``(py[k], px[k])`` of ``out`` to what the single best covering patch (largest ``weight``)
    proposes: the final reconstruction, which keeps the source's grain where a mean of proposals would blur it."""
    channels = source.shape[2]
    for k in range(py.shape[0]):
        y, x = py[k], px[k]
        by, bx, _best = _best_cover(nnf, weight, y, x, r)
        if by >= 0:
            for c in range(channels):
                out[y, x, c] = source[by, bx, c]


@njit(cache=True, nogil=True)
def best_sources(nnf: np.ndarray, weight: np.ndarray, py: np.ndarray, px: np.ndarray, r: int, out: np.ndarray,
                 out_weight: np.ndarray) -> None:
    """Set ``out[y, x]`` to the source pixel ``(sy, sx)`` that the single best covering patch copies to each pixel
    ``(py[k], px[k])`` (the one ``vote_best`` takes) and ``out_weight[y, x]`` to that patch's weight; ``-1`` / 0
    where no patch covers the pixel."""
    for k in range(py.shape[0]):
        y, x = py[k], px[k]
        by, bx, best = _best_cover(nnf, weight, y, x, r)
        out[y, x, 0] = by
        out[y, x, 1] = bx
        out_weight[y, x] = best


@njit(cache=True, nogil=True)
def guidance_divergence(values: np.ndarray, hole: np.ndarray, src: np.ndarray, src_weight: np.ndarray,
                        py: np.ndarray, px: np.ndarray, out: np.ndarray) -> None:
    """For each hole pixel ``p``, the sum over its 4-neighbours ``n`` of the guidance gradient ``g(p -> n)``: how the
    source continues from the pixel copied to ``p`` (or, if ``n``'s patch weighs more, to ``n``) one step towards
    ``n``. Inside a piece copied whole that is the fill's own difference; across the seam between two pieces it is
    a step the source really shows, not the jump between two unrelated places (Poisson image editing of a shift map).
    Neighbours outside the picture are left out (Neumann)."""
    h, w = hole.shape
    channels = values.shape[2]
    for k in range(py.shape[0]):
        y, x = py[k], px[k]
        for c in range(channels):
            out[y, x, c] = 0.0
        for e in range(4):
            ey = -1 if e == 0 else (1 if e == 1 else 0)
            ex = -1 if e == 2 else (1 if e == 3 else 0)
            ny, nx = y + ey, x + ex
            if ny < 0 or ny >= h or nx < 0 or nx >= w:
                continue
            # Two source pixels a step apart: (ay, ax) -> (by, bx); the fill's own difference if none fits.
            ay, ax, by, bx = y, x, ny, nx
            if hole[ny, nx] and src[ny, nx, 0] >= 0 and (src[y, x, 0] < 0 or src_weight[ny, nx] > src_weight[y, x]):
                cy, cx = src[ny, nx, 0] - ey, src[ny, nx, 1] - ex
                if 0 <= cy < h and 0 <= cx < w:
                    ay, ax, by, bx = cy, cx, src[ny, nx, 0], src[ny, nx, 1]
            elif src[y, x, 0] >= 0:
                cy, cx = src[y, x, 0] + ey, src[y, x, 1] + ex
                if 0 <= cy < h and 0 <= cx < w:
                    ay, ax, by, bx = src[y, x, 0], src[y, x, 1], cy, cx
            for c in range(channels):
                out[y, x, c] += values[by, bx, c] - values[ay, ax, c]


@njit(cache=True, nogil=True)
def relax_screened_poisson(values: np.ndarray, divergence: np.ndarray, anchor: np.ndarray, screen: float,
                           py: np.ndarray, px: np.ndarray, sweeps: int) -> None:
    """Over-relaxed Gauss-Seidel sweeps of the screened Poisson equation on the pixels ``(py, px)`` of ``values``:
    the gradients follow the guidance (``divergence`` its per-pixel sum), the values stay near ``anchor`` with
    weight ``screen``; the other pixels are fixed (Dirichlet)."""
    channels = values.shape[2]
    omega = 1.9
    for _ in range(sweeps):
        for k in range(py.shape[0]):
            y, x = py[k], px[k]
            for c in range(channels):
                s, m = _neighbour_sum(values, y, x, c)
                s += screen * anchor[y, x, c] - divergence[y, x, c]
                m += screen
                values[y, x, c] += omega * (s / m - values[y, x, c])
