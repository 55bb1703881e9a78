"""Invalid requests get the status and ``{"error": {message, type, param, code}}`` body the real API gives, raised by
the official SDK as its own exception classes."""

from __future__ import annotations

from typing import Any

import httpx
import numpy as np
import openai
import pytest

from dalle_studio.engine.catalog import ENGINE_MODEL_ID
from tests.engine.conftest import RunningEngine, hole_mask, png_bytes, png_header_claiming, striped

SQUARE = ("sq.png", png_bytes(striped(64, 64)), "image/png")
WIDE = ("wide.png", png_bytes(striped(96, 64)), "image/png")
JPEG_MASK = ("m.jpg", b"\xff\xd8\xff\xe0" + b"0" * 100, "image/jpeg")
NO_ALPHA_MASK = ("m.png", png_bytes(striped(64, 64)[..., :3]), "image/png")
SMALL_MASK = ("m.png", png_bytes(hole_mask(32, 32, (0, 0, 8, 8))), "image/png")
NOT_A_PICTURE = ("x.png", b"\x89PNG\r\n\x1a\nthis is not a png", "image/png")


def edit(client: openai.OpenAI, **kw: Any) -> Any:
    args = {"model": ENGINE_MODEL_ID, "prompt": "x", "image": SQUARE, **kw}
    return client.images.edit(**args)


pytestmark = pytest.mark.filterwarnings("ignore:deprecated:DeprecationWarning")  # create_variation

CASES: list[tuple[str, Any, type[openai.APIStatusError], str | None, str | None]] = [
    ("n above 10", lambda c: edit(c, n=11), openai.BadRequestError, "n", "integer_above_max_value"),
    ("n below 1", lambda c: edit(c, n=0), openai.BadRequestError, "n", "integer_below_min_value"),
    ("response_format on GPT rules", lambda c: edit(c, response_format="url"), openai.BadRequestError,
     "response_format", "unknown_parameter"),
    ("size not allowed", lambda c: edit(c, model="gpt-image-1", size="640x480"), openai.BadRequestError, "size",
     "invalid_size"),
    ("transparent jpeg", lambda c: edit(c, background="transparent", output_format="jpeg"), openai.BadRequestError,
     "background", "invalid_value"),
    ("compression over 100", lambda c: edit(c, output_compression=101, output_format="jpeg"), openai.BadRequestError,
     "output_compression", "integer_above_max_value"),
    ("partial_images over 3", lambda c: edit(c, stream=True, partial_images=4), openai.BadRequestError,
     "partial_images", "invalid_value"),
    ("17 images", lambda c: edit(c, image=[SQUARE] * 17), openai.BadRequestError, "image[]", "invalid_value"),
    ("dall-e-2 non-square", lambda c: edit(c, model="dall-e-2", image=WIDE), openai.BadRequestError, "image",
     "invalid_image"),
    ("mask not png", lambda c: edit(c, mask=JPEG_MASK), openai.BadRequestError, "mask", "invalid_image_format"),
    ("mask without alpha", lambda c: edit(c, mask=NO_ALPHA_MASK), openai.BadRequestError, "mask",
     "invalid_image_file"),
    ("mask of another size", lambda c: edit(c, mask=SMALL_MASK), openai.BadRequestError, "mask",
     "invalid_image_file"),
    ("input_fidelity high on mini", lambda c: edit(c, model="gpt-image-1-mini", input_fidelity="high"),
     openai.BadRequestError, "input_fidelity", "invalid_value"),
    ("input_fidelity on gpt-image-2", lambda c: edit(c, model="gpt-image-2", input_fidelity="low"),
     openai.BadRequestError, "input_fidelity", "invalid_input_fidelity_model"),
    ("prompt too long for dall-e-2", lambda c: edit(c, model="dall-e-2", prompt="a" * 1001), openai.BadRequestError,
     "prompt", "string_above_max_length"),
    ("broken picture", lambda c: edit(c, image=NOT_A_PICTURE), openai.BadRequestError, "image", "invalid_image_file"),
    ("edit with dall-e-3", lambda c: edit(c, model="dall-e-3"), openai.BadRequestError, "model", "invalid_value"),
    ("variation with a GPT model", lambda c: c.images.create_variation(model="gpt-image-1", image=SQUARE),
     openai.BadRequestError, "model", "invalid_value"),
    ("variation size", lambda c: c.images.create_variation(image=SQUARE, size="1024x1536"), openai.BadRequestError,
     "size", "invalid_size"),
    ("generation cannot draw", lambda c: c.images.generate(model=ENGINE_MODEL_ID, prompt="a cat"),
     openai.BadRequestError, "prompt", "unsupported_model_capability"),
    ("generation without prompt rules first", lambda c: c.images.generate(model="dall-e-3", prompt="a cat", n=2),
     openai.BadRequestError, "n", "invalid_value"),
    ("size beyond what the engine makes", lambda c: edit(c, model="made-up", size="99999x99999"),
     openai.BadRequestError, "size", "invalid_size"),
    ("unknown model id", lambda c: c.models.retrieve("no-such-model"), openai.NotFoundError, "model",
     "model_not_found"),
]


