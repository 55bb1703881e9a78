"""Preparation of pictures for an edit or a variation: what the model accepts, made from memory (no temporary files).

Synchronous and CPU-bound: call these from a worker thread (:mod:`dalle_studio.core.work`); the async client does.

Public API:

Pictures come as encoded bytes, Pillow images, or pixel arrays in OpenCV's order ((h, w, 4) BGRA, as a Qt ARGB32
image lies in memory, or (h, w, 3) BGR; masks (h, w), 0 = edit). Arrays may be read-only views with row strides
(a frame cut from a bigger picture): an opaque one is resized by OpenCV straight from the view, no copy.

- :func:`open_picture` — bytes or a Pillow image → RGBA with the EXIF orientation applied (JPEGs decoded at reduced
  scale when a target size is given, which is what makes a 4096x4096 photo fast).
- :func:`choose_size` — the allowed size closest to a picture's shape for a model (list or ``WxH`` rule).
- :func:`open_mask` — bytes or a Pillow image → one channel, 0 = edit (the alpha, or the grey level).
- :func:`fit_picture` — crop or pad to the target's shape and resize to it; returns the :class:`Placement`.
- :func:`fit_mask` — the mask through the same :class:`Placement` (alpha 0 = edit; padding is never edited).
- :func:`encode_png_under` — PNG under a byte limit: fast compression, then full effort, then fewer colours; ``None``
  when it cannot fit (the caller then goes smaller).
- :func:`prepare_edit`, :func:`prepare_variation` — the whole pipeline → :class:`PreparedEdit` (image, mask, size,
  placement, extra input images) ready for :class:`~dalle_studio.api.requests.EditRequest`.
- :func:`restore_region` — a result picture mapped back onto the source picture's geometry, for compositing.
"""

from __future__ import annotations

import io
import math
import zlib
from dataclasses import dataclass
from typing import Literal

import numpy as np
from PIL import Image, ImageOps

from dalle_studio.api.models import ModelSpec, parse_size
from dalle_studio.api.requests import ImageFile
from dalle_studio.core import work
from dalle_studio.core.images import ALPHA_MODES, OpenedImage, mask_channel, open_image, read_header, to_rgba

Fit = Literal["crop", "pad"]
Picture = bytes | Image.Image | np.ndarray
Box = tuple[int, int, int, int]
DEFAULT_TARGET_PIXELS = 1024 * 1024
# Shrink by whole factors with a box filter first (exact area averages: no aliasing), then Lanczos for the rest:
# 4096 -> 1024 costs ~80 ms instead of ~220 ms for Lanczos all the way, with no visible difference at the target.
REDUCING_GAP = 1.0


class PreparationError(ValueError):
    """The picture cannot be prepared (unreadable, too large, cannot fit the byte limit)."""


@dataclass(frozen=True)
class Placement:
    """How the source picture maps onto the target: ``source_box`` (in source pixels) is scaled into
    ``target_box`` (in target pixels); outside ``target_box`` is padding."""

    source_size: tuple[int, int]
    target_size: tuple[int, int]
    source_box: Box
    target_box: Box
    fit: Fit


@dataclass(frozen=True)
class PreparedEdit:
    """What to upload: the first image (and its mask) at ``size``, then any further input images."""

    image: ImageFile
    mask: ImageFile | None
    size: str
    placement: Placement
    extra: tuple[ImageFile, ...] = ()

    @property
    def images(self) -> tuple[ImageFile, ...]:
        return (self.image, *self.extra)


