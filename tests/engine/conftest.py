"""One real engine per test session, started the way the app starts it (the supervisor runs the CLI)."""

from __future__ import annotations

import io
from collections.abc import Iterator
from dataclasses import dataclass

import numpy as np
import openai
import pytest
from PIL import Image

from dalle_studio.engine.supervisor import EngineSupervisor


@dataclass(frozen=True)
class RunningEngine:
    base_url: str  # http://HOST:PORT/v1
    token: str

    @property
    def root(self) -> str:
        return self.base_url.removesuffix("/v1")

    def headers(self, **extra: str) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.token}", **extra}


@pytest.fixture(scope="session")
def engine() -> Iterator[RunningEngine]:
    supervisor = EngineSupervisor()
    base_url, token, _ = supervisor.start()
    try:
        yield RunningEngine(base_url, token)
    finally:
        supervisor.stop()


@pytest.fixture(scope="session")
def client(engine: RunningEngine) -> openai.OpenAI:
    return openai.OpenAI(base_url=engine.base_url, api_key=engine.token, max_retries=0, timeout=60)


def png_bytes(array: np.ndarray) -> bytes:
    """RGB or RGBA ``uint8`` array -> PNG bytes."""
    buf = io.BytesIO()
    Image.fromarray(array).save(buf, "PNG")
    return buf.getvalue()


def decode(data: bytes) -> np.ndarray:
    """Picture bytes -> RGBA array."""
    return np.asarray(Image.open(io.BytesIO(data)).convert("RGBA"))


def striped(width: int, height: int, seed: int = 0) -> np.ndarray:
    """An opaque RGBA picture of green and yellow stripes with a little noise: texture a fill can copy."""
    rng = np.random.default_rng(seed)
    rgb = np.zeros((height, width, 3), np.float32)
    stripes = (np.arange(width) // 12) % 2 == 0
    rgb[:, stripes] = (40, 160, 60)
    rgb[:, ~stripes] = (220, 200, 40)
    rgb += rng.normal(0, 6, rgb.shape)
    rgba = np.dstack([np.clip(rgb, 0, 255).astype(np.uint8), np.full((height, width), 255, np.uint8)])
    return rgba


def hole_mask(width: int, height: int, box: tuple[int, int, int, int]) -> np.ndarray:
    """An RGBA mask, opaque except the transparent ``box`` (left, top, right, bottom)."""
    mask = np.full((height, width, 4), 255, np.uint8)
    left, top, right, bottom = box
    mask[top:bottom, left:right, 3] = 0
    return mask
