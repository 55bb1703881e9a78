"""A process that files images into a library as fast as it can, printing each one's hash (and how long the add took)
once add_result has returned; the crash test kills it with SIGKILL at an arbitrary moment."""

from __future__ import annotations

import io
import random
import sys
import time
from pathlib import Path

from PIL import Image

from dalle_studio.library import Library, NewResult


def noisy_png(seed: int) -> bytes:
    rng = random.Random(seed)
    im = Image.frombytes("RGB", (192, 192), rng.randbytes(192 * 192 * 3))
    out = io.BytesIO()
    im.save(out, "PNG", compress_level=0)  # ~110 KB: big enough for the kill to land mid-write now and then
    return out.getvalue()


def main(folder: str, start: int, kind: str = "generation", count: int = 40) -> None:
    """File ``count`` results; an ``edit`` also files its source picture and its mask (lineage), as the app does."""
    # Images are made up front so that the process spends its time inside add_result, where the kill should land.
    images = [noisy_png(seed) for seed in range(start, start + count)]
    seeds = range(start, start + count) if kind == "edit" else ()
    lineage = {seed: ([noisy_png(seed + 1_000_000)], noisy_png(seed + 2_000_000)) for seed in seeds}
    lib = Library(Path(folder))
    for seed, image in enumerate(images, start):
        sources, mask = lineage.get(seed, ((), None))
        began = time.perf_counter()
        record = lib.add_result(NewResult(image=image, kind=kind, prompt=f"noise {seed}", model="engine",
                                          params={"seed": seed}, source_images=sources, mask=mask))
        print(record.sha, time.perf_counter() - began, flush=True)


if __name__ == "__main__":
    main(sys.argv[1], int(sys.argv[2]), *sys.argv[3:4], *(int(x) for x in sys.argv[4:5]))
