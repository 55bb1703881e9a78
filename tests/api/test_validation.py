"""Requests are refused before sending, with the field, the value, what is allowed and the API's param/code."""

from __future__ import annotations

import io

import pytest
from PIL import Image

from dalle_studio.api.errors import BadRequestError, RequestValidationError
from dalle_studio.api.models import KNOWN_MODELS, spec_for
from dalle_studio.api.requests import EditRequest, GenerateRequest, ImageFile, VariationRequest


def png(width: int, height: int, mode: str = "RGBA", fmt: str = "PNG") -> ImageFile:
    buf = io.BytesIO()
    Image.new(mode, (width, height), (10, 20, 30, 0) if mode == "RGBA" else (10, 20, 30)).save(buf, fmt)
    return ImageFile(buf.getvalue(), filename=f"pic.{fmt.lower()}")


def refused(req) -> RequestValidationError:
    with pytest.raises(RequestValidationError) as info:
        req.validate()
    return info.value


@pytest.mark.parametrize(
    ("req", "param", "code", "words"),
    [
        (GenerateRequest(model="dall-e-3", prompt="cat", n=2), "n", "invalid_value", ["2", "dall-e-3", "n=1"]),
        (GenerateRequest(model="gpt-image-1", prompt="cat", n=11), "n", "integer_above_max_value", ["11", "1 to 10"]),
        (GenerateRequest(model="gpt-image-1", prompt="cat", response_format="url"), "response_format",
         "unknown_parameter", ["response_format", "'url'", "b64_json"]),
        (GenerateRequest(model="dall-e-3", prompt="cat", size="1536x1024"), "size", "invalid_size",
         ["'1536x1024'", "1792x1024"]),
        (GenerateRequest(model="gpt-image-2", prompt="cat", size="1000x1008"), "size", "invalid_size",
         ["'1000x1008'", "multiples of 16"]),
        (GenerateRequest(model="gpt-image-2", prompt="cat", size="3200x1008"), "size", "invalid_size", ["1:3"]),
        (GenerateRequest(model="gpt-image-2", prompt="cat", size="4096x2160"), "size", "invalid_size", ["3840"]),
        (GenerateRequest(model="gpt-image-1", prompt="cat", size="1792x1024"), "size", "invalid_size",
         ["1024x1536"]),
        (GenerateRequest(model="gpt-image-1", prompt="cat", background="transparent", output_format="jpeg"),
         "background", "invalid_value", ["transparent", "jpeg"]),
        (GenerateRequest(model="gpt-image-1", prompt="cat", output_compression=101), "output_compression",
         "integer_above_max_value", ["101", "0–100"]),
        (GenerateRequest(model="gpt-image-1", prompt="cat", stream=True, partial_images=4), "partial_images",
         "invalid_value", ["4", "0 to 3"]),
        (GenerateRequest(model="dall-e-2", prompt="x" * 1001), "prompt", "string_above_max_length", ["1,001", "1,000"]),
        (GenerateRequest(model="dall-e-3", prompt="cat", quality="high"), "quality", "invalid_value",
         ["'high'", "'standard', 'hd'"]),
        (GenerateRequest(model="gpt-image-1", prompt="cat", style="vivid"), "style", "unknown_parameter", ["style"]),
        (GenerateRequest(model="dall-e-2", prompt="cat", stream=True), "stream", "unknown_parameter", ["stream"]),
        (GenerateRequest(model="dall-e-3", prompt="cat", moderation="low"), "moderation", "unknown_parameter", []),
        (GenerateRequest(model="gpt-image-1", prompt="  "), "prompt", "empty_string", ["prompt"]),
    ],
)
def test_generation_rules_name_field_value_and_allowed(req, param, code, words):
    err = refused(req)
    assert (err.param, err.code, err.status) == (param, code, 400)
    assert str(err).startswith(f"{param}:")
    for word in words:
        assert word in str(err)
    assert err.to_body()["error"] == {"message": str(err), "type": "invalid_request_error", "param": param,
                                      "code": code}
    assert isinstance(err, BadRequestError)


@pytest.mark.parametrize("size", ["auto", "1024x1024", "3840x2160", "2160x3840", "1536x864", "768x2304"])
def test_gpt_image_2_accepts_any_size_within_its_rule(size):
    GenerateRequest(model="gpt-image-2-2026-04-21", prompt="cat", size=size).validate()


def test_unknown_model_gets_gpt_image_rules_and_passes_unknown_quality_through():
    spec = GenerateRequest(model="gpt-image-9", prompt="cat", quality="ultra", size="1536x864").validate()
    assert not spec.known and spec.family == "gpt-image"
    assert refused(GenerateRequest(model="gpt-image-9", prompt="cat", response_format="url")).code == \
        "unknown_parameter"


def test_newest_models_take_their_new_qualities():
    GenerateRequest(model="gpt-image-2.5-flare", prompt="cat", quality="xhigh").validate()
    GenerateRequest(model="gpt-image-2.5-sunburst-2026-09-08", prompt="cat", quality="max").validate()