def open_picture(source: Picture, *, draft_to: tuple[int, int] | None = None,
                 max_pixels: int | None = None) -> Image.Image | np.ndarray:
    """An RGBA picture with its EXIF orientation applied (opened by :mod:`dalle_studio.core.images`). ``draft_to``
    lets JPEG decoding skip resolution that the target does not need. An opaque pixel array is returned as it is
    (see the module's note); one with transparency as RGBA. Raises
    :class:`~dalle_studio.core.images.ImageOpenError` for unreadable or oversized pictures."""
    if isinstance(source, np.ndarray):
        if not is_opaque(source):
            # Transparency: Pillow resizes with the alpha premultiplied (no colour bleeding from clear pixels).
            return Image.fromarray(_to_rgb_order(source), "RGBA")
        return source
    if isinstance(source, Image.Image):
        if source.mode in ("RGB", "RGBA") and not source.info:
            # Pixels from the canvas (upright sRGB already): used as they are; RGB stays RGB, which resizes
            # without the alpha premultiplication (about 4x faster), and fit_picture returns RGBA.
            return source
        return to_rgba(source)
    return open_image(source, "The picture", max_pixels=max_pixels, draft_to=draft_to).rgba


def is_opaque(array: np.ndarray) -> bool:
    """True when a pixel array (see the module's note) has no alpha below 255. Reads BGRA pixels as 32-bit words
    (alpha is the high byte): one pass, no copy, several times faster than the alpha channel's minimum."""
    if array.ndim != 3 or array.shape[2] != 4:
        return True
    if array.strides[2] == 1 and array.strides[1] == 4 and array.dtype == np.uint8:
        words = array.view("<u4")  # (h, w, 1), the rows' stride kept
        return bool(words.min() >= 0xFF000000)
    return bool(array[..., 3].min() == 255)


def open_mask(source: Picture, *, max_pixels: int | None = None) -> Image.Image | np.ndarray:
    """The mask as one 8-bit channel, 0 = edit: the alpha of a picture that has one, else its grey level (an
    (h, w) array is that channel already)."""
    if isinstance(source, np.ndarray):
        return source
    if isinstance(source, Image.Image):
        if source.mode == "L" and not source.info:  # the canvas's mask as pixels: its grey level is the mask
            return source
        had_alpha = source.mode in ALPHA_MODES or "transparency" in source.info
        return mask_channel(OpenedImage(to_rgba(source), "", source.mode, had_alpha))
    return mask_channel(open_image(source, "The mask", max_pixels=max_pixels))


