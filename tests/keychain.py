"""A keychain of the tests' own (FIELD-NOTES: no Secret Service on these machines)."""

from __future__ import annotations


class MemoryKeychain:
    """Implements the three keyring calls the key store uses, in memory."""

    def __init__(self) -> None:
        self.store: dict[tuple[str, str], str] = {}

    def get_password(self, service, username):
        return self.store.get((service, username))

    def set_password(self, service, username, password):
        self.store[(service, username)] = password

    def delete_password(self, service, username):
        self.store.pop((service, username))
