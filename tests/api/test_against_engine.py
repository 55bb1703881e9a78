"""The client against the embedded engine, started the way the app starts it: the same code path as a remote server."""

from __future__ import annotations

import io
from collections.abc import Iterator
from datetime import date

import numpy as np
import pytest
from PIL import Image

from dalle_studio.api import errors as e
from dalle_studio.api.client import ImagesClient
from dalle_studio.api.models import spec_for
from dalle_studio.api.prepare import prepare_edit
from dalle_studio.api.providers import engine as engine_provider
from dalle_studio.api.requests import EditRequest, GenerateRequest, VariationRequest

from .conftest import call

supervisor_module = pytest.importorskip("dalle_studio.engine.supervisor")
ENGINE_MODEL = "studio-classical-fill"


@pytest.fixture(scope="module")
def running_engine() -> Iterator[tuple[str, str]]:
    supervisor = supervisor_module.EngineSupervisor()
    base_url, token, _ = supervisor.start()
    try:
        yield base_url, token
    finally:
        supervisor.stop()


@pytest.fixture
def client(running_engine) -> ImagesClient:
    base_url, token = running_engine
    return ImagesClient(engine_provider(base_url), token)


def photo_and_hole() -> tuple[bytes, bytes]:
    rng = np.random.default_rng(3)
    rgb = np.clip(rng.normal(120, 20, (300, 400, 3)), 0, 255).astype(np.uint8)
    photo, mask = io.BytesIO(), io.BytesIO()
    Image.fromarray(rgb).save(photo, "JPEG")
    alpha = np.full((300, 400), 255, np.uint8)
    alpha[120:180, 150:250] = 0
    Image.fromarray(alpha, "L").save(mask, "PNG")
    return photo.getvalue(), mask.getvalue()


def test_prepared_edit_is_filled_by_the_engine(client):
    photo, mask = photo_and_hole()
    prepared = prepare_edit(photo, mask, spec_for(ENGINE_MODEL), target_pixels=320 * 240)
    result = call(client, "edit", EditRequest(model=ENGINE_MODEL, prompt="fill", images=prepared.images,
                                              mask=prepared.mask, n=2, size=prepared.size))
    assert len(result.images) == 2 and result.images[0].format == "png"
    out = Image.open(io.BytesIO(result.images[0].data))
    assert f"{out.width}x{out.height}" == prepared.size


def test_variations_and_the_model_list(client, running_engine):
    photo, _ = photo_and_hole()
    prepared = prepare_edit(photo, None, spec_for(ENGINE_MODEL), size="256x256")
    result = call(client, "vary", VariationRequest(model=ENGINE_MODEL, image=prepared.image, n=2))
    assert len(result.images) == 2 and result.images[0].data != result.images[1].data
    base_url, token = running_engine
    choices = call(ImagesClient(engine_provider(base_url), token), "models", date(2026, 11, 24))
    assert choices[0].id == ENGINE_MODEL and not choices[0].shut_down


def test_generation_is_refused_with_an_explained_error(client):
    with pytest.raises(e.BadRequestError) as info:
        call(client, "generate", GenerateRequest(model=ENGINE_MODEL, prompt="a cat"))
    assert info.value.attempts == 1 and info.value.code and info.value.server_message


def test_wrong_token_is_an_authentication_error(running_engine):
    base_url, _ = running_engine
    with pytest.raises(e.AuthenticationError):
        call(ImagesClient(engine_provider(base_url), "sk-wrong-0000000000"), "models", date(2026, 11, 24))
