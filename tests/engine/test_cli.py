"""The command line: loopback unless a token protects the engine; a streamed failure arrives as an error event."""

from __future__ import annotations

import io

import numpy as np
import openai
import pytest
from PIL import Image

from dalle_studio.engine.__main__ import is_loopback, main
from dalle_studio.engine.catalog import ENGINE_MODEL_ID
from tests.engine.conftest import decode, png_bytes, striped


def test_a_public_address_without_a_token_is_refused(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as info:
        main(["--host", "0.0.0.0"])
    assert info.value.code == 2
    assert "--token" in capsys.readouterr().err


def test_loopback_addresses() -> None:
    assert is_loopback("127.0.0.1") and is_loopback("::1") and is_loopback("localhost")
    assert not is_loopback("0.0.0.0") and not is_loopback("192.168.1.4")


def test_a_picture_broken_after_its_header_fails_mid_stream_as_an_error_event(client: openai.OpenAI) -> None:
    whole = png_bytes(striped(64, 64))
    broken = whole[:60] + b"\x00" * 40  # the header (size) reads; the pixels do not
    stream = client.images.edit(model=ENGINE_MODEL_ID, prompt="x", image=("p.png", broken, "image/png"),
                                stream=True, partial_images=1)
    with pytest.raises(openai.APIError) as info:
        list(stream)
    assert "image" in str(info.value.message)


def test_an_unmasked_opaque_edit_answers_with_a_variation(client: openai.OpenAI) -> None:
    import base64

    source = striped(128, 96)
    result = client.images.edit(model=ENGINE_MODEL_ID, prompt="x", image=("p.png", png_bytes(source), "image/png"))
    out = decode(base64.b64decode(result.data[0].b64_json))
    assert out.shape == source.shape
    assert np.abs(out.astype(int) - source.astype(int)).mean() > 5
    assert Image.open(io.BytesIO(base64.b64decode(result.data[0].b64_json))).format == "PNG"