@pytest.mark.parametrize(("call", "exc_class", "param", "code"), [c[1:] for c in CASES], ids=[c[0] for c in CASES])
def test_invalid_request_raises_the_sdk_error_with_param_and_code(
    client: openai.OpenAI, call: Any, exc_class: type[openai.APIStatusError], param: str | None, code: str | None
) -> None:
    with pytest.raises(exc_class) as info:
        call(client)
    error = info.value
    assert (error.param, error.code) == (param, code)
    body = error.response.json()
    assert set(body) == {"error"}
    assert set(body["error"]) == {"message", "type", "param", "code"}
    assert body["error"]["message"]
    assert (error.request_id or "").startswith("req_")


def test_generation_refusal_tells_the_user_what_to_do_instead(client: openai.OpenAI) -> None:
    with pytest.raises(openai.BadRequestError) as info:
        client.images.generate(model=ENGINE_MODEL_ID, prompt="a lighthouse")
    message = info.value.response.json()["error"]["message"]
    assert "cannot draw from text" in message
    assert "New canvas" in message


def test_missing_and_wrong_token_are_401_invalid_api_key(engine: RunningEngine) -> None:
    for headers in ({}, {"Authorization": "Bearer wrong"}):
        response = httpx.get(f"{engine.base_url}/models", headers=headers)
        assert response.status_code == 401
        assert response.json()["error"]["code"] == "invalid_api_key"
    wrong = openai.OpenAI(base_url=engine.base_url, api_key="wrong", max_retries=0)
    with pytest.raises(openai.AuthenticationError):
        wrong.models.list()


def test_unknown_path_is_a_shaped_404(engine: RunningEngine) -> None:
    response = httpx.post(f"{engine.base_url}/images/nothing", headers=engine.headers())
    assert response.status_code == 404
    assert response.json() == {"error": {"message": "Invalid URL (POST /v1/images/nothing)",
                                         "type": "invalid_request_error", "param": None, "code": None}}


def test_oversized_body_is_refused_with_413(engine: RunningEngine) -> None:
    big = b"0" * (129 * 1024 * 1024)
    response = httpx.post(f"{engine.base_url}/images/edits", headers=engine.headers(), content=big,
                          timeout=30)
    assert response.status_code == 413
    assert response.json()["error"]["code"] == "request_too_large"


def test_decompression_bomb_is_refused_without_decoding(engine: RunningEngine) -> None:
    import io

    from PIL import Image

    buf = io.BytesIO()
    Image.new("L", (9000, 9000)).save(buf, "PNG")  # 81 megapixels in ~80 kB
    files = {"image": ("bomb.png", buf.getvalue(), "image/png")}
    response = httpx.post(f"{engine.base_url}/images/edits", headers=engine.headers(), files=files,
                          data={"prompt": "x", "model": ENGINE_MODEL_ID}, timeout=30)
    assert response.status_code == 400
    assert response.json()["error"]["code"] == "image_too_large"


@pytest.mark.parametrize("field", ["image", "image[]", "mask"])
def test_a_header_claiming_900_megapixels_is_refused_not_a_crash(engine: RunningEngine, field: str) -> None:
    bomb = ("bomb.png", png_header_claiming(30000, 30000), "image/png")
    files = [("image", SQUARE), (field, bomb)] if field == "mask" else [(field, bomb)]
    response = httpx.post(f"{engine.base_url}/images/edits", headers=engine.headers(), files=files,
                          data={"prompt": "x", "model": ENGINE_MODEL_ID}, timeout=30)
    assert response.status_code == 400
    assert response.json()["error"]["code"] == "image_too_large"
    assert response.json()["error"]["param"] == field


def test_models_lists_the_engine_model_saying_it_ignores_the_prompt(client: openai.OpenAI) -> None:
    models = client.models.list()
    first = models.data[0]
    assert first.id == ENGINE_MODEL_ID
    description = first.model_extra["description"]
    assert "does not read the prompt" in description
    assert {"dall-e-2", "gpt-image-1", "gpt-image-2"} <= {m.id for m in models.data}


def test_garbage_body_is_a_400_not_a_500(engine: RunningEngine) -> None:
    for content_type in ("multipart/form-data; boundary=xyz", "application/json", "text/plain"):
        headers = engine.headers(**{"content-type": content_type})
        response = httpx.post(f"{engine.base_url}/images/edits", headers=headers,
                              content=np.random.default_rng(0).bytes(2000))
        assert response.status_code == 400, response.text
        assert set(response.json()["error"]) == {"message", "type", "param", "code"}
