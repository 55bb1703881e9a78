"""Settings of the API layer, declared once; ``app.py`` merges them into the program's settings.

Public API:

- :data:`SETTINGS` — the declarations: provider profiles, the active provider, request and stall timeouts,
  retries, parallel requests, download limit, default model.
- :func:`providers_from` — the provider profiles stored in a settings object (``Provider`` instances).
- :func:`active_provider` — the profile named by ``api.active_provider`` (the first one when it is missing).
"""

from __future__ import annotations

import logging
from typing import Any

from dalle_studio.api.providers import Provider, openai
from dalle_studio.core.settings import Setting, declare

log = logging.getLogger(__name__)

SETTINGS = declare(
    Setting("api.providers", list, [openai().to_dict()], "Providers",
            "Where requests go: OpenAI, Azure OpenAI, any OpenAI-compatible URL, or the embedded engine. Keys are "
            "kept in the system keychain, never here.", section="Provider", visible=False),
    Setting("api.active_provider", str, "OpenAI", "Active provider",
            "The provider new requests go to (chosen in Edit > Providers and API keys).", section="Provider",
            visible=False),
    Setting("api.default_model", str, "gpt-image-2", "Default model",
            "The model chosen for a new picture; the list offered comes from the provider.", section="Provider"),
    Setting("api.timeout_s", float, 600.0, "Request timeout (seconds)",
            "The longest one request may take in all, from sending it to the last byte of its answer (a retry "
            "starts afresh). While partial images are shown, each one starts the clock again (up to 3 times). "
            "Connecting is limited to 5 s.", section="Provider", minimum=10, maximum=3600),
    Setting("api.idle_timeout_s", float, 60.0, "Stall timeout (seconds)",
            "Once an answer has begun to arrive, give up when nothing more comes for this long (a stalled "
            "connection). While the picture is being made the provider sends nothing: the request timeout covers "
            "that wait.", section="Provider", minimum=5, maximum=3600),
    Setting("api.max_retries", int, 2, "Retries",
            "How many times a request that failed for a passing reason (timeout, 429, 5xx) is tried again.",
            section="Provider", minimum=0, maximum=10),
    Setting("api.max_concurrency", int, 8, "Parallel requests",
            "When a model makes one image per request, how many requests may run at once.", section="Provider",
            minimum=1, maximum=16),
    Setting("api.max_download_mb", int, 64, "Largest result download (MB)",
            "Result URLs larger than this are refused.", section="Provider", minimum=1, maximum=1024),
)


def providers_from(settings: Any) -> list[Provider]:
    """The stored provider profiles; damaged entries are skipped (and logged)."""
    out: list[Provider] = []
    for raw in settings.get("api.providers"):
        try:
            out.append(Provider.from_dict(raw))
        except (TypeError, ValueError) as exc:
            log.warning("ignoring a stored provider profile: %s", exc)
    return out


def active_provider(settings: Any) -> Provider | None:
    """The profile named by ``api.active_provider``, else the first profile, else ``None``."""
    profiles = providers_from(settings)
    name = settings.get("api.active_provider")
    return next((p for p in profiles if p.name == name), profiles[0] if profiles else None)
