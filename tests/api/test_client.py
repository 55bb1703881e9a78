"""The client against a real HTTP server on loopback: every endpoint and model family, wire format, Azure, streaming,
fan-out, cancellation, model list."""

from __future__ import annotations

import asyncio
import contextlib
import io
import time
from datetime import date

import pytest
from PIL import Image

from dalle_studio.api.models import KNOWN_MODELS
from dalle_studio.api.providers import azure, compatible, openai
from dalle_studio.api.requests import EditRequest, GenerateRequest, ImageFile, VariationRequest

from .conftest import call, run, use
from .server import PNG, sse_answer, wait_for_disconnect


def png(w: int = 16, h: int = 16, mode: str = "RGBA") -> ImageFile:
    buf = io.BytesIO()
    Image.new(mode, (w, h), "white").save(buf, "PNG")
    return ImageFile(buf.getvalue(), "picture.png")


def test_generate_sends_the_sdk_json_body_and_headers(server, make_client, base_url):
    provider = openai(organization="org-123", project="proj_9", base_url=base_url)

    async def go():
        async with make_client(provider, key="sk-test-abcdefghijklmnop") as client:
            return await client.generate(GenerateRequest(model="gpt-image-1", prompt="Ein Fuchs 🦊 — «vite»", n=2,
                                                         quality="high", background="opaque"))

    result = run(go())
    [req] = server.api_requests()
    assert (req.method, req.path) == ("POST", "/v1/images/generations")
    assert req.json == {"model": "gpt-image-1", "prompt": "Ein Fuchs 🦊 — «vite»", "n": 2, "quality": "high",
                        "background": "opaque"}
    assert req.headers["authorization"] == "Bearer sk-test-abcdefghijklmnop"
    assert req.headers["openai-organization"] == "org-123" and req.headers["openai-project"] == "proj_9"
    assert req.headers["content-type"] == "application/json" and req.headers["accept"] == "application/json"
    assert [img.data for img in result.images] == [PNG, PNG] and result.images[0].format == "png"
    assert (result.size, result.quality, result.background, result.output_format) == ("1024x1024", "high", "opaque",
                                                                                       "png")
    assert result.usage.output_tokens == 8320 and result.usage.input_image_tokens == 40
    assert result.attempts == 1 and result.created == 1_800_000_000


def test_headers_are_omitted_when_unset(server, make_client):
    call(make_client(), "generate", GenerateRequest(model="gpt-image-1", prompt="x"))
    headers = server.api_requests()[0].headers
    assert "openai-organization" not in headers and "openai-project" not in headers


def test_dalle3_n3_fans_out_and_downloads_url_results_without_the_key(server, make_client):
    result = call(make_client(), "generate", GenerateRequest(model="dall-e-3", prompt="a lighthouse", n=3))
    posts = [r for r in server.requests if r.method == "POST"]
    downloads = [r for r in server.requests if r.path.startswith("/files/")]
    assert len(posts) == 3 and all("n" not in r.json or r.json["n"] == 1 for r in posts)
    assert len(result.images) == 3 and all(img.data == PNG for img in result.images)
    assert all(img.revised_prompt == "A revised prompt" and img.source_url for img in result.images)
    assert len(downloads) == 3 and all("authorization" not in r.headers for r in downloads)
    assert result.attempts == 3


def test_single_image_edit_is_multipart_with_image_and_mask(server, make_client):
    image, mask = png(16, 16), png(16, 16)
    req = EditRequest(model="gpt-image-1", prompt="Ajoute un chat — 猫", images=(image,), mask=mask, n=2,
                      stream=False, input_fidelity="high", output_compression=80, output_format="webp")
    result = call(make_client(), "edit", req)
    [rec] = server.api_requests()
    assert rec.path == "/v1/images/edits" and rec.headers["content-type"].startswith("multipart/form-data; boundary=")
    assert rec.form() == {"model": "gpt-image-1", "prompt": "Ajoute un chat — 猫", "n": "2", "output_format": "webp",
                          "output_compression": "80", "input_fidelity": "high"}
    assert [(f[0], f[1], f[2], f[3]) for f in rec.files] == [("image", "picture.png", "image/png", image.data),
                                                             ("mask", "picture.png", "image/png", mask.data)]
    assert len(result.images) == 2


