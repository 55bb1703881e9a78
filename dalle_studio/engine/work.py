"""One validated request turned into encoded result pictures: decode, fill or vary, encode, base64.

These functions block (CPU-bound) and run in the server's worker threads, never on its event loop.
"""

from __future__ import annotations

import base64
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from dalle_studio.api.models import ModelSpec
from dalle_studio.api.requests import EditRequest, VariationRequest
from dalle_studio.engine import edits, pictures

EncodedCallback = Callable[[int, str], None]


@dataclass(frozen=True)
class Outcome:
    """Encoded results and the settings actually used (echoed in the response)."""

    images: list[bytes]
    width: int
    height: int
    output_format: str
    transparent: bool

    @property
    def size(self) -> str:
        return f"{self.width}x{self.height}"

    @property
    def b64(self) -> list[str]:
        return [base64.b64encode(data).decode("ascii") for data in self.images]


def edit(req: EditRequest, spec: ModelSpec, seed: int, *, max_pixels: int = pictures.MAX_PIXELS,
         on_partial: EncodedCallback | None = None) -> Outcome:
    """Fill ``req``'s first picture where its mask (or its own alpha) is transparent, ``req.n`` times.

    ``on_partial(index, b64)`` receives encoded coarse stages when ``req.partial_images`` asks for them.
    """
    image = pictures.decode(req.images[0].data, "image[]" if req.sends_list else "image", max_pixels=max_pixels)
    mask = pictures.decode(req.mask.data, "mask", max_pixels=max_pixels) if req.mask is not None else None
    for extra in req.images[1:]:
        # Reference pictures cannot steer classical fill, but a broken one is still refused like the real API does.
        pictures.decode(extra.data, "image[]", max_pixels=max_pixels)
    width, height = pictures.output_size(req.size, spec.default_size, (image.shape[1], image.shape[0]))
    output_format = req.output_format or "png"
    keep_alpha = output_format != "jpeg" and _keeps_alpha(req.background, image, mask)
    encode = _encoder(output_format, req.output_compression, keep_alpha)
    job = edits.EditJob(image=image, mask=mask, size=(width, height), n=req.n or 1, seed=seed,
                        keep_alpha=keep_alpha, partial_images=(req.partial_images or 0) if req.stream else 0)
    partial = None
    if on_partial is not None:
        def partial(index: int, rgba: np.ndarray) -> None:
            on_partial(index, base64.b64encode(encode(rgba)).decode("ascii"))
    results = edits.run_edit(job, partial)
    return Outcome([encode(r) for r in results], width, height, output_format, keep_alpha)


def variation(req: VariationRequest, spec: ModelSpec, seed: int, *, max_pixels: int = pictures.MAX_PIXELS) -> Outcome:
    """``req.n`` variations of ``req.image`` at the requested size, as PNG."""
    image = pictures.decode(req.image.data, "image", max_pixels=max_pixels)
    width, height = pictures.output_size(req.size, spec.default_size, (image.shape[1], image.shape[0]))
    encode = _encoder("png", None, False)
    results = edits.run_variations(image, (width, height), req.n or 1, seed)
    return Outcome([encode(r) for r in results], width, height, "png", False)


def _keeps_alpha(background: str | None, image: np.ndarray, mask: np.ndarray | None) -> bool:
    """Transparent output when asked; with ``auto`` when the picture has transparency the mask keeps."""
    if background == "transparent":
        return True
    if background == "opaque" or mask is None:
        return False
    kept = mask[..., 3] == 255
    return bool((pictures.fit_cover(image, mask.shape[1::-1])[..., 3][kept] < 255).any())


def _encoder(output_format: str, compression: int | None, keep_alpha: bool) -> Callable[[np.ndarray], bytes]:
    def encode(rgba: np.ndarray) -> bytes:
        return pictures.encode(rgba, output_format, compression, keep_alpha=keep_alpha)

    return encode
