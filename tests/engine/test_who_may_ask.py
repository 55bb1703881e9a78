"""Issue 13, item 8: the engine answers only loopback Host names and no cross-origin requests, starts without the
app's credentials in its environment, and serves a burst first come first served with a bounded queue."""

from __future__ import annotations

import os
import sys
import threading
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from dalle_studio.engine.catalog import ENGINE_MODEL_ID
from dalle_studio.engine.supervisor import TOKEN_ENV, EngineSupervisor
from tests.engine.conftest import RunningEngine, hole_mask, png_bytes, striped


@pytest.mark.parametrize("host", ["evil.example", "evil.example:8080", "192.168.1.5", "127.0.0.1.evil.example"])
def test_a_request_addressed_to_another_name_is_refused(engine: RunningEngine, host: str) -> None:
    """A DNS-rebound name reaches the engine's port with the attacker's Host: it gets a 403, even with the token."""
    response = httpx.get(f"{engine.base_url}/models", headers=engine.headers(Host=host))
    assert response.status_code == 403
    assert "answers only requests addressed to 127.0.0.1, localhost or [::1]" in response.json()["error"]["message"]


@pytest.mark.parametrize("host", ["127.0.0.1", "localhost", "localhost:1234", "127.0.0.1:80", "[::1]:9000"])
def test_loopback_names_are_answered_on_any_port(engine: RunningEngine, host: str) -> None:
    assert httpx.get(f"{engine.base_url}/models", headers=engine.headers(Host=host)).status_code == 200


@pytest.mark.parametrize("headers", [
    {"Origin": "https://evil.example"},
    {"Origin": "null"},  # a sandboxed frame or a local file
    {"Sec-Fetch-Site": "cross-site"},
])
def test_cross_origin_requests_and_form_posts_are_refused(engine: RunningEngine, headers: dict[str, str]) -> None:
    form = httpx.post(f"{engine.base_url}/images/edits", headers=engine.headers(**headers),
                      data={"model": ENGINE_MODEL_ID, "prompt": "x"})  # what an HTML form on another site sends
    assert form.status_code == 403 and form.json()["error"]["code"] == "forbidden_origin"
    listing = httpx.get(f"{engine.base_url}/models", headers=engine.headers(**headers))
    assert listing.status_code == 403


def test_a_loopback_origin_is_answered(engine: RunningEngine) -> None:
    headers = engine.headers(Origin="http://localhost:5173", **{"Sec-Fetch-Site": "same-site"})
    assert httpx.get(f"{engine.base_url}/models", headers=headers).status_code == 200


@pytest.fixture(scope="module")
def small_engine() -> Iterator[tuple[RunningEngine, int]]:
    """An engine with one worker and a queue of two, started by the supervisor from an app environment that holds
    credentials; yields it and its process id."""
    secrets = {"OPENAI_API_KEY": "sk-test-not-for-the-engine", "GITHUB_TOKEN": "ghp_x", "AWS_SECRET_ACCESS_KEY": "y",
               "my_service_key": "z"}
    saved = {k: v for k, v in os.environ.items() if k in secrets}
    os.environ.update(secrets)
    supervisor = EngineSupervisor(extra_args=("--workers", "1", "--max-queue", "2"))
    try:
        base_url, token, _ = supervisor.start()
    finally:
        for key in secrets:
            os.environ.pop(key, None)
        os.environ.update(saved)
    try:
        assert supervisor.pid is not None
        yield RunningEngine(base_url, token), supervisor.pid
    finally:
        supervisor.stop()


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="reads the process environment from /proc")
def test_the_engine_process_gets_no_credentials_but_its_token(small_engine) -> None:
    engine, pid = small_engine
    environ = dict(item.split("=", 1) for item in Path(f"/proc/{pid}/environ").read_text().split("\0") if "=" in item)
    leaked = sorted(k for k in environ if k in {"OPENAI_API_KEY", "GITHUB_TOKEN", "AWS_SECRET_ACCESS_KEY",
                                                 "my_service_key"})
    assert leaked == []
    assert environ[TOKEN_ENV] == engine.token and "PATH" in environ


def _queue(engine: RunningEngine, client: httpx.Client) -> dict[str, int]:
    return client.get(f"{engine.root}/v1/engine/queue").json()


def test_a_burst_is_served_in_order_and_a_full_queue_answers_429(small_engine) -> None:
    """One worker, a queue of two: A works, B and C wait in order, D is refused at once with Retry-After; A's answer
    arrives while C still waits (before, every answer of a burst arrived together at the end)."""
    engine, _ = small_engine
    side = 512
    picture = png_bytes(striped(side, side))
    mask = png_bytes(hole_mask(side, side, (96, 96, 416, 416)))
    files = [("image", ("p.png", picture, "image/png")), ("mask", ("m.png", mask, "image/png"))]
    answered: dict[str, dict[str, int]] = {}
    order: list[str] = []
    lock = threading.Lock()

    with httpx.Client(headers=engine.headers(), timeout=120) as client:
        def send(name: str) -> None:
            response = client.post(f"{engine.base_url}/images/edits", files=files,
                                   data={"prompt": "x", "model": ENGINE_MODEL_ID})
            state = _queue(engine, client)  # what the engine is doing the moment this answer arrived
            with lock:
                order.append(name)
                answered[name] = {"status": response.status_code, **state}

        threads = {}
        for name, expected in (("A", {"working": 1, "waiting": 0}), ("B", {"working": 1, "waiting": 1}),
                               ("C", {"working": 1, "waiting": 2})):
            threads[name] = threading.Thread(target=send, args=(name,))
            threads[name].start()
            while (now := _queue(engine, client)) and {k: now[k] for k in expected} != expected:
                assert not order, f"{order} answered before the queue filled: {now}"  # a condition, polled
        refused = client.post(f"{engine.base_url}/images/edits", files=files,
                              data={"prompt": "x", "model": ENGINE_MODEL_ID})
        for thread in threads.values():
            thread.join()
    assert refused.status_code == 429
    assert refused.json()["error"]["code"] == "engine_busy"
    assert int(refused.headers["retry-after"]) >= 1
    assert order == ["A", "B", "C"]
    assert all(answer["status"] == 200 for answer in answered.values())
    assert answered["A"]["waiting"] == 1, answered  # when A was answered, C had not started yet
