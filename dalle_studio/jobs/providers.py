"""The providers the workflow can send to: the embedded engine (always there) and the configured ones.

Owns one :class:`ImagesClient` per provider and the engine's process, which starts on the first request that
needs it and again after a crash (``engine_restarted`` tells the user).
"""

from __future__ import annotations

import asyncio
import logging
from datetime import date
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, Signal

from dalle_studio.api import providers as p
from dalle_studio.api.catalog import ModelChoice, is_image_model, merge_models, retired_note
from dalle_studio.api.errors import ImagesAPIError
from dalle_studio.api.keys import KeyStore, SecretKey
from dalle_studio.api.settings import providers_from
from dalle_studio.core import work
from dalle_studio.core.settings import Settings
from dalle_studio.jobs.engine_launcher import EngineLauncher
from dalle_studio.jobs.explain import JobRefused

if TYPE_CHECKING:  # httpx costs a tenth of a second at start-up: the client is imported on first use
    from dalle_studio.api.client import ImagesClient

log = logging.getLogger(__name__)

ENGINE_NAME = "Embedded engine"


class ProviderHub(QObject):
    """Which providers exist, which has a key, and a ready client for each."""

    engine_restarted = Signal()
    providers_changed = Signal()

    def __init__(self, settings: Settings, keys: KeyStore, supervisor: EngineLauncher,
                 parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.settings = settings
        self.keys = keys
        self.supervisor = supervisor
        self._clients: dict[str, ImagesClient] = {}
        self._engine_url: str | None = None
        self._models: dict[str, list[ModelChoice]] = {}
        self._keys: dict[str, SecretKey | None] = {}  # looked up in a thread: a keychain lookup may take 0.1 s
        self._retired: list[ImagesClient] = []
        settings.subscribe(self._on_setting)

    def _on_setting(self, key: str, _value: object) -> None:
        if key == "api.providers":
            self._models.clear()
            self.providers_changed.emit()

    # -- what exists --------------------------------------------------------------------------------------
    def providers(self) -> list[p.Provider]:
        """The engine first, then the configured providers in their stored order."""
        engine = p.engine(self._engine_url or "http://127.0.0.1:1/v1", name=ENGINE_NAME)
        return [engine, *[x for x in providers_from(self.settings) if x.name != ENGINE_NAME]]

    def provider(self, name: str) -> p.Provider:
        for provider in self.providers():
            if provider.name == name:
                return provider
        raise JobRefused(f"There is no provider named {name!r}.", "Choose a provider in the prompt panel.")

    def key(self, provider: p.Provider) -> SecretKey | None:
        """The provider's key as last looked up by :meth:`load_keys` (None until then)."""
        return self._keys.get(provider.name)

    def has_key(self, provider: p.Provider) -> bool:
        return provider.kind == p.ENGINE or self.key(provider) is not None

    async def load_keys(self) -> None:
        """Look every provider's key up in a worker thread (the keychain can be slow), then announce it."""
        providers = [x for x in self.providers() if x.kind != p.ENGINE]
        found = await asyncio.to_thread(lambda: {x.name: self.keys.get(x) for x in providers})
        self._keys.update(found)
        self.providers_changed.emit()

    def keys_changed(self) -> None:
        """Call after a key or a provider was saved or forgotten (from the Providers dialog: a user action, so
        looking the keys up again here, on the UI thread, is acceptable)."""
        self._keys = {x.name: self.keys.get(x) for x in self.providers() if x.kind != p.ENGINE}
        self._retired.extend(self._clients.values())
        self._clients.clear()
        self._models.clear()
        self.providers_changed.emit()

    def keyed_providers(self) -> list[p.Provider]:
        return [x for x in self.providers() if x.kind != p.ENGINE and self.has_key(x)]

    def default_provider(self) -> p.Provider:
        """The active provider when it has a key; else the engine, so the app works with no key at all."""
        wanted = self.settings.get("api.active_provider")
        for provider in self.providers():
            if provider.name == wanted and self.has_key(provider):
                return provider
        return self.providers()[0]

    def is_engine(self, provider: p.Provider) -> bool:
        return provider.kind == p.ENGINE

    # -- clients ------------------------------------------------------------------------------------------
    async def client(self, provider: p.Provider) -> ImagesClient:
        """A client ready to send to ``provider``; starts (or restarts) the engine when it is the engine."""
        if provider.kind == p.ENGINE:
            return await self._engine_client()
        if provider.name not in self._keys:
            await self.load_keys()
        key = self.key(provider)
        if key is None:
            raise JobRefused(f"No API key is set for {provider.name}.",
                             "Add the key in Edit > Providers and API keys, or choose the embedded engine.")
        client = self._clients.get(provider.name)
        if client is None or client.provider != provider:
            client = await self._make_client(provider, key)
            current = self._clients.get(provider.name)
            if current is not None and current.provider == provider:  # another request made one meanwhile
                self._retired.append(client)
                return current
            if current is not None:
                self._retired.append(current)
            self._clients[provider.name] = client
        return client

    async def _engine_client(self) -> ImagesClient:
        base_url, token, restarted = await self.supervisor.ensure_running()
        if restarted:
            self.engine_restarted.emit()
        client = self._clients.get(ENGINE_NAME)
        if client is None or base_url != self._engine_url:
            made = await self._make_client(p.engine(base_url, name=ENGINE_NAME), token)
            client = self._clients.get(ENGINE_NAME)
            if client is not None and base_url == self._engine_url:  # another request made one meanwhile
                self._retired.append(made)
                return client
            if client is not None:
                await client.aclose()
            self._engine_url = base_url
            client = self._clients[ENGINE_NAME] = made
        return client

    async def _make_client(self, provider: p.Provider, key: SecretKey | str) -> ImagesClient:
        """A new client, made in a worker thread: the first imports httpx and every client builds a TLS context
        from the system's certificates, ~0.3 s in all that the UI thread would otherwise wait (both are Qt-free)."""
        return await work.run(self._new_client, provider, key)

    def _new_client(self, provider: p.Provider, key: SecretKey | str) -> ImagesClient:
        from dalle_studio.api.client import ImagesClient
        from dalle_studio.api.transport import RetryPolicy

        return ImagesClient(provider, key, timeout=self.settings.get("api.timeout_s"),
                            idle_timeout=self.settings.get("api.idle_timeout_s"),
                            retry=RetryPolicy(max_retries=self.settings.get("api.max_retries")),
                            max_concurrency=self.settings.get("api.max_concurrency"),
                            max_download_bytes=self.settings.get("api.max_download_mb") * 1024 * 1024)

    async def models(self, provider: p.Provider, today: date | None = None) -> list[ModelChoice]:
        """The models ``provider`` offers, merged with the table (cached per provider)."""
        if provider.name in self._models:
            return self._models[provider.name]
        if provider.kind == p.ENGINE:
            choices = self.engine_models()
        else:
            client = await self.client(provider)
            choices = await client.models(today or date.today())
        self._models[provider.name] = choices
        return choices

    async def test_connection(self, provider: p.Provider) -> tuple[bool, str]:
        """Ask ``provider`` for its models: ``(True, the image models it lists)`` or ``(False, what failed: the
        address, the status and the server's own words)``."""
        address = provider.url("models")
        try:
            client = await self.client(provider)
            entries = await client.list_models()
        except JobRefused as exc:
            return False, f"{address}: not tried. {exc}"
        except ImagesAPIError as exc:
            status = getattr(exc, "status", None)
            said = getattr(exc, "server_message", None) or str(exc)
            return False, f"{address} answered HTTP {status}: {said}" if status else f"{address}: {said}"
        ids = [e["id"] for e in entries if isinstance(e.get("id"), str) and is_image_model(e["id"])]
        listed = ", ".join(ids) if ids else "no image models listed (any model id you type is still sent)"
        return True, f"{address} answered. Image models: {listed}."

    def known_models(self, today: date | None = None) -> list[ModelChoice]:
        """The models of the facts table (live ones, newest first): what is offered when a provider does not list
        its own."""
        return merge_models(None, today=today or date.today())

    def retired_note(self, provider_name: str, today: date | None = None) -> str:
        """On OpenAI, which models it has shut down and what replaces them; other providers decide for themselves
        (empty)."""
        return retired_note(today or date.today()) if self.provider(provider_name).kind == p.OPENAI else ""

    def engine_models(self) -> list[ModelChoice]:
        """The engine's one model (known without asking it)."""
        return [ModelChoice(self.supervisor.model_id, self.supervisor.model_spec, True, None, False)]

    def forget_models(self) -> None:
        self._models.clear()

    async def aclose(self) -> None:
        for client in [*self._clients.values(), *self._retired]:
            await client.aclose()
        self._clients.clear()
        self._retired.clear()
        self.supervisor.stop()
