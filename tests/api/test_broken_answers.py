"""Broken answers against a real loopback server: a reset connection says what happened, a picture that does not
decode is the provider's fault (and its bytes are kept), and the timeouts hold what Preferences promise."""

from __future__ import annotations

import base64

import pytest

from dalle_studio.api import errors as e
from dalle_studio.api.requests import GenerateRequest
from dalle_studio.jobs.explain import explain

from .conftest import call
from .server import PNG, reply, reset_connection

GPT = GenerateRequest(model="gpt-image-1", prompt="a red fox")
GARBAGE_PNG = b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 4  # a PNG signature, then junk
TRUNCATED_PNG = PNG[: len(PNG) * 2 // 3]  # a real PNG cut short: the header reads, the pixels do not


def b64_answer(*pictures: bytes) -> dict:
    return {"created": 1, "data": [{"b64_json": base64.b64encode(p).decode()} for p in pictures]}


def test_a_reset_connection_says_what_happened_and_where(server, make_client, base_url):
    server.then(reset_connection(), reset_connection(), reset_connection())
    with pytest.raises(e.APIConnectionError) as info:
        call(make_client(), "generate", GPT)
    message = str(info.value)
    assert "reset by the server" in message and "(ReadError" in message and base_url in message
    assert ": ." not in message
    assert info.value.attempts == 3  # a reset is retried, as the SDK does


@pytest.mark.parametrize("picture", [GARBAGE_PNG, TRUNCATED_PNG], ids=["signature-then-junk", "truncated"])
def test_a_picture_that_does_not_decode_is_the_providers_fault_and_its_bytes_are_kept(server, make_client,
                                                                                       picture):
    server.then(reply(200, b64_answer(picture)))
    with pytest.raises(e.UndecodableImageError) as info:
        call(make_client(), "generate", GPT)
    err = info.value
    assert isinstance(err, e.APIResponseError) and err.attempts == 1  # paid for: never sent again
    assert err.pictures == (picture,)  # the bytes received, for keeping
    assert "does not decode" in str(err) and "Test server" in str(err)
    told = explain(err)
    assert "provider" in told.message and "Unexpected" not in told.message and "bug" not in told.hint


def test_the_good_pictures_of_an_answer_are_kept_beside_a_bad_one(server, make_client):
    server.then(reply(200, b64_answer(PNG, GARBAGE_PNG)))
    result = call(make_client(), "generate", GenerateRequest(model="gpt-image-1", prompt="x", n=2))
    assert [i.data for i in result.images] == [PNG]
    (bad,) = result.errors
    assert isinstance(bad, e.UndecodableImageError) and bad.pictures == (GARBAGE_PNG,)


def test_a_result_url_that_does_not_decode(server, make_client, base_url):
    server.then(reply(200, {"created": 1, "data": [{"url": f"{base_url}/r.png"}]}),
                reply(200, TRUNCATED_PNG, content_type="image/png"))
    with pytest.raises(e.UndecodableImageError) as info:
        call(make_client(), "generate", GenerateRequest(model="dall-e-3", prompt="x"))
    assert info.value.pictures == (TRUNCATED_PNG,)


