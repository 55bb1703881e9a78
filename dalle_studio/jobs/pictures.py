"""Picture work of a job, run in worker threads: encoding what is sent, decoding and placing what comes back."""

from __future__ import annotations

import io
import zlib
from dataclasses import dataclass

import numpy as np
from PIL import Image
from PySide6.QtGui import QImage

from dalle_studio.api.prepare import Placement, is_opaque, restore_region
from dalle_studio.core.images import open_image
from dalle_studio.document import mask_ops, pixels
from dalle_studio.document.compose import composite_through_mask
from dalle_studio.document.qimage import pil_to_qimage, qimage_to_pil
from dalle_studio.document.snapshot import Snapshot


def to_pil(image: QImage) -> Image.Image:
    """``image``'s pixels as a Pillow image for preparation, in one pass (no encoding): ARGB32 as RGBA (RGB when
    fully opaque), Alpha8 or Grayscale8 as L (0 = edit, as ``api.prepare.open_mask`` reads a grey mask); other
    formats converted."""
    size, stride = (image.width(), image.height()), image.bytesPerLine()
    if image.format() == QImage.Format.Format_ARGB32:  # little-endian memory order B, G, R, A
        if pixels.peek(image)[..., 3].min() == 255:  # opaque: RGB, which resizes without premultiplying alpha
            return Image.frombuffer("RGB", size, image.constBits(), "raw", "BGRX", stride, 1).copy()
        return qimage_to_pil(image)
    if image.format() in (QImage.Format.Format_Alpha8, QImage.Format.Format_Grayscale8):
        return Image.frombuffer("L", size, image.constBits(), "raw", "L", stride, 1).copy()
    return qimage_to_pil(image)


Pixels = np.ndarray | Image.Image


def send_pixels(snapshot: Snapshot, with_mask: bool) -> tuple[Pixels, Pixels | None]:
    """The frame's picture and send mask (0 = regenerate) for preparation. An opaque frame inside the picture goes
    as read-only views of the snapshot's pixels (BGRA and the mask as painted: nothing to copy, convert or
    clear); otherwise the cut copies (transparent parts and what lies beyond the picture are to be regenerated).
    The views stay valid while ``snapshot`` lives (its images never change)."""
    if not snapshot.reaches_beyond and snapshot.picture.format() == QImage.Format.Format_ARGB32 \
            and snapshot.mask.format() == QImage.Format.Format_Alpha8:
        picture = pixels.peek(snapshot.picture, snapshot.frame)
        if is_opaque(picture):
            return picture, pixels.peek(snapshot.mask, snapshot.frame) if with_mask else None
    return to_pil(snapshot.framed_picture()), to_pil(snapshot.send_mask()) if with_mask else None


def lineage(snapshot: Snapshot, with_mask: bool) -> tuple[QImage, QImage, bytes, bytes | None]:
    """What filing the results needs: the frame's picture and send mask as images (results are placed on and
    composited through them), and their PNGs for the library's lineage (the mask file made from the send mask
    cut once, not again)."""
    framed, keep = snapshot.framed_picture(), snapshot.send_mask()
    mask_png = _png(Image.fromarray(mask_ops.to_rgba(pixels.peek(keep)), "RGBA")) if with_mask else None
    return framed, keep, png_bytes(framed), mask_png


def _png(image: Image.Image) -> bytes:
    """A PNG at the request path's effort (fast deflate of filtered rows: the library keeps it as it is)."""
    buffer = io.BytesIO()
    image.save(buffer, "PNG", compress_level=1, compress_type=zlib.Z_RLE)
    return buffer.getvalue()


def png_bytes(image: QImage) -> bytes:
    """``image`` as a PNG (fast compression)."""
    return _png(qimage_to_pil(image))


def decode(data: bytes, decoded: Image.Image | None = None) -> QImage:
    """A result or partial image file (PNG/JPEG/WebP) as an ARGB32 QImage; ``decoded``: its pixels, when the api
    layer's check has decoded them already (``ResultImage.take_pixels``)."""
    opened = decoded if decoded is not None else open_image(data, "The result").rgba
    return pil_to_qimage(opened)


