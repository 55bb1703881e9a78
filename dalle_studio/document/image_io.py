"""Reading pictures from files, bytes and the clipboard into what the canvas shows: 8-bit RGBA.

Pillow does the decoding (PNG, JPEG, WebP, BMP, TIFF, GIF's first frame, and more). Every picture comes out as
straight-alpha RGBA with its EXIF orientation applied, embedded colour profiles converted to sRGB, and 16-bit,
palette, grey and CMYK data converted without colour or alpha errors. Failures raise :class:`ImageLoadError`
with a message that names the file and the reason, fit to show to the user as it is.
"""

from __future__ import annotations

import contextlib
import io
import logging
import os
import warnings
from dataclasses import dataclass
from pathlib import Path

from PIL import Image, ImageOps, UnidentifiedImageError

log = logging.getLogger(__name__)

OPEN_FILTER = "Pictures (*.png *.jpg *.jpeg *.webp *.bmp *.tif *.tiff *.gif);;All files (*)"
DEFAULT_MAX_PIXELS = 150_000_000


class ImageLoadError(Exception):
    """A picture could not be opened; ``str(error)`` is a complete message for the user."""

    def __init__(self, source: str, reason: str) -> None:
        super().__init__(f"{source} could not be opened: {reason}")
        self.source = source
        self.reason = reason


@dataclass(frozen=True)
class LoadedImage:
    """A decoded picture: RGBA pixels plus what the file said about itself."""

    rgba: Image.Image  # mode "RGBA", straight alpha, sRGB
    source_format: str  # e.g. "PNG", "JPEG"
    source_mode: str  # Pillow mode of the file, e.g. "I;16", "P", "CMYK"
    text: dict[str, str]  # PNG text chunks and similar metadata (for recalling prompts)

    @property
    def size(self) -> tuple[int, int]:
        return self.rgba.size


def load_image_file(path: str | os.PathLike[str], *, max_pixels: int = DEFAULT_MAX_PIXELS) -> LoadedImage:
    """Read the picture at ``path``; raises :class:`ImageLoadError` for every kind of bad file."""
    name = Path(path).name
    try:
        data = Path(path).read_bytes()
    except FileNotFoundError:
        raise ImageLoadError(name, "the file does not exist (it may have been moved or deleted)") from None
    except IsADirectoryError:
        raise ImageLoadError(name, "it is a folder, not a picture") from None
    except PermissionError:
        raise ImageLoadError(name, "permission denied: you are not allowed to read this file") from None
    except OSError as exc:
        raise ImageLoadError(name, f"the file cannot be read ({exc.strerror or exc})") from None
    return load_image_bytes(data, name, max_pixels=max_pixels)


def load_image_bytes(data: bytes, source: str = "The picture", *, max_pixels: int = DEFAULT_MAX_PIXELS) -> LoadedImage:
    """Decode ``data`` (the bytes of a picture file) named ``source`` in messages."""
    if not data:
        raise ImageLoadError(source, "the file is empty (0 bytes)")
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            image = Image.open(io.BytesIO(data))
            width, height = image.size
            if width * height > max_pixels:
                raise ImageLoadError(
                    source,
                    f"it is too large: {width}×{height} pixels is {width * height / 1e6:.0f} megapixels, more than "
                    f"the limit of {max_pixels / 1e6:.0f} megapixels (Preferences > Files)",
                )
            fmt = image.format or "unknown"
            mode = image.mode
            image.seek(0)  # GIF and other animations: the first frame
            image.load()
    except ImageLoadError:
        raise
    except UnidentifiedImageError:
        raise ImageLoadError(
            source, "it is not a picture in a format DALL·E Studio can open (PNG, JPEG, WebP, BMP, TIFF or GIF)"
        ) from None
    except (Image.DecompressionBombError, Image.DecompressionBombWarning):
        raise ImageLoadError(source, "it is too large to open safely (a possible decompression bomb)") from None
    except (OSError, SyntaxError, ValueError, EOFError) as exc:
        log.info("decode of %s failed: %s", source, exc)
        raise ImageLoadError(source, "the file is damaged or incomplete") from None
    except MemoryError:
        raise ImageLoadError(source, "there is not enough memory to open it") from None
    text = {k: v for k, v in image.info.items() if isinstance(k, str) and isinstance(v, str)}
    if "parameters" not in text and (comment := _exif_user_comment(image)):
        text["parameters"] = comment  # JPEG/WebP exports (ours and other tools') carry the prompt here
    try:
        rgba = to_rgba(image)
    except (OSError, ValueError) as exc:
        log.info("conversion of %s failed: %s", source, exc)
        raise ImageLoadError(source, f"its pixel format ({mode}) is not supported") from None
    return LoadedImage(rgba=rgba, source_format=fmt, source_mode=mode, text=text)


