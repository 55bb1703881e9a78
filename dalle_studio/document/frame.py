"""The frame: the region of the canvas sent to the model, and the shapes the active model allows.

The document keeps the frame as a plain rectangle in picture coordinates (it may reach beyond the picture, for
outpainting). Which shapes are allowed is the caller's knowledge (the model table lives in the api layer): it hands
a :class:`FrameSizes` to the canvas, which keeps the frame's aspect to one of them.
"""

from __future__ import annotations

from dataclasses import dataclass

from PySide6.QtCore import QPoint, QRect, QSize


@dataclass(frozen=True)
class FrameShape:
    """One shape the frame may take: a named aspect, sent at ``size`` (or at the frame's own size when free)."""

    label: str
    size: QSize | None  # None: free, any aspect

    @property
    def free(self) -> bool:
        return self.size is None


@dataclass(frozen=True)
class FrameSizes:
    """The sizes a model accepts. ``free`` adds a free shape, sent at the frame's size rounded to ``multiple``
    and kept within ``max_side``, ``max_pixels`` and ``max_ratio``."""

    sizes: tuple[tuple[int, int], ...] = ((1024, 1024), (1536, 1024), (1024, 1536))
    free: bool = True
    multiple: int = 16
    max_side: int = 3840
    max_pixels: int = 3840 * 2160
    max_ratio: float = 3.0
    min_pixels: int = 0  # gpt-image-2 and later refuse fewer than 655,360 pixels: small frames are sent larger

    def shapes(self) -> list[FrameShape]:
        shapes = [FrameShape(_label(w, h), QSize(w, h)) for w, h in self.sizes]
        if self.free:
            shapes.append(FrameShape("Free", None))
        return shapes

    def send_size(self, frame: QSize, shape: FrameShape | None = None) -> QSize:
        """The size a frame of ``frame`` px is scaled to before sending."""
        if shape is not None:
            return QSize(shape.size) if shape.size is not None else self._free_size(frame)
        exact = [(w, h) for w, h in self.sizes if w * frame.height() == h * frame.width()]
        if exact:
            return QSize(*max(exact, key=lambda s: s[0] * s[1]))  # the largest: the most detail back
        return self._free_size(frame) if self.free else QSize(*self.nearest(frame))

    def shape_for(self, frame: QSize) -> int:
        """The index in :meth:`shapes` that fits a frame of ``frame`` px: the largest listed size of its exact
        aspect, else Free when allowed, else the nearest aspect."""
        shapes = self.shapes()
        exact = [i for i, s in enumerate(shapes) if s.size is not None
                 and s.size.width() * frame.height() == s.size.height() * frame.width()]
        if exact:
            return max(exact, key=lambda i: shapes[i].size.width() * shapes[i].size.height())
        if self.free:
            return len(shapes) - 1
        w, h = self.nearest(frame)
        return next(i for i, s in enumerate(shapes) if s.size == QSize(w, h))

    def nearest(self, frame: QSize) -> tuple[int, int]:
        """The listed size whose aspect is closest to ``frame``'s."""
        aspect = frame.width() / max(1, frame.height())
        return min(self.sizes, key=lambda s: abs(s[0] / s[1] - aspect))

    def _free_size(self, frame: QSize) -> QSize:
        w, h = max(1, frame.width()), max(1, frame.height())
        ratio = max(1 / self.max_ratio, min(self.max_ratio, w / h))
        if ratio != w / h:  # too narrow: widen the short side
            w, h = (round(h * ratio), h) if ratio > w / h else (w, round(w / ratio))
        scale = min(1.0, self.max_side / max(w, h), (self.max_pixels / (w * h)) ** 0.5)
        m = self.multiple
        if self.min_pixels and (w * scale) * (h * scale) < self.min_pixels:
            scale = (self.min_pixels / (w * h)) ** 0.5  # up to the minimum, rounded up so it is reached
            return QSize(max(m, -(-int(w * scale) // m) * m), max(m, -(-int(h * scale) // m) * m))
        return QSize(max(m, int(w * scale) // m * m), max(m, int(h * scale) // m * m))


def _label(w: int, h: int) -> str:
    kind = "Square" if w == h else "Landscape" if w > h else "Portrait"
    return f"{kind} {w}×{h}"


def fit_shape(rect: QRect, shape: FrameShape, anchor: QPoint | None = None) -> QRect:
    """``rect`` changed to ``shape``'s aspect with the same area, centred on ``anchor`` (default: its centre)."""
    if shape.size is None or rect.isEmpty():
        return QRect(rect)
    aspect = shape.size.width() / shape.size.height()
    area = rect.width() * rect.height()
    w = max(1, round((area * aspect) ** 0.5))
    h = max(1, round(w / aspect))
    centre = anchor if anchor is not None else rect.center()
    return QRect(centre.x() - w // 2, centre.y() - h // 2, w, h)


def drag_shape(start: QPoint, end: QPoint, shape: FrameShape) -> QRect:
    """The frame an artist draws by dragging from ``start`` to ``end``, held to ``shape``'s aspect."""
    dx, dy = end.x() - start.x(), end.y() - start.y()
    w, h = abs(dx), abs(dy)
    if shape.size is not None and (w or h):
        aspect = shape.size.width() / shape.size.height()
        if w / max(h, 1) > aspect:
            h = round(w / aspect)
        else:
            w = round(h * aspect)
    x = start.x() if dx >= 0 else start.x() - w
    y = start.y() if dy >= 0 else start.y() - h
    return QRect(x, y, max(w, 1), max(h, 1))
