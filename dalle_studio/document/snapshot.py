"""What the workflow sends: an immutable copy of the picture, mask, frame and prompt at one moment."""

from __future__ import annotations

from dataclasses import dataclass

from PySide6.QtCore import QPoint, QRect
from PySide6.QtGui import QImage

from dalle_studio.document import mask_ops, pixels


class StaleSnapshotError(RuntimeError):
    """A result arrived for a picture that is no longer open."""


@dataclass(frozen=True)
class Snapshot:
    """The document at one moment. Its images are private copies (shared copy-on-write with the document, so
    taking one is free); do not write to them.

    ``picture`` (ARGB32) and ``mask`` (Alpha8, 0 = regenerate) are whole; ``frame`` is the region to send, in
    their coordinates, possibly reaching beyond them. ``origin`` and ``generation`` let the document place a
    result correctly even after the canvas has grown (see ``Document.apply_result``).
    """

    picture: QImage
    mask: QImage
    frame: QRect
    prompt: str
    origin: QPoint
    generation: int

    @property
    def reaches_beyond(self) -> bool:
        """True when part of the frame lies outside the picture (outpainting)."""
        return not self.picture.rect().contains(self.frame)

    def framed_picture(self) -> QImage:
        """The picture cut to the frame (ARGB32); the part beyond the picture is transparent."""
        return self.picture.copy(self.frame)

    def send_mask(self) -> QImage:
        """The mask cut to the frame (Alpha8): the painted mask, and 0 (regenerate) wherever the picture is fully
        transparent, including everything beyond the picture."""
        mask = self.mask.copy(self.frame)  # Qt fills outside the image with 0
        framed = self.framed_picture()  # kept alive while its pixels are viewed (no second copy)
        alpha = pixels.peek(framed)[..., 3]
        values = pixels.view(mask)
        values[alpha == 0] = 0
        return mask

    def framed_mask(self) -> QImage:
        """The mask file the Images API takes for the frame: black, alpha 0 where to regenerate (RGBA8888)."""
        return pixels.from_array(mask_ops.to_rgba(pixels.read(self.send_mask())), QImage.Format.Format_RGBA8888)

    def has_mask(self) -> bool:
        """True when something in the frame is to be regenerated: painted, beyond the picture, or transparent.
        Reads views of the pixels (no copies): it runs on the UI thread when a job is started."""
        if self.reaches_beyond:
            return True
        if (pixels.peek(self.mask, self.frame) < 255).any():
            return True
        return bool((pixels.peek(self.picture, self.frame)[..., 3] == 0).any())

