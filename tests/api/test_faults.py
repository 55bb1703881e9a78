"""The fault matrix: each case asserts what the caller gets, what the person reads, and how many attempts were made."""

from __future__ import annotations

import socket
from email.utils import formatdate
from time import time

import httpx
import pytest

from dalle_studio.api import errors as e
from dalle_studio.api.providers import compatible
from dalle_studio.api.requests import GenerateRequest
from dalle_studio.jobs.explain import explain

from .conftest import call
from .server import PNG_B64, api_error, drop_mid_body, reply, slow, sse_events

GPT = GenerateRequest(model="gpt-image-1", prompt="a red fox")
KEY = "sk-proj-SECRETSECRETSECRET123"


def fail(make_client, request=GPT, **kw) -> e.ImagesAPIError:
    with pytest.raises(e.ImagesAPIError) as info:
        call(make_client(key=KEY, **kw), "generate", request)
    assert KEY not in str(info.value) and KEY not in repr(info.value)
    return info.value


@pytest.mark.parametrize(
    ("action", "cls", "attempts", "words"),
    [
        (api_error(400, "invalid_size", "Invalid size", param="size"), e.ParameterRefusedError, 1,
         ["size", "Invalid size"]),
        (api_error(400, "moderation_blocked", "Your request was rejected by the safety system.",
                   type_="image_generation_user_error"), e.ContentRefusedError, 1, ["safety system"]),
        (api_error(400, "content_policy_violation", "Blocked."), e.ContentRefusedError, 1, ["safety system"]),
        (api_error(401, "invalid_api_key", f"Incorrect API key provided: {KEY}."), e.AuthenticationError, 1,
         ["key was refused", "[redacted]"]),
        (api_error(403, None, "Organization must be verified"), e.PermissionDeniedError, 1, ["not allowed"]),
        (api_error(404, "model_not_found", "The model `gpt-image-1` does not exist"), e.ModelNotFoundError, 1,
         ["'gpt-image-1'", "gpt-image-2"]),
        (api_error(404, None, "Not found"), e.NotFoundError, 1, ["base URL"]),
        (api_error(408, None, "Request timeout"), e.APIStatusError, 3, ["408"]),
        (api_error(409, None, "Conflict"), e.ConflictError, 3, ["409"]),
        (api_error(413, None, "Too large"), e.APIStatusError, 1, ["413"]),
        (api_error(422, None, "Unprocessable"), e.UnprocessableEntityError, 1, ["422"]),
        (api_error(429, "rate_limit_exceeded", "Rate limit reached. Please try again in 20s."), e.RateLimitError, 3,
         ["Wait about 20 s"]),
        (api_error(429, "insufficient_quota", "You exceeded your current quota", type_="insufficient_quota"),
         e.QuotaExhaustedError, 1, ["run out of credit"]),
        (api_error(500, "server_error", "Oops"), e.InternalServerError, 3, ["HTTP 500"]),
        (reply(502, b"<html><head><style>x{}</style></head><body><h1>502 Bad Gateway</h1><hr>nginx</body></html>",
               content_type="text/html"), e.InternalServerError, 3, ["502 Bad Gateway nginx"]),
        (reply(503, b"", content_type="text/plain"), e.InternalServerError, 3, ["HTTP 503"]),
    ],
)
def test_status_matrix(server, make_client, action, cls, attempts, words):
    server.then(action, action, action)
    err = fail(make_client)
    assert type(err) is cls
    assert err.attempts == attempts == len(server.api_requests())
    assert str(err).startswith(f"HTTP {err.status}")  # the api layer states facts; jobs.explain words them
    told = explain(err).message
    for word in words:
        assert word in told
    assert "<" not in told


def test_retry_count_header_is_sent(server, make_client):
    server.then(api_error(500, None), api_error(500, None))
    call(make_client(), "generate", GPT)
    assert [r.headers["x-stainless-retry-count"] for r in server.api_requests()] == ["0", "1", "2"]


def test_success_after_a_retried_failure(server, make_client, sleeps):
    server.then(api_error(503, None, "busy"))
    result = call(make_client(), "generate", GPT)
    assert result.attempts == 2 and len(result.images) == 1
    assert sleeps.waits == [0.5]


@pytest.mark.parametrize(
    ("headers", "attempts", "waits"),
    [
        ({}, 3, [0.5, 1.0]),
        ({"retry-after": "2"}, 3, [2.0, 2.0]),
        ({"retry-after-ms": "250", "retry-after": "9"}, 3, [0.25, 0.25]),
        ({"retry-after": "121"}, 1, []),
        ({"x-should-retry": "false"}, 1, []),
    ],
)
def test_retry_header_forms_on_429(server, make_client, sleeps, headers, attempts, waits):
    action = api_error(429, "rate_limit_exceeded", "slow down", headers=headers)
    server.then(action, action, action)
    err = fail(make_client)
    assert err.attempts == attempts and sleeps.waits == pytest.approx(waits)


def test_retry_after_as_an_http_date(server, make_client, sleeps):
    action = api_error(503, None, "later", headers={"Retry-After": formatdate(time() + 30, usegmt=True)})
    server.then(action, action, action)
    assert fail(make_client).attempts == 3
    assert all(28 <= w <= 31 for w in sleeps.waits) and len(sleeps.waits) == 2


def test_x_should_retry_true_retries_a_400(server, make_client):
    action = api_error(400, None, "flaky", headers={"x-should-retry": "true"})
    server.then(action, action, action)
    assert fail(make_client).attempts == 3


def test_max_retries_is_configurable(server, make_client):
    server.then(*[api_error(500, None)] * 6)
    assert fail(make_client, max_retries=5).attempts == 6
    server.reset()
    server.then(api_error(500, None))
    assert fail(make_client, max_retries=0).attempts == 1