def _exif_user_comment(image: Image.Image) -> str | None:
    """EXIF UserComment text (UNICODE = UTF-16 big-endian, or ASCII), or None."""
    try:
        raw = image.getexif().get_ifd(0x8769).get(0x9286)
    except (OSError, ValueError, TypeError, SyntaxError):
        return None
    if not isinstance(raw, bytes) or len(raw) <= 8:
        return None
    prefix, body = raw[:8], raw[8:]
    try:
        if prefix == b"UNICODE\x00":
            return body.decode("utf-16-be").rstrip("\x00") or None
        if prefix == b"ASCII\x00\x00\x00":
            return body.decode("ascii").rstrip("\x00") or None
    except UnicodeDecodeError:
        return None
    return None


def to_rgba(image: Image.Image) -> Image.Image:
    """Convert any Pillow image to upright, sRGB, straight-alpha 8-bit RGBA."""
    # A damaged EXIF block: show the picture unrotated rather than not at all.
    with contextlib.suppress(ValueError, OSError, TypeError):
        image = ImageOps.exif_transpose(image)
    image = _to_srgb(image)
    mode = image.mode
    if mode == "RGBA":
        return image.copy()
    if mode in ("I;16", "I;16B", "I;16L", "I;16N", "I"):
        return _high_bit_grey_to_rgba(image)
    if mode == "F":
        import numpy as np  # imported on first use: it costs start-up time

        arr = np.clip(np.asarray(image, dtype=np.float32), 0.0, 255.0 if np.nanmax(image) > 1.0 else 1.0)
        scale = 1.0 if arr.max(initial=0) > 1.0 else 255.0
        grey = Image.fromarray(np.round(arr * scale).astype(np.uint8), "L")
        return grey.convert("RGBA")
    if mode == "P":
        return image.convert("RGBA")  # honours the palette's transparency
    if mode in ("1", "L", "LA", "La", "RGB", "RGBa", "RGBX", "YCbCr", "LAB", "HSV"):
        if mode == "La":
            image = image.convert("LA")
        if mode == "RGBa":
            image = image.convert("RGBA")
        return image.convert("RGBA")
    if mode == "CMYK":
        return image.convert("RGB").convert("RGBA")
    if mode.startswith("I;16") or mode.startswith("BGR"):
        return image.convert("RGB").convert("RGBA")
    return image.convert("RGBA")


def _high_bit_grey_to_rgba(image: Image.Image) -> Image.Image:
    import numpy as np

    arr = np.asarray(image).astype(np.float64)
    top = 65535.0 if arr.max(initial=0) > 255 or image.mode.startswith("I;16") else 255.0
    grey = np.clip(np.round(arr / top * 255.0), 0, 255).astype(np.uint8)
    return Image.fromarray(grey, "L").convert("RGBA")


def _to_srgb(image: Image.Image) -> Image.Image:
    """Apply an embedded ICC profile (CMYK print profiles, Adobe RGB, Display P3...) so colours look right."""
    icc = image.info.get("icc_profile")
    if not icc or image.mode not in ("RGB", "RGBA", "CMYK", "L", "LA"):
        return image
    from PIL import ImageCms  # loads LittleCMS: only for pictures that carry a profile

    try:
        src = ImageCms.ImageCmsProfile(io.BytesIO(icc))
        dst = ImageCms.createProfile("sRGB")
        alpha = image.getchannel("A") if image.mode in ("RGBA", "LA") else None
        base = image.convert("RGB" if image.mode == "RGBA" else "L") if image.mode in ("RGBA", "LA") else image
        out_mode = "L" if base.mode == "L" else "RGB"
        converted = ImageCms.profileToProfile(base, src, dst, outputMode=out_mode)
        if converted is None:
            return image
        if alpha is not None:
            converted = converted.convert("RGBA")
            converted.putalpha(alpha)
        return converted
    except (ImageCms.PyCMSError, OSError, ValueError) as exc:
        log.info("ignoring an unusable colour profile: %s", exc)
        return image
