"""The supervisor starts the engine on demand, and starts it again after it has been killed."""

from __future__ import annotations

import asyncio
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest

from dalle_studio.engine.supervisor import EngineStartError, EngineSupervisor


def test_start_request_kill_and_restart() -> None:
    supervisor = EngineSupervisor()

    async def scenario() -> None:
        base_url, token, restarted = await supervisor.ensure_running()
        assert not restarted
        assert base_url.startswith("http://127.0.0.1:") and base_url.endswith("/v1")
        headers = {"Authorization": f"Bearer {token}"}
        assert httpx.get(f"{base_url}/models", headers=headers).status_code == 200
        assert httpx.get(f"{base_url}/models").status_code == 401  # the random token is required

        again = await supervisor.ensure_running()
        assert again == (base_url, token, False)

        assert supervisor.pid is not None
        os.kill(supervisor.pid, signal.SIGKILL)
        await asyncio.to_thread(lambda: supervisor._process and supervisor._process.wait(10))

        new_url, new_token, restarted = await supervisor.ensure_running()
        assert restarted
        assert supervisor.restarts == 1
        assert httpx.get(f"{new_url}/models", headers={"Authorization": f"Bearer {new_token}"}).status_code == 200

    try:
        asyncio.run(scenario())
    finally:
        supervisor.stop()
    assert not supervisor.is_running()


def test_an_engine_that_cannot_start_is_reported() -> None:
    supervisor = EngineSupervisor(extra_args=["--workers", "0"], startup_timeout_s=20)
    with pytest.raises(EngineStartError):
        supervisor.start()
    supervisor.stop()


def test_engine_stops_when_the_app_dies_without_stopping_it() -> None:
    app = ("import os\nfrom dalle_studio.engine.supervisor import EngineSupervisor\n"
           "s = EngineSupervisor(); s.start(); print(s.pid, flush=True); os._exit(0)\n")
    out = subprocess.run([sys.executable, "-c", app], capture_output=True, text=True, timeout=60, check=True)
    engine_pid = int(out.stdout.split()[0])
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline and _alive(engine_pid):
        time.sleep(0.1)
    assert not _alive(engine_pid)


def _alive(pid: int) -> bool:
    try:
        with open(f"/proc/{pid}/stat") as stat:
            return stat.read().split(")")[-1].split()[0] != "Z"
    except FileNotFoundError:
        return False


def test_a_token_that_looks_like_an_option_still_starts_the_engine() -> None:
    supervisor = EngineSupervisor()
    supervisor.token = "-starts-with-a-dash"
    try:
        base_url, token, _ = supervisor.start()
        assert httpx.get(f"{base_url}/models", headers={"Authorization": f"Bearer {token}"}).status_code == 200
    finally:
        supervisor.stop()


def test_the_token_is_not_on_the_engine_command_line():
    """Any user of the machine can read a process's command line (ps); the token travels in its environment."""
    supervisor = EngineSupervisor()
    try:
        supervisor.start()
        cmdline = Path(f"/proc/{supervisor.pid}/cmdline").read_bytes().decode(errors="replace")
        assert supervisor.token not in cmdline and "dalle_studio.engine" in cmdline
    finally:
        supervisor.stop()
