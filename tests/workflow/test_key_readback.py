"""A key the keychain does not keep is noticed: the same choice as without a keychain, never a silent "(no key)"."""

from __future__ import annotations

import pytest
from keyring.backends.null import Keyring as NullKeyring
from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication, QMessageBox

from dalle_studio.api import providers as p
from dalle_studio.api.keys import SESSION, KeychainUnavailable, KeyStore
from dalle_studio.jobs.providers import ProviderHub
from dalle_studio.ui.dialogs.providers import ProvidersDialog


def test_a_keychain_that_keeps_nothing_is_refused_on_saving(tmp_path):
    store = KeyStore(file=tmp_path / "keys.json", backend=NullKeyring(), env={})
    assert store.keychain_works()  # it answers, so only reading back tells
    with pytest.raises(KeychainUnavailable, match="did not keep it"):
        store.save("Local", "sk-test-0123456789abcdef")


def test_the_dialog_offers_the_session_or_a_private_file_instead(qtbot, tmp_path, settings, engine_supervisor, loop):
    hub = ProviderHub(settings, KeyStore(file=tmp_path / "keys.json", backend=NullKeyring(), env={}),
                      engine_supervisor)
    settings.set("api.providers", [p.compatible("Local", "http://127.0.0.1:9/v1").to_dict()])
    dialog = ProvidersDialog(hub)
    qtbot.addWidget(dialog)
    asked: list[str] = []

    def answer() -> None:
        box = QApplication.activeModalWidget()
        if not isinstance(box, QMessageBox):
            QTimer.singleShot(5, answer)
            return
        asked.append(box.text())
        next(b for b in box.buttons() if b.text() == "This session only").click()

    QTimer.singleShot(0, answer)
    dialog.save_key("Local", "sk-test-0123456789abcdef")
    assert asked and "did not keep it" in asked[0]
    assert hub.keys.source(hub.provider("Local")) == SESSION
    texts = [dialog.list.item(i).text() for i in range(dialog.list.count())]
    assert any("Local" in t and "key for this session" in t for t in texts)