def test_timeout_is_retried_then_reported(server, make_client):
    server.then(slow(0.6), slow(0.6), slow(0.6))
    err = fail(make_client, timeout=httpx.Timeout(0.15))
    assert type(err) is e.APITimeoutError and err.attempts == 3 and "did not answer in time" in str(err)


def test_connection_dropped_mid_body_is_retried(server, make_client):
    server.then(drop_mid_body())
    assert call(make_client(), "generate", GPT).attempts == 2
    server.reset()
    server.then(drop_mid_body(), drop_mid_body(), drop_mid_body())
    err = fail(make_client)
    assert type(err) is e.APIConnectionError and err.attempts == 3


def test_connection_refused(make_client, sleeps):
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    err = fail(make_client, provider=compatible("Nobody", f"http://127.0.0.1:{port}/v1"))
    assert type(err) is e.APIConnectionError and err.attempts == 3 and "Nobody" in str(err)
    assert f"http://127.0.0.1:{port}/v1" in str(err)  # the address it tried


@pytest.mark.parametrize(
    ("action", "words"),
    [
        (reply(200, b'{"created": 1, "data": [{"b64_json": "iVBO'), "not valid JSON"),
        (reply(200, b"<html>Welcome to nginx</html>", content_type="text/html"), "not valid JSON"),
        (reply(200, {"created": 1, "data": [{"b64_json": "!!! not base64 !!!"}]}), "not valid base64"),
        (reply(200, {"created": 1, "data": [{"b64_json": "aGVsbG8="}]}), "not a PNG, JPEG or WebP"),
        (reply(200, {"created": 1, "data": []}), "without any image"),
        (reply(200, {"created": 1, "data": [{"url": "ftp://example.com/a.png"}]}), "unsupported scheme"),
    ],
)
def test_unusable_answers(server, make_client, action, words):
    server.then(action)
    err = fail(make_client)
    assert type(err) is e.APIResponseError and words in str(err) and err.attempts == 1


def test_result_url_that_404s(server, make_client, base_url):
    server.then(reply(200, {"created": 1, "data": [{"url": f"{base_url}/expired.png"}]}),
                reply(404, b"gone", content_type="text/plain"))
    err = fail(make_client, request=GenerateRequest(model="dall-e-3", prompt="x"))
    assert type(err) is e.APIResponseError and "HTTP 404" in str(err) and "expire" in str(err)


def test_result_url_larger_than_the_limit(server, make_client, base_url):
    server.then(reply(200, {"created": 1, "data": [{"url": f"{base_url}/huge.png"}]}),
                reply(200, b"\x89PNG\r\n\x1a\n" + b"0" * 5000, content_type="image/png"))
    err = fail(make_client, request=GenerateRequest(model="dall-e-3", prompt="x"), max_download_bytes=1000)
    assert "too large" in str(err)


STREAM = GenerateRequest(model="gpt-image-1", prompt="x", stream=True, partial_images=1)
PARTIAL = ("image_generation.partial_image", {"type": "image_generation.partial_image", "b64_json": PNG_B64,
                                               "partial_image_index": 0})


def test_stream_that_ends_with_an_error_event(server, make_client):
    server.then(sse_events([PARTIAL, ("error", {"type": "error", "error": {
        "message": "The server had an error while processing your request.", "type": "server_error",
        "param": None, "code": "server_error"}})]))
    partials = []
    with pytest.raises(e.StreamError) as info:
        call(make_client(), "generate", STREAM, on_partial=partials.append)
    assert "while streaming" in str(info.value) and "processing your request" in str(info.value)
    assert info.value.code == "server_error" and len(partials) == 1 and info.value.attempts == 1


def test_stream_refused_by_moderation(server, make_client):
    server.then(sse_events([("error", {"error": {"message": "Your request was rejected by the safety system.",
                                                 "type": "image_generation_user_error", "code": "moderation_blocked",
                                                 "param": None}})]))
    with pytest.raises(e.ContentRefusedError):
        call(make_client(), "generate", STREAM)


def test_stream_that_stops_before_the_image(server, make_client):
    server.then(sse_events([PARTIAL]))
    with pytest.raises(e.APIResponseError, match="ended before the finished image"):
        call(make_client(), "generate", STREAM)


def test_fan_out_keeps_what_succeeded(server, make_client):
    server.then(api_error(400, "moderation_blocked", "no", type_="image_generation_user_error"))
    result = call(make_client(), "generate", GenerateRequest(model="dall-e-3", prompt="x", n=3,
                                                             response_format="b64_json"))
    assert len(result.images) == 2 and len(result.errors) == 1
    assert isinstance(result.errors[0], e.ContentRefusedError)


def test_multipart_edit_is_sent_whole_again_on_retry(server, make_client):
    import io

    from PIL import Image

    from dalle_studio.api.requests import EditRequest, ImageFile

    buf = io.BytesIO()
    Image.new("RGBA", (16, 16), "white").save(buf, "PNG")
    server.then(api_error(503, None, "busy"))
    result = call(make_client(), "edit", EditRequest(model="gpt-image-1", prompt="x", images=(ImageFile(
        buf.getvalue()),), mask=ImageFile(buf.getvalue(), "mask.png")))
    first, second = server.api_requests()
    assert result.attempts == 2 and first.body and first.files == second.files and first.fields == second.fields


def test_a_body_that_cannot_be_decompressed_is_a_connection_error(server, make_client):
    bad_gzip = reply(200, b"this is not gzip at all", headers={"Content-Encoding": "gzip"})
    server.then(bad_gzip, bad_gzip, bad_gzip)
    err = fail(make_client)
    assert type(err) is e.APIConnectionError and err.attempts == 3
