"""Every supported format and pixel mode opens with the right pixels; every kind of bad file is refused clearly."""

from __future__ import annotations

import io

import numpy as np
import pytest
from PIL import Image, ImageCms

from dalle_studio.document.image_io import ImageLoadError, load_image_bytes, load_image_file
from tests.foundation.pictures import BLUE, RED, encode, halves, png_header_only


def pixel(loaded, x, y):
    return loaded.rgba.getpixel((x, y))


@pytest.mark.parametrize("fmt,options", [
    ("PNG", {}), ("JPEG", {"quality": 95}), ("WEBP", {"lossless": True}), ("BMP", {}), ("TIFF", {}), ("GIF", {}),
])
def test_each_format_opens_with_its_colours(fmt, options):
    loaded = load_image_bytes(encode(halves(), fmt, **options), f"halves.{fmt.lower()}")
    assert loaded.rgba.mode == "RGBA" and loaded.size == (40, 20)
    left, right = pixel(loaded, 5, 10), pixel(loaded, 35, 10)
    assert np.allclose(left, (*RED, 255), atol=6), left
    assert np.allclose(right, (*BLUE, 255), atol=6), right
    assert loaded.source_format == fmt


def test_exif_orientation_is_applied():
    exif = Image.Exif()
    exif[0x0112] = 6  # the camera was turned: rotate 90° clockwise to display
    loaded = load_image_bytes(encode(halves(), "JPEG", quality=95, exif=exif), "turned.jpg")
    assert loaded.size == (20, 40)
    assert np.allclose(pixel(loaded, 10, 3), (*RED, 255), atol=8)
    assert np.allclose(pixel(loaded, 10, 36), (*BLUE, 255), atol=8)


def test_gif_opens_its_first_frame():
    frames = [Image.new("RGB", (8, 8), RED), Image.new("RGB", (8, 8), BLUE)]
    data = encode(frames[0], "GIF", save_all=True, append_images=frames[1:], duration=100)
    assert pixel(load_image_bytes(data, "anim.gif"), 4, 4) == (*RED, 255)


def test_sixteen_bit_grey_keeps_its_tones():
    arr = np.array([[0, 32768, 65535]], dtype=np.uint16)
    deep = Image.frombytes("I;16", (3, 1), arr.astype("<u2").tobytes())
    loaded = load_image_bytes(encode(deep, "PNG"), "deep.png")
    values = [pixel(loaded, x, 0) for x in range(3)]
    assert values[0] == (0, 0, 0, 255)
    assert values[1][:3] == (128, 128, 128) and values[1][3] == 255
    assert values[2] == (255, 255, 255, 255)


def test_palette_with_transparency_keeps_alpha():
    image = Image.new("P", (4, 1))
    image.putpalette([255, 0, 0, 0, 0, 255] + [0] * 762)
    image.putdata([0, 0, 1, 1])
    loaded = load_image_bytes(encode(image, "PNG", transparency=1), "palette.png")
    assert pixel(loaded, 0, 0) == (255, 0, 0, 255)
    assert pixel(loaded, 3, 0)[3] == 0


@pytest.mark.parametrize("mode", ["L", "LA", "1"])
def test_grey_modes_become_grey_rgba(mode):
    base = Image.new("L", (4, 4), 200)
    images = {"L": base, "LA": Image.merge("LA", (base, Image.new("L", (4, 4), 77))), "1": Image.new("1", (4, 4), 1)}
    loaded = load_image_bytes(encode(images[mode], "PNG"), f"{mode}.png")
    r, g, b, a = pixel(loaded, 1, 1)
    assert r == g == b == (255 if mode == "1" else 200)
    assert a == (77 if mode == "LA" else 255)


def test_transparent_rgba_keeps_straight_alpha():
    image = Image.new("RGBA", (4, 4), (10, 200, 30, 100))
    assert pixel(load_image_bytes(encode(image, "PNG"), "t.png"), 2, 2) == (10, 200, 30, 100)


@pytest.mark.parametrize("fmt", ["JPEG", "TIFF"])
def test_cmyk_converts_to_the_right_colour(fmt):
    cmyk = Image.new("CMYK", (6, 6), (0, 255, 255, 0))  # full magenta + yellow = red
    loaded = load_image_bytes(encode(cmyk, fmt), f"print.{fmt.lower()}")
    r, g, b, a = pixel(loaded, 3, 3)
    assert r > 230 and g < 30 and b < 30 and a == 255


