"""Small pixel conversions shared by export and thumbnails."""

from __future__ import annotations

from PIL import Image


def to_rgb(image: Image.Image, background: tuple[int, int, int]) -> Image.Image:
    """``image`` as RGB; transparent parts are laid over ``background`` (formats without alpha need this)."""
    if image.mode in ("RGBA", "LA", "P", "PA"):
        rgba = image.convert("RGBA")
        flat = Image.new("RGB", rgba.size, background)
        flat.paste(rgba, mask=rgba.getchannel("A"))
        return flat
    return image if image.mode == "RGB" else image.convert("RGB")
