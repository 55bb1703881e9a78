"""Our wire format is the official SDK's: both send the same requests to the loopback server, field for field."""

from __future__ import annotations

import io

import pytest
from PIL import Image

from dalle_studio.api import errors as ours
from dalle_studio.api.requests import EditRequest, GenerateRequest, ImageFile, VariationRequest

from .conftest import call
from .server import api_error

openai = pytest.importorskip("openai")


def png(w: int, h: int) -> bytes:
    buf = io.BytesIO()
    Image.new("RGBA", (w, h), "white").save(buf, "PNG")
    return buf.getvalue()


@pytest.fixture
def sdk(base_url):
    return openai.OpenAI(base_url=base_url, api_key="sk-sdk-0000000000", max_retries=0)


def wire(rec):
    """What matters on the wire: path, JSON body or (sorted) text fields and files."""
    files = sorted((name, filename, data) for name, filename, _, data in rec.files)
    return rec.path, rec.json, sorted(rec.fields), files


def test_generate_json_is_identical(server, sdk, make_client):
    sdk.images.generate(model="gpt-image-1", prompt="Ein Fuchs 🦊", n=2, quality="high", output_format="webp",
                        output_compression=70, moderation="low")
    call(make_client(), "generate", GenerateRequest(model="gpt-image-1", prompt="Ein Fuchs 🦊", n=2, quality="high",
                                                    output_format="webp", output_compression=70, moderation="low"))
    theirs, mine = server.api_requests()
    assert wire(mine) == wire(theirs)


def test_single_image_edit_multipart_is_identical(server, sdk, make_client):
    image, mask = png(16, 16), png(16, 16)
    sdk.images.edit(model="gpt-image-1", prompt="un chat — 猫", image=("picture.png", image, "image/png"),
                    mask=("mask.png", mask, "image/png"), n=2, input_fidelity="high", background="transparent",
                    output_compression=80, output_format="webp", size="1024x1024")
    call(make_client(), "edit", EditRequest(
        model="gpt-image-1", prompt="un chat — 猫", images=(ImageFile(image, "picture.png"),),
        mask=ImageFile(mask, "mask.png"), n=2, input_fidelity="high", background="transparent",
        output_compression=80, output_format="webp", size="1024x1024"))
    theirs, mine = server.api_requests()
    assert wire(mine) == wire(theirs)
    assert [f[0] for f in theirs.files] == ["image", "mask"]


def test_list_of_images_uses_image_brackets_like_the_sdk(server, sdk, make_client):
    a, b = png(8, 8), png(4, 4)
    sdk.images.edit(model="gpt-image-1.5", prompt="x", image=[("a.png", a, "image/png"), ("b.png", b, "image/png")])
    sdk.images.edit(model="gpt-image-1.5", prompt="x", image=[("a.png", a, "image/png")])
    call(make_client(), "edit", EditRequest(model="gpt-image-1.5", prompt="x",
                                            images=(ImageFile(a, "a.png"), ImageFile(b, "b.png"))))
    call(make_client(), "edit", EditRequest(model="gpt-image-1.5", prompt="x", images=(ImageFile(a, "a.png"),),
                                            image_list=True))
    theirs2, theirs1, mine2, mine1 = server.api_requests()
    assert wire(mine2) == wire(theirs2) and wire(mine1) == wire(theirs1)
    assert [f[0] for f in theirs1.files] == ["image[]"]


@pytest.mark.filterwarnings("ignore:deprecated:DeprecationWarning")  # the SDK marks variations deprecated
def test_variation_multipart_is_identical(server, sdk, make_client):
    image = png(16, 16)
    sdk.images.create_variation(model="dall-e-2", image=("v.png", image, "image/png"), n=3, size="512x512",
                                response_format="b64_json")
    call(make_client(), "vary", VariationRequest(model="dall-e-2", image=ImageFile(image, "v.png"), n=3,
                                                 size="512x512", response_format="b64_json"))
    theirs, mine = server.api_requests()
    assert wire(mine) == wire(theirs)


@pytest.mark.parametrize("status", [400, 401, 403, 404, 409, 422, 429, 500, 503])
def test_status_classes_match_the_sdk(server, sdk, make_client, status):
    server.then(api_error(status, None, "x"), api_error(status, None, "x"))
    with pytest.raises(openai.APIStatusError) as theirs:
        sdk.images.generate(model="gpt-image-1", prompt="x")
    with pytest.raises(ours.APIStatusError) as mine:
        call(make_client(max_retries=0), "generate", GenerateRequest(model="gpt-image-1", prompt="x"))
    assert type(theirs.value).__name__ in {cls.__name__ for cls in type(mine.value).__mro__}