def test_embedded_colour_profile_is_honoured():
    srgb = ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB"))
    image = Image.new("RGB", (4, 4), (12, 140, 220))
    loaded = load_image_bytes(encode(image, "PNG", icc_profile=srgb.tobytes()), "profiled.png")
    assert np.allclose(pixel(loaded, 1, 1)[:3], (12, 140, 220), atol=2)


def test_an_srgb_picture_keeps_its_exact_pixels_without_a_colour_transform(monkeypatch):
    """Most photos, and every picture Pillow saves from one, are tagged sRGB: converting sRGB to sRGB cost ~0.3 s
    for each 4K result and could only round the colours."""
    srgb = ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB"))
    image = Image.fromarray(np.random.default_rng(3).integers(0, 256, (8, 8, 3), dtype=np.uint8))

    def no_transform(*args, **kwargs):
        raise AssertionError("an sRGB picture went through a colour transform")

    monkeypatch.setattr(ImageCms, "profileToProfile", no_transform)
    loaded = load_image_bytes(encode(image, "PNG", icc_profile=srgb.tobytes()), "srgb.png")
    assert np.array_equal(np.asarray(loaded.rgba)[..., :3], np.asarray(image))


def test_a_profile_that_is_not_srgb_is_still_applied(monkeypatch):
    srgb = ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB")).tobytes()
    # The same primaries under another name (the description is UTF-16): no longer taken as sRGB.
    other = srgb.replace("sRGB".encode("utf-16-be"), "Wide".encode("utf-16-be")).replace(b"sRGB", b"Wide")
    assert ImageCms.getProfileDescription(ImageCms.ImageCmsProfile(io.BytesIO(other))).startswith("Wide")
    applied = []
    real = ImageCms.profileToProfile
    monkeypatch.setattr(ImageCms, "profileToProfile", lambda *a, **k: applied.append(1) or real(*a, **k))
    loaded = load_image_bytes(encode(Image.new("RGB", (4, 4), (12, 140, 220)), "PNG", icc_profile=other), "w.png")
    assert applied and np.allclose(pixel(loaded, 1, 1)[:3], (12, 140, 220), atol=2)


def test_reading_a_png_header_does_not_decode_its_pixels(monkeypatch):
    """The library reads every result's header as it files it; for a PNG, asking for its EXIF orientation made
    Pillow decode every pixel (~0.25 s for a 4K result) before the real decode did it again."""
    from PIL import ImageFile

    from dalle_studio.core.images import read_header

    def no_decode(self):
        raise AssertionError("the header read decoded the pixels")

    data = encode(halves((64, 32)), "PNG")
    monkeypatch.setattr(ImageFile.ImageFile, "load", no_decode)
    header = read_header(data)
    assert header.size == (64, 32) and header.format == "PNG"


def test_png_text_chunks_are_kept_for_recalling_prompts():
    from PIL.PngImagePlugin import PngInfo

    info = PngInfo()
    info.add_text("parameters", "a red fox\nSteps: 1")
    loaded = load_image_bytes(encode(Image.new("RGB", (2, 2)), "PNG", pnginfo=info), "fox.png")
    assert loaded.text["parameters"].startswith("a red fox")


@pytest.mark.parametrize("data,reason", [
    (b"", "empty"),
    (b"hello, I am a text file\n" * 10, "not a picture"),
    (None, "damaged or incomplete"),
    (png_header_only(100_000, 100_000), "too large"),
])
def test_bad_data_gives_a_message_naming_the_file_and_reason(data, reason):
    if data is None:
        data = encode(halves((200, 200)), "PNG")[:300]  # truncated in the middle of the pixels
    with pytest.raises(ImageLoadError) as info:
        load_image_bytes(data, "holiday.png")
    assert str(info.value).startswith("holiday.png could not be opened")
    assert reason in str(info.value)


def test_pixel_limit_comes_from_the_caller():
    data = encode(halves((100, 100)), "PNG")
    with pytest.raises(ImageLoadError, match="too large"):
        load_image_bytes(data, "big.png", max_pixels=5_000)


def test_missing_file_and_folder_are_explained(tmp_path):
    with pytest.raises(ImageLoadError, match="does not exist"):
        load_image_file(tmp_path / "gone.png")
    with pytest.raises(ImageLoadError, match="folder"):
        load_image_file(tmp_path)
