"""Pictures are made into what the model accepts: orientation, shape, size, mask, byte limit."""

from __future__ import annotations

import io

import numpy as np
import pytest
from PIL import Image

from dalle_studio.api.models import spec_for
from dalle_studio.api.prepare import (
    PreparationError,
    choose_size,
    encode_png_under,
    prepare_edit,
    prepare_variation,
    restore_region,
)
from dalle_studio.api.requests import EditRequest, VariationRequest


def encoded(img: Image.Image, fmt: str = "PNG", **kw) -> bytes:
    buf = io.BytesIO()
    img.save(buf, fmt, **kw)
    return buf.getvalue()


def decoded(data: bytes) -> Image.Image:
    return Image.open(io.BytesIO(data))


def half_red_half_blue(width: int, height: int) -> Image.Image:
    img = Image.new("RGB", (width, height), (0, 0, 255))
    img.paste((255, 0, 0), (0, 0, width // 2, height))
    return img


def test_exif_orientation_is_applied():
    # Stored 200x100 with "rotate 90° clockwise to display": the upload must be portrait, red at the top.
    img = half_red_half_blue(200, 100)
    exif = Image.Exif()
    exif[0x0112] = 6
    prepared = prepare_edit(encoded(img, "JPEG", exif=exif.tobytes()), None, spec_for("gpt-image-1"), size="1024x1536")
    out = decoded(prepared.image.data).convert("RGB")
    assert out.size == (1024, 1536)
    assert out.getpixel((512, 100))[0] > 200 and out.getpixel((512, 1400))[2] > 200


def test_crop_keeps_the_centre_and_mask_follows_exactly():
    img = half_red_half_blue(800, 400)
    mask = Image.new("RGBA", (800, 400), (0, 0, 0, 255))
    mask.paste((0, 0, 0, 0), (350, 150, 450, 250))  # a hole in the middle
    prepared = prepare_edit(encoded(img), encoded(mask), spec_for("dall-e-2"))
    assert prepared.size == "1024x1024"
    out, m = decoded(prepared.image.data), decoded(prepared.mask.data)
    assert out.mode == "RGBA" and m.mode == "RGBA" and out.size == m.size == (1024, 1024)
    alpha = np.asarray(m.getchannel("A"))
    assert alpha[512, 512] == 0 and alpha[10, 10] == 255
    # the hole is 100 source px of a 400 px crop: a quarter of the side
    assert 230 < (alpha[512] == 0).sum() < 290
    assert prepared.placement.source_box == (200, 0, 600, 400)
    EditRequest(model="dall-e-2", prompt="x", images=prepared.images, mask=prepared.mask).validate()


def test_pad_keeps_everything_and_padding_is_not_edited():
    prepared = prepare_edit(encoded(half_red_half_blue(800, 400)), encoded(Image.new("L", (800, 400), 0)),
                            spec_for("dall-e-2"), fit="pad")
    alpha = np.asarray(decoded(prepared.mask.data).getchannel("A"))
    assert alpha[10, 512] == 255 and alpha[512, 512] == 0  # padding band kept; picture area editable
    assert prepared.placement.target_box == (0, 256, 1024, 768)
    region, box = restore_region(decoded(prepared.image.data), prepared.placement)
    assert box == (0, 0, 800, 400) and region.size == (800, 400)


def test_size_is_chosen_from_the_pictures_shape():
    assert choose_size(spec_for("gpt-image-1"), 3000, 2000) == "1536x1024"
    assert choose_size(spec_for("gpt-image-1"), 1000, 1900) == "1024x1536"
    assert choose_size(spec_for("dall-e-2"), 3000, 2000) == "1024x1024"
    w, h = map(int, choose_size(spec_for("gpt-image-2"), 1920, 1080).split("x"))
    assert w % 16 == h % 16 == 0 and abs(w / h - 16 / 9) < 0.02
    w, h = map(int, choose_size(spec_for("gpt-image-2"), 5000, 500).split("x"))
    assert w / h <= 3


def test_noisy_picture_is_made_to_fit_the_byte_limit():
    noise = Image.fromarray(np.random.default_rng(1).integers(0, 256, (256, 256, 4), dtype=np.uint8), "RGBA")
    raw_png = encoded(noise)
    limit = len(raw_png) * 3 // 4
    data = encode_png_under(noise, limit)
    assert data is not None and len(data) < limit and decoded(data).mode == "RGBA"
    assert encode_png_under(noise, 1000) is None


def test_dalle2_goes_smaller_when_nothing_else_fits():
    noise = Image.fromarray(np.random.default_rng(2).integers(0, 256, (1024, 1024, 4), dtype=np.uint8), "RGBA")
    prepared = prepare_variation(noise, spec_for("dall-e-2"))
    assert len(prepared.image.data) < 4 * 1024 * 1024
    VariationRequest(model="dall-e-2", image=prepared.image, size=prepared.size).validate()


def test_several_input_images_for_gpt_image_edits():
    prepared = prepare_edit(encoded(half_red_half_blue(600, 400)), None, spec_for("gpt-image-1"),
                            extra=(encoded(Image.new("RGB", (3000, 3000), "green"), "JPEG"),))
    assert len(prepared.images) == 2 and max(decoded(prepared.extra[0].data).size) <= 1536
    EditRequest(model="gpt-image-1", prompt="x", images=prepared.images).validate()


def test_auto_size_is_sent_only_where_the_model_allows_it():
    assert prepare_edit(encoded(half_red_half_blue(80, 40)), None, spec_for("gpt-image-1"), size="auto").size == "auto"
    assert prepare_edit(encoded(half_red_half_blue(80, 40)), None, spec_for("dall-e-2"),
                        size="auto").size == "1024x1024"


def test_mask_of_another_size_is_refused():
    with pytest.raises(PreparationError, match="the mask is 10x10 but the picture is 800x400"):
        prepare_edit(encoded(half_red_half_blue(800, 400)), encoded(Image.new("L", (10, 10))), spec_for("gpt-image-1"))


def test_unreadable_picture_is_refused():
    from dalle_studio.core.images import ImageOpenError

    with pytest.raises(ImageOpenError, match="not a picture"):
        prepare_edit(b"not a picture", None, spec_for("gpt-image-1"))


def test_a_decompression_bomb_header_is_refused_with_a_reason():
    import struct
    import zlib

    from dalle_studio.api.prepare import open_picture
    from dalle_studio.api.requests import ImageFile
    from dalle_studio.core.images import ImageOpenError

    def chunk(kind: bytes, body: bytes) -> bytes:
        return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body) & 0xFFFFFFFF)

    bomb = (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", 30000, 30000, 8, 2, 0, 0, 0))
            + chunk(b"IDAT", zlib.compress(b"\0" * 64)) + chunk(b"IEND", b""))
    with pytest.raises(ImageOpenError, match="too large"):
        open_picture(bomb)
    assert ImageFile(bomb).dimensions() is None and ImageFile(bomb).has_alpha() is False
