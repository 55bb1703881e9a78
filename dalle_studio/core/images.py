"""The one way to open a picture, for every layer: bytes in, upright 8-bit RGBA out, or one clear error.

Pillow decodes (PNG, JPEG, WebP, BMP, TIFF, GIF's first frame and more). Every picture comes out upright (EXIF
orientation applied), in sRGB (embedded profiles converted), as straight-alpha RGBA, with 16-bit, palette, grey,
grey+alpha and CMYK data converted without colour or alpha errors.

The bomb guard is the pixel count the header claims, checked before any pixel is unpacked, against one limit: the
user's setting (``files.max_megapixels``), honoured exactly. :func:`set_pixel_limit` also sets Pillow's own
``Image.MAX_IMAGE_PIXELS`` from it, so Pillow never refuses a picture the user allowed (its default refuses at
about 89.5 MP, and turning its warning into an error would silently cap pictures there).

Failures raise :class:`ImageOpenError`, whose text names the picture and the reason in the user's words.
"""

from __future__ import annotations

import contextlib
import io
import logging
import os
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from PIL import Image, ImageFile, ImageOps, UnidentifiedImageError

if TYPE_CHECKING:
    from dalle_studio.core.settings import Settings

log = logging.getLogger(__name__)

DEFAULT_MAX_PIXELS = 150_000_000
ALPHA_MODES = frozenset({"RGBA", "LA", "PA", "RGBa", "La"})
_ORIENTATION = 0x0112
_state = {"max_pixels": DEFAULT_MAX_PIXELS}
# Pillow's freed 16 MB blocks are kept for the next picture (Pillow's "blocks_max", 0 by default) rather than given
# back: a new picture's pixels are allocated zeroed, with the GIL held, and zeroing memory the process never touched
# costs ~2 ms per MB here (a 4K result's 33 MB: ~70 ms of a worker that the UI thread waits for, the ui_stall_4k
# stalls while results decode). Reused blocks zero in ~5 ms. At most this many (16 MB each) are kept.
PILLOW_BLOCKS_KEPT = 12
Image.core.set_blocks_max(max(Image.core.get_blocks_max(), PILLOW_BLOCKS_KEPT))


class ImageOpenError(ValueError):
    """A picture could not be opened; ``str(error)`` is a complete message for the user.

    ``kind`` says why, for callers that answer in other words (the engine's error codes): ``"empty"``,
    ``"too_large"``, ``"not_a_picture"``, ``"damaged"``, ``"unsupported"``, ``"memory"``, ``"unreadable_file"``.
    """

    def __init__(self, source: str, reason: str, kind: str = "damaged") -> None:
        super().__init__(f"{source} could not be opened: {reason}")
        self.source = source
        self.reason = reason
        self.kind = kind


@dataclass(frozen=True)
class Header:
    """What a picture's header says, without decoding pixels. ``size`` is as shown (EXIF orientation applied)."""

    format: str
    mode: str
    size: tuple[int, int]
    stored_size: tuple[int, int]
    orientation: int
    transparent_colour: bool = False  # a palette or grey picture with one colour marked transparent

    @property
    def has_alpha(self) -> bool:
        """An alpha channel or a transparent colour: what a mask needs."""
        return self.mode in ALPHA_MODES or self.transparent_colour


@dataclass(frozen=True)
class OpenedImage:
    """A decoded picture: upright sRGB straight-alpha RGBA pixels plus what the file said about itself."""

    rgba: Image.Image
    source_format: str  # e.g. "PNG", "JPEG"
    source_mode: str  # Pillow mode of the file, e.g. "I;16", "P", "CMYK"
    had_alpha: bool  # the file has an alpha channel or a transparent colour (what a mask needs)
    text: dict[str, str] = field(default_factory=dict)  # PNG text chunks and similar (for recalling prompts)

    @property
    def size(self) -> tuple[int, int]:
        return self.rgba.size


def set_pixel_limit(max_pixels: int) -> None:
    """The largest picture (in pixels) this process opens: the user's setting. Pillow's own limit follows it."""
    _state["max_pixels"] = int(max_pixels)
    Image.MAX_IMAGE_PIXELS = int(max_pixels)


def pixel_limit() -> int:
    return _state["max_pixels"]


def follow_pixel_limit(settings: Settings) -> Callable[[], None]:
    """Keep the process's pixel limit at the user's ``files.max_megapixels``; returns the unsubscribe function."""
    key = "files.max_megapixels"
    set_pixel_limit(int(settings.get(key)) * 1_000_000)

    def changed(changed_key: str, value: object) -> None:
        if changed_key == key:
            set_pixel_limit(int(settings.get(key)) * 1_000_000)

    return settings.subscribe(changed)


def read_header(data: bytes, source: str = "The picture", *, max_pixels: int | None = None) -> Header:
    """Format, mode and size of the picture in ``data`` from its header; refuses what the pixel limit refuses."""
    with _opening(data, source, max_pixels) as img:
        return _header(img)