def test_every_known_model_has_consistent_limits():
    for model_id, spec in KNOWN_MODELS.items():
        assert spec.id == model_id
        assert spec.endpoints
        assert spec.default_size == "auto" or spec.default_size in spec.sizes
    assert spec_for("dall-e-3").max_n == 1
    assert spec_for("gpt-image-1-mini").input_fidelities == ("low",)
    assert spec_for("gpt-image-2").input_fidelities == () == spec_for("gpt-image-2.6-flare").input_fidelities


def test_dalle3_has_no_edits_and_only_dalle2_has_variations():
    assert refused(EditRequest(model="dall-e-3", prompt="x", images=(png(64, 64),))).param == "model"
    assert refused(VariationRequest(model="gpt-image-1", image=png(64, 64))).param == "model"
    VariationRequest(model="dall-e-2", image=png(64, 64), size="512x512").validate()
    err = refused(VariationRequest(model="dall-e-2", image=png(64, 64), size="1024x1536"))
    assert err.code == "invalid_size"


def test_edit_input_rules():
    ok = png(64, 48)
    EditRequest(model="gpt-image-1", prompt="x", images=(ok, png(32, 32, "RGB", "JPEG")), mask=png(64, 48)).validate()
    assert refused(EditRequest(model="gpt-image-1", prompt="x", images=(ok,) * 17)).param == "image[]"
    err = refused(EditRequest(model="dall-e-2", prompt="x", images=(ok,)))
    assert (err.code, err.param) == ("invalid_image", "image") and "64x48 is not square" in str(err)
    err = refused(EditRequest(model="dall-e-2", prompt="x", images=(png(32, 32, "RGB", "JPEG"),)))
    assert err.code == "invalid_image_format" and "jpeg" in str(err)
    err = refused(EditRequest(model="gpt-image-1", prompt="x", images=(ok,), mask=png(32, 32)))
    assert err.param == "mask" and "32x32 differs from the image's 64x48" in str(err)
    err = refused(EditRequest(model="gpt-image-1", prompt="x", images=(ok,), mask=png(64, 48, "RGB")))
    assert err.code == "invalid_image_file" and "alpha" in str(err)
    err = refused(EditRequest(model="gpt-image-1-mini", prompt="x", images=(ok,), input_fidelity="high"))
    assert (err.param, err.code) == ("input_fidelity", "invalid_value")  # mini takes "low" only
    err = refused(EditRequest(model="gpt-image-2", prompt="x", images=(ok,), input_fidelity="low"))
    assert (err.param, err.code) == ("input_fidelity", "invalid_input_fidelity_model")
    assert "does not support the 'input_fidelity' parameter" in str(err)
    err = refused(EditRequest(model="gpt-image-1", prompt="x", images=(ImageFile(b"GIF89a...", "a.gif"),)))
    assert err.code == "invalid_image_format"


def test_dalle2_image_must_be_under_4_mb():
    big = ImageFile(png(64, 64).data + b"\0" * (4 * 1024 * 1024), "big.png")
    err = refused(EditRequest(model="dall-e-2", prompt="x", images=(big,)))
    assert err.code == "image_file_too_large" and "under 4 MB" in str(err)


def test_form_fields_are_serialised_like_the_sdk():
    req = GenerateRequest(model="gpt-image-1", prompt="é ✓", n=2, stream=True, partial_images=0, size=None)
    assert req.form_fields() == {"model": "gpt-image-1", "prompt": "é ✓", "n": "2", "stream": "true",
                                 "partial_images": "0"}
    assert req.json_body() == {"model": "gpt-image-1", "prompt": "é ✓", "n": 2, "stream": True, "partial_images": 0}
    edit = EditRequest(model="gpt-image-1", prompt="x", images=(png(8, 8),))
    assert [name for name, _ in edit.files()] == ["image"]
    edit2 = EditRequest(model="gpt-image-1", prompt="x", images=(png(8, 8), png(8, 8)), mask=png(8, 8))
    assert [name for name, _ in edit2.files()] == ["image[]", "image[]", "mask"]


def test_engine_side_parsing_from_form_text_and_json():
    req = EditRequest.from_form({"prompt": "x", "n": "3", "stream": "false", "partial_images": "2"}, [png(8, 8)])
    assert (req.model, req.n, req.stream, req.partial_images) == ("gpt-image-1.5", 3, False, 2)
    with pytest.raises(RequestValidationError) as info:
        EditRequest.from_form({"prompt": "x", "moderation": "low"}, [png(8, 8)])
    assert (info.value.param, info.value.code) == ("moderation", "unknown_parameter")
    with pytest.raises(RequestValidationError) as info:
        GenerateRequest.from_json({"prompt": "x", "n": "2"})
    assert (info.value.param, info.value.code) == ("n", "invalid_type")
    with pytest.raises(RequestValidationError) as info:
        GenerateRequest.from_json({"model": "gpt-image-1"})
    assert (info.value.param, info.value.code) == ("prompt", "missing_required_parameter")
    assert GenerateRequest.from_json({"prompt": "x"}).model == "dall-e-2"


def test_image_file_repr_never_dumps_bytes():
    assert "bytes" in repr(png(8, 8)) and "\\x89" not in repr(png(8, 8))