def test_several_images_go_as_repeated_image_brackets(server, make_client):
    call(make_client(), "edit", EditRequest(model="gpt-image-1.5", prompt="x", images=(png(), png(8, 8), png(4, 4)),
                                       stream=True))
    rec = server.api_requests()[0]
    assert [f[0] for f in rec.files] == ["image[]", "image[]", "image[]"]
    assert rec.form()["stream"] == "true"
    call(make_client(), "edit", EditRequest(model="gpt-image-1", prompt="x", images=(png(),), image_list=True))
    assert [f[0] for f in server.api_requests()[1].files] == ["image[]"]


def test_variation_of_dalle2(server, make_client):
    result = call(make_client(), "vary", VariationRequest(model="dall-e-2", image=png(), n=2, size="256x256",
                                                     response_format="b64_json"))
    rec = server.api_requests()[0]
    assert rec.path == "/v1/images/variations"
    assert rec.form() == {"model": "dall-e-2", "n": "2", "size": "256x256", "response_format": "b64_json"}
    assert [f[0] for f in rec.files] == ["image"] and len(result.images) == 2


def test_azure_urls_api_version_and_api_key_header(server, make_client, base_url):
    endpoint = base_url.removesuffix("/v1")
    client = make_client(azure("Azure", endpoint=endpoint, api_version="2025-04-01-preview"), key="azure-key-123456")

    async def both(c):
        await c.generate(GenerateRequest(model="my-gpt-image", prompt="x"))
        await c.vary(VariationRequest(model="dall-e-2", image=png()))

    run(use(client, both))
    deployed = make_client(azure("Azure 2", endpoint=endpoint, api_version="v", deployment="dep1"), key="k" * 12)
    call(deployed, "edit", EditRequest(model="gpt-image-1", prompt="x", images=(png(),)))
    gen, var, edit = server.api_requests()
    assert gen.path == "/openai/deployments/my-gpt-image/images/generations"
    assert gen.query == {"api-version": ["2025-04-01-preview"]}
    assert gen.headers["api-key"] == "azure-key-123456" and "authorization" not in gen.headers
    assert var.path == "/openai/images/variations" and var.query == {"api-version": ["2025-04-01-preview"]}
    assert edit.path == "/openai/deployments/dep1/images/edits" and edit.query == {"api-version": ["v"]}


def test_streaming_delivers_partials_as_they_arrive(server, make_client):
    server.then(sse_answer(n_partials=3, pause=0.15))
    seen: list[tuple[int, float]] = []
    result = call(make_client(), "generate",
                  GenerateRequest(model="gpt-image-1", prompt="x", stream=True, partial_images=3),
                  on_partial=lambda p: seen.append((p.index, time.monotonic())))
    assert [i for i, _ in seen] == [0, 1, 2]
    sent = dict(server.events)
    assert seen[0][1] < sent["sent image_generation.completed"]  # shown before the server had even finished
    assert len(result.images) == 1 and result.images[0].data == PNG and result.usage.output_tokens == 272
    assert server.api_requests()[0].json["stream"] is True


def test_provider_limit_of_one_fans_out_with_a_concurrency_limit(server, make_client, base_url):
    server.delay = 0.2
    client = make_client(compatible("One at a time", base_url, max_n=1), max_concurrency=2)
    result = call(client, "generate", GenerateRequest(model="gpt-image-1", prompt="x", n=4))
    assert len(result.images) == 4 and len(server.api_requests()) == 4
    assert all(r.json.get("n", 1) == 1 for r in server.api_requests())
    assert server.max_in_flight == 2  # in parallel, but never more than the limit
    assert result.usage.output_tokens == 4 * 4160