def open_image(data: bytes, source: str = "The picture", *, max_pixels: int | None = None,
               draft_to: tuple[int, int] | None = None) -> OpenedImage:
    """Decode ``data`` (the bytes of a picture file), named ``source`` in messages. ``max_pixels`` defaults to
    :func:`pixel_limit`. ``draft_to`` lets JPEG decoding skip resolution a smaller target does not need."""
    with _opening(data, source, max_pixels) as img:
        header = _header(img)
        try:
            if draft_to is not None and img.format == "JPEG":
                img.draft("RGB", _stored(draft_to, header.orientation))
            img.seek(0)  # GIF and other animations: the first frame
            _decode_in_one_piece(img, len(data))
            img.load()
        except MemoryError:
            raise ImageOpenError(source, "there is not enough memory to open it", "memory") from None
        except (OSError, SyntaxError, ValueError, EOFError, TypeError, IndexError) as exc:
            log.info("decode of %s failed: %s", source, exc)
            raise ImageOpenError(source, "the file is damaged or incomplete", "damaged") from None
        text = {k: v for k, v in img.info.items() if isinstance(k, str) and isinstance(v, str)}
        if "parameters" not in text and (comment := _exif_user_comment(img)):
            text["parameters"] = comment  # JPEG/WebP exports (ours and other tools') carry the prompt here
        had_alpha = header.has_alpha
        try:
            rgba = to_rgba(img)
        except MemoryError:
            raise ImageOpenError(source, "there is not enough memory to open it", "memory") from None
        except (OSError, ValueError, TypeError) as exc:
            log.info("conversion of %s failed: %s", source, exc)
            raise ImageOpenError(source, f"its pixel format ({header.mode}) is not supported", "unsupported") from None
    if rgba.width < 1 or rgba.height < 1:
        raise ImageOpenError(source, "the picture has no pixels", "damaged")
    return OpenedImage(rgba=rgba, source_format=header.format, source_mode=header.mode, had_alpha=had_alpha,
                       text=text)


def _decode_in_one_piece(img: Image.Image, size: int) -> None:
    """Let Pillow hand the decoder all of ``data`` at once. It releases the GIL while it decodes but, by default,
    feeds the decoder 64 KiB at a time and takes the GIL back between pieces; on a worker thread each of those
    hand-overs waits for the UI thread's next switch (5 ms), so a 2.5 MB JPEG took 237 ms to decode beside a busy
    UI thread instead of 39 ms. The bytes are in memory already: one piece costs nothing more."""
    if isinstance(img, ImageFile.ImageFile) and size > img.decodermaxblock:
        img.decodermaxblock = size


def open_image_file(path: str | os.PathLike[str], *, max_pixels: int | None = None) -> OpenedImage:
    """Read and decode the picture at ``path``; the file's name is the ``source`` in messages."""
    return open_image(read_picture_file(path), Path(path).name, max_pixels=max_pixels)


def read_picture_file(path: str | os.PathLike[str]) -> bytes:
    """The bytes of the file at ``path``; an :class:`ImageOpenError` that says why when it cannot be read."""
    name = Path(path).name
    try:
        return Path(path).read_bytes()
    except FileNotFoundError:
        raise ImageOpenError(name, "the file does not exist (it may have been moved or deleted)",
                             "unreadable_file") from None
    except IsADirectoryError:
        raise ImageOpenError(name, "it is a folder, not a picture", "unreadable_file") from None
    except PermissionError:
        raise ImageOpenError(name, "permission denied: you are not allowed to read this file",
                             "unreadable_file") from None
    except OSError as exc:
        raise ImageOpenError(name, f"the file cannot be read ({exc.strerror or exc})", "unreadable_file") from None


def mask_channel(opened: OpenedImage) -> Image.Image:
    """A mask as one 8-bit channel, 0 = edit: the alpha of a picture that has one, else its grey level."""
    return opened.rgba.getchannel("A") if opened.had_alpha else opened.rgba.convert("L")


@contextlib.contextmanager
def _opening(data: bytes, source: str, max_pixels: int | None):  # type: ignore[no-untyped-def]
    limit = pixel_limit() if max_pixels is None else max_pixels
    if not data:
        raise ImageOpenError(source, "the file is empty (0 bytes)", "empty")
    # Pillow refuses at twice its limit inside Image.open, before we can name the size: keep it at or above ours.
    if Image.MAX_IMAGE_PIXELS is not None and limit > Image.MAX_IMAGE_PIXELS:
        Image.MAX_IMAGE_PIXELS = limit
    try:
        img = Image.open(io.BytesIO(data))
    except Image.DecompressionBombError:
        raise _too_large(source, None, limit) from None
    except UnidentifiedImageError:
        raise ImageOpenError(source, "it is not a picture in a format DALL·E Studio can open (PNG, JPEG, WebP, "
                             "BMP, TIFF or GIF)", "not_a_picture") from None
    except MemoryError:
        raise ImageOpenError(source, "there is not enough memory to open it", "memory") from None
    except (OSError, SyntaxError, ValueError, EOFError, TypeError, IndexError) as exc:
        log.info("header of %s unreadable: %s", source, exc)
        raise ImageOpenError(source, "the file is damaged or incomplete", "damaged") from None
    with img:
        width, height = img.size
        if width * height > limit:
            raise _too_large(source, (width, height), limit)
        if width < 1 or height < 1:
            raise ImageOpenError(source, "the picture has no pixels", "damaged")
        yield img


