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




def test_a_trickled_body_is_cut_off_at_the_deadline_of_the_attempt(server, make_client):
    from .server import trickle

    # One byte every 50 ms never trips a per-read timeout of 0.5 s; the deadline of the whole attempt (1 s) does.
    server.then(trickle(0.05))
    with pytest.raises(e.APITimeoutError) as info:
        call(make_client(max_retries=0, timeout=1.0, idle_timeout=0.5), "generate", GPT)
    assert "not complete within 1 s" in str(info.value) and "Test server" in str(info.value)


def test_a_body_that_stalls_is_cut_off_at_the_idle_limit(server, make_client):
    from .server import stall_mid_body

    server.then(stall_mid_body(5.0))
    with pytest.raises(e.APITimeoutError) as info:
        call(make_client(max_retries=0, timeout=30.0, idle_timeout=0.3), "generate", GPT)
    assert "sent nothing for 0.3 s" in str(info.value)


def test_a_stream_that_trickles_is_cut_off(server, make_client):
    stream = GenerateRequest(model="gpt-image-1", prompt="x", stream=True, partial_images=1)
    body = b"event: image_generation.partial_image\ndata: " + b"x" * 10_000
    server.then(lambda h, rec: _sse_trickle(h, body))
    with pytest.raises(e.APITimeoutError):
        call(make_client(max_retries=0, timeout=1.0, idle_timeout=0.5), "generate", stream)


def _sse_trickle(h, body: bytes) -> None:
    import time

    h.send_response(200)
    h.send_header("Content-Type", "text/event-stream")
    h.end_headers()
    try:
        for i in range(len(body)):
            h.wfile.write(body[i:i + 1])
            h.wfile.flush()
            time.sleep(0.05)
    except OSError:
        pass
    h.close_connection = True


def test_the_help_says_what_the_timeouts_mean(capsys):
    from dalle_studio.api.cli import build_parser
    from dalle_studio.api.settings import SETTINGS

    with pytest.raises(SystemExit):
        build_parser().parse_args(["generate", "--help"])
    shown = " ".join(capsys.readouterr().out.split())
    assert "--timeout" in shown and "in all" in shown and "--idle-timeout" in shown
    request_help = SETTINGS["api.timeout_s"].description
    assert "in all" in request_help and "partial image" in request_help
    assert "nothing more comes" in SETTINGS["api.idle_timeout_s"].description


def test_a_stream_showing_progress_may_take_longer_in_all_than_the_deadline(server, make_client):
    from .server import sse_answer

    # Three partial images and the final one, 0.7 s apart: 2.1 s in all against a 1.5 s deadline, which each
    # picture restarts.
    server.then(sse_answer(n_partials=3, pause=0.7))
    stream = GenerateRequest(model="gpt-image-1", prompt="x", stream=True, partial_images=3)
    partials = []
    result = call(make_client(max_retries=0, timeout=1.5, idle_timeout=0.5), "generate", stream,
                  on_partial=partials.append)
    assert len(result.images) == 1 and len(partials) == 3


def test_a_stream_reset_midway_says_what_happened(server, make_client):
    import socket
    import struct

    def act(h, rec):
        h.send_response(200)
        h.send_header("Content-Type", "text/event-stream")
        h.end_headers()
        h.wfile.write(b"event: image_generation.partial_image\ndata: {\"type\": ")
        h.wfile.flush()
        h.connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
        h.close_connection = True
        h.connection.close()

    server.then(act)
    stream = GenerateRequest(model="gpt-image-1", prompt="x", stream=True, partial_images=1)
    with pytest.raises(e.APIConnectionError) as info:
        call(make_client(max_retries=0), "generate", stream)
    message = str(info.value)
    assert "cut off" in message and "Test server" in message and "Error" in message and ": ." not in message