def test_cancelling_closes_the_request_at_once(server, make_client):
    server.then(wait_for_disconnect())

    async def go():
        client = make_client()
        task = asyncio.create_task(client.generate(GenerateRequest(model="gpt-image-1", prompt="x")))
        while not server.requests:
            await asyncio.sleep(0.01)
        await asyncio.sleep(0.05)
        cancelled_at = time.monotonic()
        task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await task
        for _ in range(100):
            if server.events:
                break
            await asyncio.sleep(0.01)
        await client.aclose()
        return cancelled_at

    cancelled_at = run(go())
    assert server.events and server.events[0][0] == "disconnected"
    assert server.events[0][1] - cancelled_at < 0.5
    assert len(server.requests) == 1  # not retried


def test_model_list_merges_provider_and_table(server, make_client, base_url):
    choices = call(make_client(openai(base_url=base_url)), "models", date(2026, 11, 24))
    by_id = {c.id: c for c in choices}
    # no chat models, and on OpenAI no model it shut down (gpt-image-1, dall-e-3)
    assert set(by_id) == {"gpt-image-1.5", "gpt-image-3-preview"}
    assert not by_id["gpt-image-1.5"].shut_down
    assert by_id["gpt-image-1.5"].label == "gpt-image-1.5 (shuts down 2026-12-01)"
    assert not by_id["gpt-image-3-preview"].spec.known  # GPT Image rules for what the table does not know
    assert next(c.id for c in choices) == "gpt-image-3-preview"  # current models first
    compatible_choices = call(make_client(), "models", date(2026, 11, 24))  # a compatible server decides
    assert {"gpt-image-1", "dall-e-3"} <= {c.id for c in compatible_choices}
    assert server.api_requests()[0].path == "/v1/models"


def test_model_list_falls_back_to_the_table(server, make_client):
    from .server import reply

    server.then(reply(404, b"no such route", content_type="text/plain"))
    choices = call(make_client(), "models", date(2026, 11, 24))
    ids = {c.id for c in choices}
    assert "gpt-image-2" in ids and "dall-e-3" not in ids and not any(c.offered for c in choices)
    # no list on OpenAI today: the data's live models, newest first, no shut-down model, no snapshots
    server.then(reply(404, b"no such route", content_type="text/plain"))
    today = call(make_client(), "models", date(2026, 12, 1))
    assert [c.id for c in today][:2] in (["gpt-image-2.6-sunburst", "gpt-image-2.6-flare"],
                                          ["gpt-image-2.6-flare", "gpt-image-2.6-sunburst"])
    assert {c.id for c in today} == {"gpt-image-2", "gpt-image-2.5-flare", "gpt-image-2.5-sunburst",
                                     "gpt-image-2.6-flare", "gpt-image-2.6-sunburst"}


def test_nothing_is_sent_when_validation_fails(server, make_client):
    import pytest

    from dalle_studio.api.errors import RequestValidationError

    with pytest.raises(RequestValidationError):
        call(make_client(), "generate", GenerateRequest(model="dall-e-3", prompt="x", size="256x256"))
    assert server.requests == []


@pytest.mark.parametrize("model", sorted(KNOWN_MODELS))
def test_every_known_model_on_every_endpoint_it_offers(server, make_client, model):
    spec = KNOWN_MODELS[model]

    async def every(client):
        done = []
        if spec.supports("generations"):
            done.append(await client.generate(GenerateRequest(model=model, prompt="x")))
        if spec.supports("edits"):
            done.append(await client.edit(EditRequest(model=model, prompt="x", images=(png(),))))
        if spec.supports("variations"):
            done.append(await client.vary(VariationRequest(model=model, image=png())))
        return done

    results = run(use(make_client(), every))
    assert len(results) == len(spec.endpoints) and all(r.images[0].data == PNG for r in results)
    paths = [r.path for r in server.api_requests()]
    assert paths == [f"/v1/images/{e}" for e in ("generations", "edits", "variations") if spec.supports(e)]
    # DALL·E answers with URLs by default: they were downloaded; GPT Image answers base64
    assert bool([r for r in server.requests if r.path.startswith("/files/")]) == spec.returns_urls


def test_async_partial_callback(server, make_client):
    shown = []

    async def show(partial):
        shown.append(partial.index)

    call(make_client(), "generate", GenerateRequest(model="gpt-image-1", prompt="x", stream=True, partial_images=2),
         on_partial=show)
    assert shown == [0, 1]
