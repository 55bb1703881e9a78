"""Every odd picture opens the same way in every module that opens pictures (issue 13, items 5-7).

One picture, four quadrants of known colours (red, blue / green, white), stored in each odd way a real file can be:
16-bit grey, palette with a transparent colour, grey+alpha, CMYK, EXIF orientations 2-8 (JPEG and PNG), WebP with
alpha. Each caller (the core opener, the picture loader, edit preparation, the engine, the library's filing,
thumbnails and export, the job's result decoder) must show the quadrants where the user sees them.
"""

from __future__ import annotations

import io
from collections.abc import Callable

import numpy as np
import pytest
from PIL import Image

from dalle_studio.api.models import spec_for
from dalle_studio.core import images
from tests.foundation.pictures import png_header_only

W, H = 48, 32  # as shown; orientations 5-8 store it 32x48
RGBA = tuple[int, int, int, int]
QUADRANTS = ((0.25, 0.25), (0.75, 0.25), (0.25, 0.75), (0.75, 0.75))
COLOURS: tuple[RGBA, ...] = ((255, 0, 0, 255), (0, 0, 255, 255), (0, 160, 0, 255), (255, 255, 255, 255))
GREYS = (0x2000, 0x8000, 0xC000, 0xFFFF)  # 16-bit tones; shown as 32, 128, 192, 255
# exif_transpose applies the transform named for each orientation; storing the inverse makes the shown picture upright
_INVERSE = {2: Image.Transpose.FLIP_LEFT_RIGHT, 3: Image.Transpose.ROTATE_180, 4: Image.Transpose.FLIP_TOP_BOTTOM,
            5: Image.Transpose.TRANSPOSE, 6: Image.Transpose.ROTATE_90, 7: Image.Transpose.TRANSVERSE,
            8: Image.Transpose.ROTATE_270}


