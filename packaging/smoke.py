"""Smoke test of a built DALL·E Studio: start it offscreen, open the bundled sample picture, edit on the engine.

    python packaging/smoke.py dist/dalle-studio/dalle-studio          # the one-folder program
    python packaging/smoke.py .venv/bin/dalle-studio --steps version,window,open

Standard library only, so any Python 3.11 runs it against any build. Each step prints one line; the last line is
``smoke: N passed, N failed, N skipped`` and the exit status is 1 when a step failed. The steps:

  version      ``PROGRAM --version`` names the app and its version
  window       the program starts offscreen and shows its main window (DALLE_STUDIO_QUIT_WHEN_SHOWN)
  open         ``PROGRAM SAMPLE`` opens the sample picture bundled in the build: the app files it in its recent
               pictures (settings.json), keeps running, and logs no error
  engine-edit  ``PROGRAM engine`` (the embedded engine, frozen with the rest) answers an edit of the sample picture
               with a transparent square to fill: a PNG of the same size comes back. Skipped while the build has
               no engine.
  app-edit     the program opens the sample in its window, paints a square of mask, presses Edit with the
               embedded engine and Accepts the result (``--self-test-edit SAMPLE``: packaging/pyinstaller/
               launcher.py, offscreen); for a venv's command, the launcher runs with the venv's Python
"""

from __future__ import annotations

import argparse
import base64
import json
import os
import secrets
import struct
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
import uuid
import zlib
from collections.abc import Callable
from pathlib import Path

STEPS = ("version", "window", "open", "engine-edit", "app-edit")
LAUNCHER = Path(__file__).resolve().parent / "pyinstaller" / "launcher.py"
SAMPLE = "astronaut.png"


class Skip(Exception):
    """The step cannot run on this build (said why)."""


