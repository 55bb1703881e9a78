"""Property-based: malformed multipart bodies, wrong types and broken pictures never give a 500 or kill the engine."""

from __future__ import annotations

import io

import httpx
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from PIL import Image

from dalle_studio.engine.catalog import ENGINE_MODEL_ID
from tests.engine.conftest import RunningEngine, hole_mask, png_bytes, striped

FIELDS = ["prompt", "model", "n", "size", "response_format", "output_format", "output_compression", "background",
          "quality", "input_fidelity", "stream", "partial_images", "user", "moderation", "style", "seed"]
MODELS = [ENGINE_MODEL_ID, "dall-e-2", "dall-e-3", "gpt-image-1", "gpt-image-1-mini", "gpt-image-2", "made-up"]
GOOD_PNG = png_bytes(striped(32, 32))
GOOD_MASK = png_bytes(hole_mask(32, 32, (8, 8, 20, 20)))


def _jpeg() -> bytes:
    buf = io.BytesIO()
    Image.new("RGB", (32, 32), (1, 2, 3)).save(buf, "JPEG")
    return buf.getvalue()


PICTURES = st.one_of(
    st.just(GOOD_PNG),
    st.just(_jpeg()),
    st.binary(max_size=300),
    st.builds(lambda n, junk: GOOD_PNG[:n] + junk, st.integers(0, len(GOOD_PNG)), st.binary(max_size=40)),
    st.just(b"\x89PNG\r\n\x1a\n"),
)
TEXT = st.one_of(
    st.text(max_size=30), st.sampled_from(["", "1", "-1", "0", "11", "3.5", "true", "false", "null", "auto",
                                           "transparent", "jpeg", "1024x1024", "16x16", "0x0", "99999x99999",
                                           "url", "b64_json", "high"]),
)

# The Settings profile keeps the run short: each example is one real HTTP request to the session's engine.
FUZZ = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])


def assert_shaped_client_error(response: httpx.Response) -> None:
    assert response.status_code < 500, response.text
    if response.status_code >= 400:
        assert set(response.json()["error"]) == {"message", "type", "param", "code"}


@FUZZ
@given(
    model=st.sampled_from(MODELS),
    fields=st.dictionaries(st.sampled_from(FIELDS), TEXT, max_size=5),
    pictures=st.lists(st.tuples(st.sampled_from(["image", "image[]", "mask", "prompt", "n"]), PICTURES), max_size=3),
    endpoint=st.sampled_from(["edits", "variations"]),
)
def test_random_forms_never_give_a_server_error(engine: RunningEngine, model: str, fields: dict[str, str],
                                                pictures: list[tuple[str, bytes]], endpoint: str) -> None:
    data = {"model": model, "prompt": "x", **fields}
    data.pop("stream", None)  # a valid stream answers 200 with events; covered by the edit tests
    files = [(name, ("f.png", content, "image/png")) for name, content in pictures]
    response = httpx.post(f"{engine.base_url}/images/{endpoint}", headers=engine.headers(), data=data,
                          files=files or [("image", ("f.png", GOOD_PNG, "image/png"))], timeout=60)
    assert_shaped_client_error(response)


@FUZZ
@given(body=st.binary(max_size=400), boundary=st.sampled_from(["x", "----b", ""]),
       endpoint=st.sampled_from(["edits", "variations", "generations"]))
def test_raw_garbage_bodies_never_give_a_server_error(engine: RunningEngine, body: bytes, boundary: str,
                                                      endpoint: str) -> None:
    content_type = f"multipart/form-data; boundary={boundary}" if endpoint != "generations" else "application/json"
    response = httpx.post(f"{engine.base_url}/images/{endpoint}", content=body, timeout=30,
                          headers=engine.headers(**{"content-type": content_type}))
    assert_shaped_client_error(response)


JSON_LEAVES = st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False, allow_infinity=False) | st.text(
    max_size=8)
JSON_VALUES = st.recursive(
    JSON_LEAVES,
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.sampled_from(FIELDS), inner, max_size=4),
    max_leaves=8,
)


@FUZZ
@given(body=JSON_VALUES)
def test_generation_json_of_any_shape_never_gives_a_server_error(engine: RunningEngine, body: object) -> None:
    response = httpx.post(f"{engine.base_url}/images/generations", json=body, headers=engine.headers(), timeout=30)
    assert_shaped_client_error(response)
    assert response.status_code == 400


@pytest.mark.parametrize("mask", [GOOD_MASK, b"", b"\x89PNG\r\n\x1a\n\x00\x00"])
def test_engine_is_still_healthy_after_the_fuzzing(engine: RunningEngine, mask: bytes) -> None:
    files = [("image", ("p.png", GOOD_PNG, "image/png")), ("mask", ("m.png", mask, "image/png"))]
    response = httpx.post(f"{engine.base_url}/images/edits", headers=engine.headers(), files=files,
                          data={"prompt": "x", "model": ENGINE_MODEL_ID}, timeout=30)
    assert response.status_code == (200 if mask == GOOD_MASK else 400)