def quadrants(mode: str = "RGBA", colours=COLOURS) -> Image.Image:
    arr = np.zeros((H, W, 4), np.uint8)
    arr[: H // 2, : W // 2], arr[: H // 2, W // 2:] = colours[0], colours[1]
    arr[H // 2:, : W // 2], arr[H // 2:, W // 2:] = colours[2], colours[3]
    return Image.fromarray(arr, "RGBA").convert(mode)


def save(image: Image.Image, fmt: str, **options) -> bytes:
    out = io.BytesIO()
    image.save(out, fmt, **options)
    return out.getvalue()


def sixteen_bit_grey() -> tuple[bytes, tuple[RGBA, ...]]:
    arr = np.zeros((H, W), np.uint16)
    arr[: H // 2, : W // 2], arr[: H // 2, W // 2:] = GREYS[0], GREYS[1]
    arr[H // 2:, : W // 2], arr[H // 2:, W // 2:] = GREYS[2], GREYS[3]
    image = Image.frombytes("I;16", (W, H), arr.astype("<u2").tobytes())
    return save(image, "PNG"), tuple((g, g, g, 255) for g in (32, 128, 192, 255))


def palette_with_transparency() -> tuple[bytes, tuple[RGBA, ...]]:
    image = quadrants("RGB").quantize(4)
    red_index = image.getpixel((2, 2))
    expected = ((0, 0, 0, 0), *COLOURS[1:])
    return save(image, "PNG", transparency=red_index), expected


def grey_alpha() -> tuple[bytes, tuple[RGBA, ...]]:
    colours = ((60, 60, 60, 255), (200, 200, 200, 128), (120, 120, 120, 0), (255, 255, 255, 255))
    return save(quadrants("LA", colours), "PNG"), colours


def oriented(orientation: int, fmt: str) -> tuple[bytes, tuple[RGBA, ...]]:
    exif = Image.Exif()
    exif[0x0112] = orientation
    stored = quadrants("RGB").transpose(_INVERSE[orientation])
    options = {"quality": 95} if fmt == "JPEG" else {}
    return save(stored, fmt, exif=exif, **options), COLOURS


CASES: dict[str, Callable[[], tuple[bytes, tuple[RGBA, ...]]]] = {
    "png-16bit-grey": sixteen_bit_grey,
    "png-palette-transparent": palette_with_transparency,
    "png-grey-alpha": grey_alpha,
    "jpeg-cmyk": lambda: (save(quadrants("CMYK"), "JPEG", quality=95), COLOURS),
    "webp-alpha": lambda: (save(quadrants("RGBA", ((255, 0, 0, 0), *COLOURS[1:])), "WEBP", lossless=True),
                           ((0, 0, 0, 0), *COLOURS[1:])),
    **{f"jpeg-exif-{o}": (lambda o=o: oriented(o, "JPEG")) for o in range(2, 9)},
    "png-exif-6": lambda: oriented(6, "PNG"),
    "png-exif-7": lambda: oriented(7, "PNG"),
}


def check(rgba: np.ndarray, expected: tuple[RGBA, ...], *, background: tuple[int, int, int] | None = None,
          atol: int = 14) -> None:
    """``rgba`` (H, W, 3 or 4) shows ``expected`` in its quadrants; flattened onto ``background`` if given."""
    height, width = rgba.shape[:2]
    assert (width, height) == (W, H) or width * H == height * W, f"shown shape {width}x{height}, expected {W}x{H}"
    for (fx, fy), want in zip(QUADRANTS, expected, strict=True):
        got = rgba[int(fy * height), int(fx * width)].astype(int)
        if background is not None:
            a = want[3] / 255
            want = (*(round(c * a + b * (1 - a)) for c, b in zip(want[:3], background, strict=True)), 255)
            got = np.append(got[:3], 255)
        if want[3] == 0 and len(got) == 4:
            assert got[3] <= 2, (got, want)  # fully transparent: its colour does not matter
            continue
        assert np.allclose(got[: len(want)], want[: len(got)], atol=atol), (
            f"quadrant at {fx},{fy}: {tuple(got)} instead of {want}")


def array(image: Image.Image) -> np.ndarray:
    return np.asarray(image.convert("RGBA"))


@pytest.fixture(params=sorted(CASES))
def odd(request) -> tuple[str, bytes, tuple[RGBA, ...]]:
    data, expected = CASES[request.param]()
    return request.param, data, expected


def test_core_opener(odd):
    name, data, expected = odd
    check(array(images.open_image(data, name).rgba), expected)


def test_picture_loader(odd):
    from dalle_studio.document.image_io import load_image_bytes

    name, data, expected = odd
    check(array(load_image_bytes(data, name).rgba), expected)


def test_edit_preparation(odd):
    from dalle_studio.api.prepare import prepare_edit

    _name, data, expected = odd
    spec = spec_for("gpt-image-2")
    prepared = prepare_edit(data, None, spec, fit="pad")
    shown = array(Image.open(io.BytesIO(prepared.image.data)))
    left, top, right, bottom = prepared.placement.target_box
    check(shown[top:bottom, left:right], expected, atol=20)


def test_engine_decoder(odd):
    from dalle_studio.engine import pictures

    _name, data, expected = odd
    check(pictures.decode(data, "image"), expected)


def test_library_files_thumbnails_and_export(odd, tmp_path):
    from dalle_studio.library import Library
    from dalle_studio.library.export import encode
    from dalle_studio.library.records import NewResult
    from dalle_studio.library.thumbnails import ThumbnailStore

    _name, data, expected = odd
    with Library(tmp_path / "library") as library:
        record = library.add_result(NewResult(image=data, kind="import"))
        assert (record.width, record.height) == (W, H), "the gallery's size is the picture as shown"
        thumb = np.asarray(Image.open(io.BytesIO(ThumbnailStore(tmp_path / "cache", size=96).make(data))))
        check(thumb, expected, background=(128, 128, 128), atol=20)
        for fmt, background in (("jpeg", (255, 255, 255)), ("webp", None), ("png", None)):
            exported = images.open_image(encode(data, record, fmt), f"export.{fmt}").rgba
            check(array(exported), expected, background=background, atol=20)


def test_job_result_decoder(odd, qapp):
    from dalle_studio.document import pixels
    from dalle_studio.jobs.pictures import decode

    _name, data, expected = odd
    bgra = pixels.read(decode(data))  # ARGB32 in memory: B, G, R, A
    check(bgra[..., [2, 1, 0, 3]], expected)


# ---- the pixel limit (item 5) ------------------------------------------------------------------------------------

def test_the_users_limit_is_honoured_above_pillows_warning_threshold():
    """Pillow warns at ~89.5 MP; a user who allows 150 MP must get past the guard at 95 MP (this header-only file
    then fails as damaged, not as a decompression bomb), and a user who allows 90 MP is told the real limit."""
    from dalle_studio.document.image_io import load_image_bytes

    claimed = png_header_only(10_000, 9_500)  # 95 MP
    for opener in (lambda d: images.open_image(d, "big.png", max_pixels=150_000_000),
                   lambda d: load_image_bytes(d, "big.png", max_pixels=150_000_000)):
        with pytest.raises(images.ImageOpenError) as info:
            opener(claimed)
        assert info.value.kind == "damaged", str(info.value)
        assert "bomb" not in str(info.value) and "too large" not in str(info.value)
    with pytest.raises(images.ImageOpenError, match="more than the limit of 90 megapixels") as info:
        images.open_image(claimed, "big.png", max_pixels=90_000_000)
    assert info.value.kind == "too_large"


def test_edit_preparation_honours_the_limit_it_is_given():
    from dalle_studio.api.prepare import prepare_edit

    spec = spec_for("gpt-image-2")
    with pytest.raises(images.ImageOpenError) as info:
        prepare_edit(png_header_only(10_000, 9_500), None, spec)
    assert info.value.kind == "damaged", str(info.value)