def _too_large(source: str, size: tuple[int, int] | None, limit: int) -> ImageOpenError:
    where = f"{size[0]}×{size[1]} pixels is {size[0] * size[1] / 1e6:,.0f} megapixels, " if size else ""
    return ImageOpenError(source, f"it is too large: {where}more than the limit of {limit / 1e6:,.0f} megapixels "
                          "(Preferences > Files)", "too_large")


def _orientation(img: Image.Image) -> int:
    if img.format == "PNG" and "exif" not in img.info:
        # No eXIf chunk before the pixels: Pillow's getexif() would decode every pixel (in 64 KiB pieces, taking
        # the GIL back between them) to look for one after them. That rare late chunk is still applied when the
        # picture is decoded (to_rgba's transpose); a header read goes without it.
        return 1
    try:
        value = img.getexif().get(_ORIENTATION, 1)
    except (OSError, ValueError, TypeError, SyntaxError):
        return 1  # a damaged EXIF block: shown unrotated rather than not at all
    return value if isinstance(value, int) and 1 <= value <= 8 else 1


def _header(img: Image.Image) -> Header:
    orientation = _orientation(img)
    return Header(format=img.format or "unknown", mode=img.mode, size=_stored(img.size, orientation),
                  stored_size=img.size, orientation=orientation, transparent_colour="transparency" in img.info)


def _stored(size: tuple[int, int], orientation: int) -> tuple[int, int]:
    """Orientations 5-8 swap width and height (the same swap both ways)."""
    return (size[1], size[0]) if orientation in (5, 6, 7, 8) else size


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
    with contextlib.suppress(ValueError, OSError, TypeError, SyntaxError):
        image = ImageOps.exif_transpose(image)
    image = _to_srgb(image)
    mode = image.mode
    if mode == "RGBA":
        return image.copy()
    if mode in ("I;16", "I;16B", "I;16L", "I;16N", "I"):
        return _high_bit_grey_to_rgba(image)
    if mode == "F":
        import numpy as np  # imported on first use: it costs start-up time

        arr = np.nan_to_num(np.asarray(image, dtype=np.float32))
        top = 255.0 if arr.max(initial=0) > 1.0 else 1.0
        grey = np.round(np.clip(arr, 0.0, top) * (255.0 / top)).astype(np.uint8)
        return Image.fromarray(grey, "L").convert("RGBA")
    if mode == "La":
        image = image.convert("LA")
    elif mode == "RGBa":
        image = image.convert("RGBA")
        return image
    elif mode == "CMYK" or mode.startswith("BGR"):
        image = image.convert("RGB")
    return image.convert("RGBA")  # P honours the palette's transparency; LA keeps its alpha


def _high_bit_grey_to_rgba(image: Image.Image) -> Image.Image:
    import numpy as np

    arr = np.asarray(image).astype(np.float64)
    top = 65535.0 if arr.max(initial=0) > 255 or image.mode.startswith("I;16") else 255.0
    grey = np.clip(np.round(arr / top * 255.0), 0, 255).astype(np.uint8)
    return Image.fromarray(grey, "L").convert("RGBA")


def _is_srgb(profile: Any) -> bool:
    """Whether an RGB profile is one of the sRGB profiles ("sRGB IEC61966-2.1", "sRGB built-in", ...), as browsers
    and painting programs recognise it: by its colour space and description."""
    from PIL import ImageCms

    try:
        description = ImageCms.getProfileDescription(profile).strip()
        space = str(profile.profile.xcolor_space).strip()
    except (ImageCms.PyCMSError, AttributeError):
        return False
    return space == "RGB" and description.startswith("sRGB")


def _to_srgb(image: Image.Image) -> Image.Image:
    """Apply an embedded ICC profile (CMYK print profiles, Adobe RGB, Display P3...) so colours look right."""
    icc = image.info.get("icc_profile")
    if not icc or image.mode not in ("RGB", "RGBA", "CMYK", "L", "LA"):
        return image
    from PIL import ImageCms  # loads LittleCMS: only for pictures that carry a profile

    try:
        src = ImageCms.ImageCmsProfile(io.BytesIO(icc))
        if image.mode in ("RGB", "RGBA") and _is_srgb(src):
            return image  # already sRGB (most photos, and Pillow's own saves): the transform would cost ~0.3 s at 4K
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