class Smoke:
    def __init__(self, program: Path, timeout: float) -> None:
        self.program = program
        self.timeout = timeout
        self.home = Path(tempfile.mkdtemp(prefix="dalle-studio-smoke-"))
        self.env = dict(os.environ, QT_QPA_PLATFORM="offscreen", DALLE_STUDIO_HOME=str(self.home),
                        PYTHON_KEYRING_BACKEND="keyring.backends.null.Keyring")
        self.env.pop("DALLE_STUDIO_QUIT_WHEN_SHOWN", None)

    def run(self, *args: str, **env: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run([str(self.program), *args], env={**self.env, **env}, capture_output=True, text=True,
                              timeout=self.timeout)

    # -- steps ---------------------------------------------------------------------------------------------
    def version(self) -> str:
        done = self.run("--version")
        if done.returncode != 0 or "DALL·E Studio" not in done.stdout:
            raise AssertionError(f"--version said {done.stdout!r} {done.stderr[-500:]!r} (exit {done.returncode})")
        return done.stdout.strip()

    def window(self) -> str:
        start = time.perf_counter()
        done = self.run(DALLE_STUDIO_QUIT_WHEN_SHOWN="1")
        if "window shown" not in done.stdout.splitlines() or done.returncode != 0:
            raise AssertionError(f"no window (exit {done.returncode}): {done.stderr[-1500:]}")
        return f"main window shown and closed in {time.perf_counter() - start:.1f} s"

    def open(self) -> str:
        sample = bundled_sample(self.program)
        settings = self.home / "config" / "settings.json"
        start = time.perf_counter()
        output = self.home / "open.out"
        with output.open("w") as sink:  # a file, not a pipe nobody reads while the app runs
            process = subprocess.Popen([str(self.program), str(sample)], env=self.env, stdout=sink, stderr=sink)
        try:
            while time.perf_counter() - start < self.timeout:
                if process.poll() is not None:
                    said = output.read_text("utf-8", errors="replace")[-1500:]
                    raise AssertionError(f"the program quit (exit {process.returncode}): {said}")
                if str(sample) in recent_pictures(settings):
                    break
                time.sleep(0.1)
            else:
                raise AssertionError(f"{sample.name} was not opened within {self.timeout:.0f} s")
            opened = time.perf_counter() - start
            time.sleep(1.0)  # still running a moment later: the picture is on the canvas, not crashing it
            if process.poll() is not None:
                raise AssertionError(f"the program quit after opening the picture (exit {process.returncode})")
        finally:
            process.terminate()
            try:
                process.communicate(timeout=10)
            except subprocess.TimeoutExpired:
                process.kill()
                process.communicate()
        errors = [line for line in read_logs(self.home) if " ERROR " in line or " CRITICAL " in line]
        if errors:
            raise AssertionError("the log has errors: " + " | ".join(errors[:3]))
        return f"opened the bundled {sample.relative_to(self.program.resolve().parent.parent)} in {opened:.1f} s"

    def engine_edit(self) -> str:
        probe = self.run("engine", "--help")
        if probe.returncode != 0:
            raise Skip("this build has no embedded engine yet ('engine --help' failed)")
        sample = bundled_sample(self.program)
        picture = sample.read_bytes()
        width, height = png_size(picture)
        mask = square_hole_mask(width, height)
        token = secrets.token_urlsafe(16)
        errors = self.home / "engine.err"
        with errors.open("w") as sink:
            process = subprocess.Popen([str(self.program), "engine", "--host", "127.0.0.1", "--port", "0", "--token",
                                        token], env=self.env, stdout=subprocess.PIPE, stderr=sink, text=True)
        try:
            line = process.stdout.readline().strip() if process.stdout else ""
            if not line.startswith("listening on "):
                said = errors.read_text("utf-8", errors="replace")[-1500:]
                raise AssertionError(f"the engine said {line!r}: {said}")
            base = line.removeprefix("listening on ").rstrip("/") + "/v1"
            models = call(f"{base}/models", token)["data"]
            model = models[0]["id"]
            start = time.perf_counter()
            body, content_type = multipart(
                {"model": model, "prompt": "fill the hole", "n": "1", "size": f"{width}x{height}"},
                {"image": ("sample.png", picture), "mask": ("mask.png", mask)})
            answer = call(f"{base}/images/edits", token, body, content_type)
            result = base64.b64decode(answer["data"][0]["b64_json"])
            if png_size(result) != (width, height):
                raise AssertionError(f"the edit came back {png_size(result)}, not {width}x{height}")
            return f"{model} filled a {width // 2}x{height // 2} hole in {time.perf_counter() - start:.1f} s"
        finally:
            process.terminate()
            try:
                process.communicate(timeout=10)
            except subprocess.TimeoutExpired:
                process.kill()
                process.communicate()

    def app_edit(self) -> str:
        sample = bundled_sample(self.program)
        if (self.program.resolve().parent / "_internal").is_dir():  # the one-folder build carries the launcher
            command = [str(self.program), "--self-test-edit", str(sample)]
        elif (self.program.parent / "python").exists():  # a venv's command: run the launcher with its Python
            command = [str(self.program.parent / "python"), str(LAUNCHER), "--self-test-edit", str(sample)]
        else:
            raise Skip("neither a one-folder build nor a venv command: no way to run the self-test")
        start = time.perf_counter()
        done = subprocess.run(command, env=self.env, capture_output=True, text=True, timeout=max(self.timeout, 180))
        said = [line for line in done.stdout.splitlines() if line.startswith("self-test edit: ")]
        if done.returncode != 0 or not said or not said[-1].startswith("self-test edit: ok "):
            raise AssertionError((said[-1] if said else "no answer") + f" (exit {done.returncode}) "
                                 + done.stderr[-1500:])
        return said[-1].removeprefix("self-test edit: ok ") + f" in {time.perf_counter() - start:.1f} s"


# -- helpers -------------------------------------------------------------------------------------------------
def bundled_sample(program: Path) -> Path:
    """The sample picture shipped with this build (one-folder: beside the program; wheel: in site-packages)."""
    roots = [program.resolve().parent, program.resolve().parent.parent]
    for root in roots:
        for found in sorted(root.glob(f"**/dalle_studio/_resources/samples/{SAMPLE}")):
            return found
    raise AssertionError(f"no bundled samples/{SAMPLE} under {roots[-1]}: the build is missing its resources")


def recent_pictures(settings: Path) -> list[str]:
    try:
        return list(json.loads(settings.read_text("utf-8")).get("files.recent", []))
    except (OSError, ValueError):
        return []


def read_logs(home: Path) -> list[str]:
    lines: list[str] = []
    for log in sorted((home / "log").glob("*.log*")):
        lines += log.read_text("utf-8", errors="replace").splitlines()
    return lines


def png_size(data: bytes) -> tuple[int, int]:
    if data[:8] != b"\x89PNG\r\n\x1a\n":
        raise AssertionError("not a PNG")
    return struct.unpack(">II", data[16:24])


def square_hole_mask(width: int, height: int) -> bytes:
    """An RGBA PNG, opaque except a transparent square (half the size) in the middle: the area to fill."""
    x0, y0, x1, y1 = width // 4, height // 4, width * 3 // 4, height * 3 // 4
    rows = bytearray()
    for y in range(height):
        rows.append(0)  # filter: none
        for x in range(width):
            rows += b"\0\0\0\0" if x0 <= x < x1 and y0 <= y < y1 else b"\0\0\0\xff"

    def chunk(kind: bytes, payload: bytes) -> bytes:
        return struct.pack(">I", len(payload)) + kind + payload + struct.pack(">I", zlib.crc32(kind + payload))

    header = struct.pack(">IIBBBBB", width, height, 8, 6, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(bytes(rows))) + chunk(
        b"IEND", b"")


def multipart(fields: dict[str, str], files: dict[str, tuple[str, bytes]]) -> tuple[bytes, str]:
    boundary = uuid.uuid4().hex
    parts = []
    for name, value in fields.items():
        parts.append(f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n{value}\r\n'.encode())
    for name, (filename, data) in files.items():
        parts.append(f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"; filename="{filename}"\r\n'
                     f"Content-Type: image/png\r\n\r\n".encode() + data + b"\r\n")
    parts.append(f"--{boundary}--\r\n".encode())
    return b"".join(parts), f"multipart/form-data; boundary={boundary}"


def call(url: str, token: str, body: bytes | None = None, content_type: str = "") -> dict:
    request = urllib.request.Request(url, data=body, headers={"Authorization": f"Bearer {token}"})
    if content_type:
        request.add_header("Content-Type", content_type)
    try:
        with urllib.request.urlopen(request, timeout=120) as response:
            return json.loads(response.read())
    except urllib.error.HTTPError as exc:
        raise AssertionError(f"{url}: HTTP {exc.code}: {exc.read()[:500]!r}") from None


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("program", type=Path, help="the built dalle-studio program")
    parser.add_argument("--steps", default=",".join(STEPS), help=f"comma-separated, of: {', '.join(STEPS)}")
    parser.add_argument("--timeout", type=float, default=60.0, help="seconds each step may take (default 60)")
    args = parser.parse_args(argv)
    steps = [s.strip() for s in args.steps.split(",") if s.strip()]
    unknown = set(steps) - set(STEPS)
    if unknown:
        parser.error(f"unknown steps: {', '.join(sorted(unknown))}")
    if not os.access(args.program, os.X_OK):
        parser.error(f"{args.program} is not an executable program")
    smoke = Smoke(args.program, args.timeout)
    counts = {"passed": 0, "failed": 0, "skipped": 0}
    for step in steps:
        action: Callable[[], str] = getattr(smoke, step.replace("-", "_"))
        try:
            said = action()
        except Skip as skip:
            counts["skipped"] += 1
            print(f"smoke: {step:<11} SKIPPED  {skip}", flush=True)
        except (AssertionError, OSError, subprocess.SubprocessError, KeyError, ValueError) as exc:
            counts["failed"] += 1
            print(f"smoke: {step:<11} FAILED   {exc}", flush=True)
        else:
            counts["passed"] += 1
            print(f"smoke: {step:<11} ok       {said}", flush=True)
    print(f"smoke: {counts['passed']} passed, {counts['failed']} failed, {counts['skipped']} skipped")
    return 1 if counts["failed"] else 0


if __name__ == "__main__":
    sys.exit(main())