def thumbnail(image: QImage, side: int = 112) -> QImage:
    """A small ARGB32 copy for lists (smooth, aspect kept). Pillow scales it from the image's own memory, letting
    the interpreter go as it works (``QImage.scaled`` of a 4K result kept it 10-45 ms: see ``document.qimage``)."""
    if image.isNull():
        return QImage()
    if image.format() != QImage.Format.Format_ARGB32:
        image = image.convertToFormat(QImage.Format.Format_ARGB32)
    width, height = image.width(), image.height()
    scale = min(side / width, side / height, 1.0)
    size = (max(1, round(width * scale)), max(1, round(height * scale)))
    # B, G, R, A read as R, G, B, A: channel order means nothing to scaling, and the bytes go back as they were
    mapped = Image.frombuffer("RGBA", (width, height), pixels.peek(image), "raw", "RGBA", image.bytesPerLine(), 1)
    small = mapped.resize(size, Image.Resampling.LANCZOS, reducing_gap=2.0)
    return pixels.from_array(np.asarray(small), QImage.Format.Format_ARGB32)


def place_in_frame(data: bytes, placement: Placement, framed: QImage, decoded: Image.Image | None = None) -> QImage:
    """The model's picture mapped back onto the frame it was made for, at the frame's size in document pixels.

    Where the request cropped the frame to the model's shape, the uncovered edges keep the frame's own pixels.
    ``decoded``: as for :func:`decode`.
    """
    region, box = restore_region(decoded if decoded is not None else open_image(data, "The result").rgba, placement)
    base = qimage_to_pil(framed)
    if base.size != placement.source_size:
        base = base.resize(placement.source_size, Image.Resampling.LANCZOS)
    base.paste(region, box[:2])
    if base.size != (framed.width(), framed.height()):
        base = base.resize((framed.width(), framed.height()), Image.Resampling.LANCZOS)
    return pil_to_qimage(base)


@dataclass
class ResultImages:
    """A result's full-size images as a job stages them."""

    raw: QImage
    composited: QImage | None = None
    drift: QImage | None = None
    drift_share: float | None = None


def result_images(data: bytes, decoded: Image.Image | None, framed: QImage | None, keep: QImage | None,
                  placement: Placement | None) -> ResultImages:
    """A result file's images: decoded (generations), placed in the frame it was made for (variations; edits
    without a mask to keep), and for edits (``keep``: the send mask) composited through the mask, with its drift.
    ``decoded``: as for :func:`decode`. The workflow stages arriving results with it, and results let go of are
    remade with it from the library's file."""
    if framed is None or placement is None:
        return ResultImages(decode(data, decoded))
    raw = place_in_frame(data, placement, framed, decoded)
    if keep is None:
        return ResultImages(raw)
    drift_overlay, share = drift(raw, framed, keep)
    return ResultImages(raw, composite(raw, framed, keep), drift_overlay, share)


def composite(raw: QImage, framed: QImage, keep: QImage) -> QImage:
    """``raw`` pasted into ``framed`` through ``keep`` (Alpha8; 0 = take raw), as the canvas would accept it. Only
    the box around what the mask changes is blended (a 4K frame blended whole took 1.5 s a result)."""
    ours = pixels.peek(framed.convertToFormat(QImage.Format.Format_ARGB32))
    theirs = pixels.peek(raw.convertToFormat(QImage.Format.Format_ARGB32))
    mask = pixels.peek(keep)
    out = ours.copy()
    changed = mask < 255
    rows, cols = np.flatnonzero(changed.any(axis=1)), np.flatnonzero(changed.any(axis=0))
    if rows.size:
        box = np.s_[rows[0] : rows[-1] + 1, cols[0] : cols[-1] + 1]
        out[box] = composite_through_mask(ours[box], theirs[box], mask[box])
    return pixels.from_array(out, QImage.Format.Format_ARGB32)


def drift(raw: QImage, framed: QImage, keep: QImage, threshold: int = 12) -> tuple[QImage, float]:
    """Where ``raw`` changed pixels the mask (``keep``, Alpha8) said to keep: an overlay (red, alpha by the size
    of the change) and the share of kept pixels that drifted visibly."""
    ours = pixels.read(framed.convertToFormat(QImage.Format.Format_ARGB32)).astype(np.int16)
    theirs = pixels.read(raw.convertToFormat(QImage.Format.Format_ARGB32)).astype(np.int16)
    kept = pixels.read(keep) == 255
    change = np.abs(ours[..., :3] - theirs[..., :3]).max(axis=2)
    drifted = (change > threshold) & kept
    overlay = np.zeros(ours.shape, np.uint8)
    overlay[..., 2] = 255  # red, in ARGB32's BGRA memory order
    overlay[..., 3] = np.where(drifted, np.clip(80 + change, 0, 255), 0).astype(np.uint8)
    share = float(drifted.sum()) / max(1, int(kept.sum()))
    return pixels.from_array(overlay, QImage.Format.Format_ARGB32), share