def choose_size(spec: ModelSpec, width: int, height: int, *, target_pixels: int = DEFAULT_TARGET_PIXELS) -> str:
    """The size to ask for: with a ``WxH`` rule, the picture's shape at about ``target_pixels`` (multiples of the
    rule, ratio clamped); otherwise the listed size closest in shape (the largest on a tie)."""
    aspect = width / height
    rule = spec.size_rule
    if rule is not None:
        if rule.max_ratio is not None:
            aspect = min(max(aspect, 1 / rule.max_ratio), rule.max_ratio)
        pixels = target_pixels if rule.max_pixels is None else min(target_pixels, rule.max_pixels)
        step = max(rule.multiple, 1)
        w = max(step, round(math.sqrt(pixels * aspect) / step) * step)
        h = max(step, round(math.sqrt(pixels / aspect) / step) * step)
        while rule.problem(w, h) is not None and w > step and h > step:
            w, h = max(step, (w * 15 // 16) // step * step), max(step, (h * 15 // 16) // step * step)
        return f"{w}x{h}"
    candidates = [(s, parse_size(s)) for s in spec.sizes]
    sized = [(s, wh) for s, wh in candidates if wh is not None]
    if not sized:
        return spec.default_size

    def score(item: tuple[str, tuple[int, int]]) -> tuple[float, int]:
        (w, h) = item[1]
        return abs(math.log((w / h) / (width / height))), -(w * h)

    return min(sized, key=score)[0]


def _placement(src: tuple[int, int], dst: tuple[int, int], fit: Fit) -> Placement:
    sw, sh = src
    dw, dh = dst
    if fit == "crop":
        scale = max(dw / sw, dh / sh)
        cw, ch = min(sw, round(dw / scale)), min(sh, round(dh / scale))
        left, top = (sw - cw) // 2, (sh - ch) // 2
        return Placement(src, dst, (left, top, left + cw, top + ch), (0, 0, dw, dh), fit)
    scale = min(dw / sw, dh / sh)
    tw, th = max(1, round(sw * scale)), max(1, round(sh * scale))
    left, top = (dw - tw) // 2, (dh - th) // 2
    return Placement(src, dst, (0, 0, sw, sh), (left, top, left + tw, top + th), fit)


def _size_of(img: Image.Image | np.ndarray) -> tuple[int, int]:
    return (img.shape[1], img.shape[0]) if isinstance(img, np.ndarray) else img.size


def _to_rgb_order(array: np.ndarray) -> np.ndarray:
    import cv2  # imported on first use: it costs start-up time

    return cv2.cvtColor(array, cv2.COLOR_BGRA2RGBA if array.shape[2] == 4 else cv2.COLOR_BGR2RGB)


def _resize_array(array: np.ndarray, box: Box, size: tuple[int, int]) -> np.ndarray:
    """``box`` of ``array`` resized to ``size``: area averages when shrinking (no aliasing; OpenCV reads the strided
    view as it is), Lanczos when enlarging. Shrinking halves first while it can: bilinear at exactly half the size
    averages each 2x2 block, the same as area averaging and several times faster (4096 -> 1024: ~20 ms, not ~70)."""
    import cv2

    left, top, right, bottom = box
    region = array[top:bottom, left:right]
    if size[0] > right - left or size[1] > bottom - top:
        return cv2.resize(region, size, interpolation=cv2.INTER_LANCZOS4)
    while region.shape[1] >= 2 * size[0] and region.shape[0] >= 2 * size[1]:
        region = cv2.resize(region, (region.shape[1] // 2, region.shape[0] // 2), interpolation=cv2.INTER_LINEAR)
    return cv2.resize(region, size, interpolation=cv2.INTER_AREA)


def fit_picture(img: Image.Image | np.ndarray, size: tuple[int, int],
                fit: Fit = "crop") -> tuple[Image.Image, Placement]:
    """``img`` cropped (centre) or padded (average colour, opaque) to ``size``'s shape and resized to it; RGBA."""
    placement = _placement(_size_of(img), size, fit)
    tb = placement.target_box
    if isinstance(img, np.ndarray):  # opaque pixels (open_picture): resized, then made RGBA at the target's size
        import cv2

        small = _resize_array(img, placement.source_box, (tb[2] - tb[0], tb[3] - tb[1]))
        code = cv2.COLOR_BGRA2RGBA if small.shape[2] == 4 else cv2.COLOR_BGR2RGBA
        if fit == "crop":
            return Image.fromarray(cv2.cvtColor(small, code), "RGBA"), placement
        blue, green, red = cv2.mean(small)[:3]
        canvas = np.empty((size[1], size[0], 4), np.uint8)
        canvas[...] = (round(red), round(green), round(blue), 255)
        cv2.cvtColor(small, code, dst=canvas[tb[1]:tb[3], tb[0]:tb[2]])
        return Image.fromarray(canvas, "RGBA"), placement
    region = img.resize((tb[2] - tb[0], tb[3] - tb[1]), Image.Resampling.LANCZOS, box=placement.source_box,
                        reducing_gap=REDUCING_GAP)
    if region.mode != "RGBA":
        region = region.convert("RGBA")  # at the target's size: cheap
    if fit == "crop":
        return region, placement
    average = region.convert("RGB").resize((1, 1), Image.Resampling.BOX).getpixel((0, 0))
    fill = (*average, 255) if isinstance(average, tuple) else (0, 0, 0, 255)
    canvas = Image.new("RGBA", size, fill)
    canvas.paste(region, tb[:2])
    return canvas, placement


def fit_mask(mask: Image.Image | np.ndarray, placement: Placement) -> Image.Image:
    """The mask (from :func:`open_mask`) resized through ``placement``: an RGBA picture whose alpha is the mask
    (0 = edit); padding is kept (alpha 255), so the model never spends effort on it."""
    mask_size = _size_of(mask)
    if mask_size != placement.source_size:
        raise PreparationError(f"the mask is {mask_size[0]}x{mask_size[1]} but the picture is "
                               f"{placement.source_size[0]}x{placement.source_size[1]}")
    tb = placement.target_box
    if isinstance(mask, np.ndarray):
        region = Image.fromarray(_resize_array(mask, placement.source_box, (tb[2] - tb[0], tb[3] - tb[1])), "L")
    else:
        alpha = mask if mask.mode == "L" else open_mask(mask)
        region = alpha.resize((tb[2] - tb[0], tb[3] - tb[1]), Image.Resampling.BILINEAR, box=placement.source_box,
                              reducing_gap=REDUCING_GAP)
    full = Image.new("L", placement.target_size, 255)
    full.paste(region, tb[:2])
    out = Image.new("RGBA", placement.target_size, (0, 0, 0, 255))
    out.putalpha(full)
    return out


def _fewer_colours(img: Image.Image, bits: int) -> Image.Image:
    """Posterise the colour channels to ``bits`` bits, keeping RGBA and the alpha as it is."""
    keep = 0xFF & ~((1 << (8 - bits)) - 1)
    lut = [x & keep for x in range(256)]
    r, g, b, a = img.split()
    return Image.merge("RGBA", (r.point(lut), g.point(lut), b.point(lut), a))


def encode_png_under(img: Image.Image, max_bytes: int) -> bytes | None:
    """A PNG of ``img`` smaller than ``max_bytes``: fast compression first, then full effort, then fewer colours.
    ``None`` when none of these fits (go to a smaller size)."""
    # Run-length deflate after PNG filtering is the fastest effort that compresses both photos (1024x1024: ~90 ms,
    # 1.4 MB) and flat masks (~20 ms, a few kB) well; full deflate at level 9 is the slow, thorough second try.
    for options in ({"compress_level": 1, "compress_type": zlib.Z_RLE}, {"compress_level": 9}):
        buf = io.BytesIO()
        img.save(buf, "PNG", **options)
        if buf.tell() < max_bytes:
            return buf.getvalue()
    rgba = img if img.mode == "RGBA" else img.convert("RGBA")
    for bits in (6, 5, 4, 3):
        buf = io.BytesIO()
        _fewer_colours(rgba, bits).save(buf, "PNG", compress_level=9)
        if buf.tell() < max_bytes:
            return buf.getvalue()
    return None


def _smaller_size(spec: ModelSpec, size: tuple[int, int]) -> tuple[int, int] | None:
    """The next smaller size of the same shape the model allows, or ``None``."""
    w, h = size
    if spec.size_rule is not None:
        step = max(spec.size_rule.multiple, 1)
        nw, nh = (w * 3 // 4) // step * step, (h * 3 // 4) // step * step
        return (nw, nh) if nw >= step and nh >= step else None
    smaller = [wh for wh in (parse_size(s) for s in spec.sizes)
               if wh is not None and wh[0] * h == wh[1] * w and wh[0] < w]
    return max(smaller, default=None)


def prepare_edit(source: Picture, mask: Picture | None, spec: ModelSpec, *,
                 size: str | None = None, fit: Fit = "crop", extra: tuple[bytes | Image.Image, ...] = (),
                 target_pixels: int = DEFAULT_TARGET_PIXELS) -> PreparedEdit:
    """The picture (and mask, alpha 0 = edit, same size as the picture) made ready for ``spec``: oriented, RGBA,
    fitted to ``size`` (chosen from the picture's shape when ``None``/``"auto"``), PNG-encoded under the model's
    limit, going to smaller allowed sizes until it fits. ``extra`` pictures (GPT Image) are only oriented, limited
    to the target's long side and encoded."""
    if isinstance(source, np.ndarray):
        src_w, src_h = _size_of(source)
    elif isinstance(source, Image.Image):
        src_w, src_h = source.size[::-1] if _has_rotation(source) else source.size
    else:
        src_w, src_h = read_header(source, "The picture").size
    target = parse_size(size) if size and size != "auto" else None
    if target is None:
        target = parse_size(choose_size(spec, src_w, src_h, target_pixels=target_pixels))
    assert target is not None
    source_size = (src_w, src_h)

    def mask_png_for(size_now: tuple[int, int], opened: work.Started[Image.Image]) -> bytes | None:
        mask_img = opened.result()
        if _size_of(mask_img) != source_size:
            mask_w, mask_h = _size_of(mask_img)
            raise PreparationError(f"the mask is {mask_w}x{mask_h} but the picture is "
                                   f"{src_w}x{src_h}; they must be the same size")
        return encode_png_under(fit_mask(mask_img, _placement(source_size, size_now, fit)), spec.mask_max_bytes)

    # Decoders and encoders release the GIL: the mask is decoded, fitted and encoded alongside the picture, on the
    # shared background pool (done here instead when no thread is free for it).
    opened_mask = work.start(open_mask, mask) if mask is not None else None
    picture = open_picture(source, draft_to=target)
    size_now: tuple[int, int] | None = target
    while size_now is not None:
        mask_job = work.start(mask_png_for, size_now, opened_mask) if opened_mask is not None else None
        fitted, placement = fit_picture(picture, size_now, fit)
        placement = _in_source_pixels(placement, source_size)
        image_png = encode_png_under(fitted, spec.max_input_bytes)
        mask_png = mask_job.result() if mask_job is not None else None
        if image_png is not None and (mask_job is None or mask_png is not None):
            size_text = f"{size_now[0]}x{size_now[1]}"
            extras = tuple(_prepare_extra(x, spec, max(size_now), i) for i, x in enumerate(extra, start=2))
            return PreparedEdit(
                image=ImageFile(image_png, "image.png", "image/png", size=size_now, alpha=True),
                mask=ImageFile(mask_png, "mask.png", "image/png", size=size_now, alpha=True)
                if mask_png is not None else None,
                size="auto" if size == "auto" and spec.allows_size("auto") else size_text,
                placement=placement, extra=extras,
            )
        size_now = _smaller_size(spec, size_now)
    raise PreparationError(f"the picture cannot be made smaller than {spec.max_input_bytes:,} bytes for {spec.id}")


def prepare_variation(source: Picture, spec: ModelSpec, *, size: str | None = None) -> PreparedEdit:
    """The picture as a variation needs it (dall-e-2: a square PNG under 4 MB): centre-cropped and resized."""
    return prepare_edit(source, None, spec, size=size, fit="crop")


def _in_source_pixels(placement: Placement, source_size: tuple[int, int]) -> Placement:
    """``placement`` computed on a picture decoded at reduced scale, expressed in the full source's pixels."""
    if placement.source_size == source_size:
        return placement
    fx, fy = source_size[0] / placement.source_size[0], source_size[1] / placement.source_size[1]
    left, top, right, bottom = placement.source_box
    box = (round(left * fx), round(top * fy), round(right * fx), round(bottom * fy))
    return Placement(source_size, placement.target_size, box, placement.target_box, placement.fit)


def _has_rotation(img: Image.Image) -> bool:
    return img.getexif().get(0x0112, 1) in {5, 6, 7, 8}


def _prepare_extra(source: bytes | Image.Image, spec: ModelSpec, long_side: int, number: int) -> ImageFile:
    img = open_picture(source, draft_to=(long_side, long_side))
    if max(img.size) > long_side:
        img = ImageOps.contain(img, (long_side, long_side), Image.Resampling.LANCZOS)
    data = encode_png_under(img, spec.max_input_bytes)
    if data is None:
        raise PreparationError(f"input picture {number} cannot be made small enough for {spec.id}")
    return ImageFile(data, f"image-{number}.png", "image/png")


def restore_region(result: Image.Image, placement: Placement) -> tuple[Image.Image, Box]:
    """The part of ``result`` that shows the source, resized back to source pixels, and the source box it covers."""
    if result.size != placement.target_size:
        result = result.resize(placement.target_size, Image.Resampling.LANCZOS)
    sb = placement.source_box
    region = result.crop(placement.target_box).resize((sb[2] - sb[0], sb[3] - sb[1]), Image.Resampling.LANCZOS)
    return region, sb
