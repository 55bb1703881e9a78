"""API keys: kept by the OS keychain (keyring), else the environment; where no keychain works, the user chooses
between this session only and a file readable only by them. A key never appears in a log, an exception or repr().

Public API:

- :class:`SecretKey` — a key that prints as ``SecretKey(<hidden>)``; ``reveal()`` gives the text to the one place
  that sends it (the ``Authorization``/``api-key`` header). Cannot be pickled.
- :class:`KeyStore` — ``get(provider)``, ``source(provider)``, ``save(name, key, place)``, ``forget(name)``,
  ``keychain_works()``. Places: :data:`KEYCHAIN`, :data:`SESSION`, :data:`FILE` (plus :data:`ENVIRONMENT` for reads).
- :class:`KeychainUnavailable` — saving to the keychain failed; ask the user: session only, or the private file.
"""

from __future__ import annotations

import contextlib
import json
import logging
import os
import stat
from collections.abc import Mapping
from pathlib import Path
from typing import Any, Protocol

from dalle_studio.api.providers import Provider
from dalle_studio.core.atomic import atomic_write_text

log = logging.getLogger(__name__)

SERVICE = "dalle-studio"
KEYCHAIN = "keychain"
SESSION = "session"
FILE = "file"
ENVIRONMENT = "environment"


class SecretKey:
    """An API key that does not show itself."""

    __slots__ = ("_value",)

    def __init__(self, value: str) -> None:
        value = value.strip()
        if not value:
            raise ValueError("an API key cannot be empty")
        self._value = value

    def reveal(self) -> str:
        """The key's text, for the request header only."""
        return self._value

    def __repr__(self) -> str:
        return "SecretKey(<hidden>)"

    __str__ = __repr__

    def __eq__(self, other: object) -> bool:
        return isinstance(other, SecretKey) and other._value == self._value

    def __hash__(self) -> int:
        return hash((SecretKey, self._value))

    def __reduce__(self) -> Any:
        raise TypeError("an API key cannot be pickled")


class KeychainUnavailable(RuntimeError):
    """The OS keychain cannot store the key (no Secret Service, locked, refused)."""


class KeyringBackend(Protocol):
    """The part of a keyring backend used here (``keyring.get_keyring()`` satisfies it)."""

    def get_password(self, service: str, username: str) -> str | None: ...
    def set_password(self, service: str, username: str, password: str) -> None: ...
    def delete_password(self, service: str, username: str) -> None: ...


def _default_backend() -> KeyringBackend:
    import keyring

    return keyring.get_keyring()


def _keyring_errors() -> tuple[type[BaseException], ...]:
    from keyring.errors import KeyringError

    return (KeyringError, RuntimeError, OSError)


class KeyStore:
    """Where keys live. Reads try, in order: this session, the keychain, the private file, the environment."""

    def __init__(self, *, file: Path | None, backend: KeyringBackend | None = None,
                 env: Mapping[str, str] | None = None, service: str = SERVICE) -> None:
        self._file = file
        self._backend = backend
        self._env = os.environ if env is None else env
        self._service = service
        self._session: dict[str, SecretKey] = {}

    def __repr__(self) -> str:
        return f"KeyStore(file={self._file}, session_keys={len(self._session)})"

    @property
    def backend(self) -> KeyringBackend:
        if self._backend is None:
            self._backend = _default_backend()
        return self._backend

    def keychain_works(self) -> bool:
        """True when the keychain answers (reading a name that does not exist)."""
        try:
            self.backend.get_password(self._service, "__probe__")
        except _keyring_errors():
            return False
        return True

    def get(self, provider: Provider) -> SecretKey | None:
        """The key for ``provider``, or ``None``."""
        found = self._lookup(provider)
        return found[0] if found else None

    def source(self, provider: Provider) -> str | None:
        """Where the key for ``provider`` comes from (:data:`SESSION`, :data:`KEYCHAIN`, ...), or ``None``."""
        found = self._lookup(provider)
        return found[1] if found else None

    def _lookup(self, provider: Provider) -> tuple[SecretKey, str] | None:
        if provider.name in self._session:
            return self._session[provider.name], SESSION
        try:
            stored = self.backend.get_password(self._service, provider.name)
        except _keyring_errors() as exc:
            log.debug("keychain unavailable: %s", type(exc).__name__)
            stored = None
        if stored:
            return SecretKey(stored), KEYCHAIN
        stored = self._read_file().get(provider.name)
        if isinstance(stored, str) and stored.strip():
            return SecretKey(stored), FILE
        if provider.env_key and self._env.get(provider.env_key, "").strip():
            return SecretKey(self._env[provider.env_key]), ENVIRONMENT
        return None

    def save(self, name: str, key: SecretKey | str, place: str = KEYCHAIN) -> None:
        """Keep ``key`` for provider ``name`` in ``place``. Raises :class:`KeychainUnavailable` when the keychain
        fails, so the caller can offer :data:`SESSION` or :data:`FILE` instead."""
        secret = key if isinstance(key, SecretKey) else SecretKey(key)
        if place == KEYCHAIN:
            try:
                self.backend.set_password(self._service, name, secret.reveal())
                # read back: some keychains (a null backend, a locked collection) accept a key and keep nothing
                kept = self.backend.get_password(self._service, name) == secret.reveal()
            except _keyring_errors() as exc:
                raise KeychainUnavailable(f"The system keychain cannot store the key ({type(exc).__name__}). Keep "
                                          "it for this session only, or in a file only you can read.") from None
            if not kept:
                raise KeychainUnavailable("The system keychain accepted the key but did not keep it. Keep it for "
                                          "this session only, or in a file only you can read.")
        elif place == SESSION:
            self._session[name] = secret
        elif place == FILE:
            if self._file is None:
                raise ValueError("no key file is configured")
            keys = self._read_file()
            keys[name] = secret.reveal()
            atomic_write_text(self._file, json.dumps(keys), mode=0o600)
        else:
            raise ValueError(f"unknown place {place!r}")

    def forget(self, name: str) -> None:
        """Remove the key of provider ``name`` from every place this program keeps keys."""
        self._session.pop(name, None)
        # absent (PasswordDeleteError) or no keychain: either way it is not there afterwards
        with contextlib.suppress(Exception):
            self.backend.delete_password(self._service, name)
        keys = self._read_file()
        if name in keys and self._file is not None:
            del keys[name]
            atomic_write_text(self._file, json.dumps(keys), mode=0o600)

    def _read_file(self) -> dict[str, Any]:
        if self._file is None or not self._file.exists():
            return {}
        try:
            mode = self._file.stat().st_mode
            if os.name == "posix" and mode & (stat.S_IRWXG | stat.S_IRWXO):
                log.warning("key file %s is readable by others; ignoring it until it is private", self._file)
                return {}
            data = json.loads(self._file.read_text("utf-8"))
        except (OSError, ValueError) as exc:
            log.warning("key file %s is unreadable (%s)", self._file, type(exc).__name__)
            return {}
        return data if isinstance(data, dict) else {}
