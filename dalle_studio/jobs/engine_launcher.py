"""What ``jobs`` needs of the embedded engine: a small launcher interface, injected by ``app.py``.

DESIGN.md draws the engine as a separate process reached over HTTP; ``jobs`` talks to it like any provider and
never imports ``dalle_studio.engine``. The engine's own supervisor satisfies this protocol.
"""

from __future__ import annotations

from typing import Protocol

from dalle_studio.api.models import ModelSpec


class EngineLauncher(Protocol):
    """Starts the engine on demand and stops it on exit."""

    model_id: str  # the engine's own model
    model_spec: ModelSpec  # its request rules (gpt-image-2's from the model facts, plus variations)

    async def ensure_running(self) -> tuple[str, str, bool]:
        """``(base_url, bearer token, restarted)``: restarted is True when a dead engine was started again."""
        ...

    def stop(self) -> None:
        ...
