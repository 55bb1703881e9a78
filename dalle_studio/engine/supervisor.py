"""Starting the engine from the app: on demand, on a random port with a random token, restarted after a crash.

Qt-free and loop-agnostic: the blocking parts (spawning, waiting for the ``listening on`` line, stopping) run in a
thread of the shared background pool (:mod:`dalle_studio.core.work`), so it works on qasync's loop; no asyncio
subprocess API is used.
"""

from __future__ import annotations

import contextlib
import logging
import os
import queue
import re
import secrets
import subprocess
import sys
import threading
from collections.abc import Sequence

from dalle_studio.core import work
from dalle_studio.engine.catalog import ENGINE_MODEL_ID, engine_spec

log = logging.getLogger(__name__)
TOKEN_ENV = "DALLE_STUDIO_ENGINE_TOKEN"  # how the token reaches the engine process (engine/__main__.py reads it)

_LISTENING = re.compile(r"^listening on (http://\S+)\s*$")
# Names of variables that may hold a credential: the engine never needs one but its own token.
_SECRET_NAME = re.compile(r"KEY|TOKEN|SECRET|PASSW|CREDENTIAL|AUTH|COOKIE|SESSION", re.IGNORECASE)


def engine_environment(token: str, environ: dict[str, str] | None = None) -> dict[str, str]:
    """The engine process's environment: the app's, scrubbed of anything that may be a credential (the OpenAI key,
    other keys and tokens), plus the engine's own token."""
    source = os.environ if environ is None else environ
    return {**{k: v for k, v in source.items() if not _SECRET_NAME.search(k)}, TOKEN_ENV: token}


class EngineStartError(RuntimeError):
    """The engine process exited or stayed silent instead of announcing its address."""


class EngineSupervisor:
    """Owns one engine process. ``ensure_running()`` before each request; ``stop()`` on exit.

    ``base_url`` is ``http://HOST:PORT/v1`` (what an OpenAI client takes); ``token`` is the bearer token.
    """

    def __init__(self, *, python: str = sys.executable, host: str = "127.0.0.1", startup_timeout_s: float = 30.0,
                 extra_args: Sequence[str] = ()) -> None:
        self._python = python
        self._host = host
        self._startup_timeout_s = startup_timeout_s
        self._extra_args = tuple(extra_args)
        self._lock = threading.Lock()
        self._process: subprocess.Popen[str] | None = None
        self._base_url: str | None = None
        self.token = secrets.token_urlsafe(32)
        self.restarts = 0
        self.model_id = ENGINE_MODEL_ID  # what the studio offers for this engine (jobs.engine_launcher)
        self.model_spec = engine_spec()

    @property
    def base_url(self) -> str | None:
        """``http://HOST:PORT/v1`` of the running engine, ``None`` before the first start."""
        return self._base_url

    @property
    def pid(self) -> int | None:
        return self._process.pid if self._process is not None else None

    def is_running(self) -> bool:
        """Whether the engine process is alive."""
        return self._process is not None and self._process.poll() is None

    async def ensure_running(self) -> tuple[str, str, bool]:
        """Start the engine if needed; return ``(base_url, token, restarted)``.

        ``restarted`` is True when an engine that had been running had died and was started again, which the app
        should tell the user. Raises :class:`EngineStartError` when it cannot be started.
        """
        if self.is_running() and self._base_url is not None:
            return self._base_url, self.token, False
        return await work.run(self._ensure_running_blocking)

    def start(self) -> tuple[str, str, bool]:
        """Blocking form of :meth:`ensure_running` (for scripts and tests without a loop)."""
        return self._ensure_running_blocking()

    def stop(self, timeout_s: float = 5.0) -> None:
        """Stop the engine (terminate, then kill after ``timeout_s``). Safe to call more than once."""
        with self._lock:
            process, self._process = self._process, None
            self._base_url = None
        if process is None:
            return
        if process.poll() is None:
            process.terminate()
            try:
                process.wait(timeout=timeout_s)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait(timeout=timeout_s)
        _close_pipes(process)

    def _ensure_running_blocking(self) -> tuple[str, str, bool]:
        with self._lock:
            if self.is_running() and self._base_url is not None:
                return self._base_url, self.token, False
            restarted = self._process is not None
            if restarted:
                code = self._process.poll() if self._process else None
                log.warning("the embedded engine had stopped (exit code %s); starting it again", code)
                self.restarts += 1
                if self._process is not None:
                    _close_pipes(self._process)
            self._base_url = self._spawn()
            return self._base_url, self.token, restarted

    def _spawn(self) -> str:
        # The engine stops when its stdin closes: if the app dies without stop(), the engine does not linger.
        # The token goes through the environment, not the command line, which any user can read with ps.
        command = [self._python, "-m", "dalle_studio.engine", "--host", self._host, "--port", "0",
                   "--exit-with-stdin", *self._extra_args]
        environment = engine_environment(self.token)
        process = subprocess.Popen(command, stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                   stderr=subprocess.STDOUT, text=True, encoding="utf-8", errors="replace",
                                   bufsize=1, env=environment)
        self._process = process
        found: queue.Queue[str | None] = queue.Queue()
        threading.Thread(target=_read_output, args=(process, found), name="engine-output", daemon=True).start()
        try:
            address = found.get(timeout=self._startup_timeout_s)
        except queue.Empty:
            address = None
        if address is None:
            process.kill()
            process.wait()
            raise EngineStartError(f"the embedded engine did not start within {self._startup_timeout_s:.0f} s "
                                   f"(exit code {process.returncode}); see the log for its output")
        return f"{address}/v1"


def _close_pipes(process: subprocess.Popen[str]) -> None:
    for pipe in (process.stdin, process.stdout):
        if pipe is not None:
            with contextlib.suppress(OSError):
                pipe.close()


def _read_output(process: subprocess.Popen[str], found: queue.Queue[str | None]) -> None:
    """Hand the announced address to ``found`` (``None`` if the process ends first); log everything else. Keeps
    draining the pipe so the engine never blocks on a full one."""
    announced = False
    assert process.stdout is not None
    with contextlib.suppress(OSError, ValueError):
        for line in process.stdout:
            match = _LISTENING.match(line) if not announced else None
            if match:
                announced = True
                found.put(match.group(1))
            elif line.strip():
                log.info("engine: %s", line.rstrip())
    if not announced:
        found.put(None)
