"""Edit > Providers and API keys: add a compatible server with its key, make it the one for new requests."""

from __future__ import annotations

from dalle_studio.api import providers as p
from dalle_studio.ui.dialogs.providers import ProviderForm, ProvidersDialog


def test_add_a_server_with_its_key_and_use_it(qtbot, workflow, loop):
    hub = workflow.hub
    dialog = ProvidersDialog(hub)
    qtbot.addWidget(dialog)
    form = ProviderForm(dialog)
    qtbot.addWidget(form)
    form.kind.setCurrentIndex(form.kind.findData(p.COMPATIBLE))
    form.name.setText("My server")
    form.url.setText("")
    form._check()
    assert "address" in form.error.text() and form.provider is None  # told what is missing, nothing added
    form.url.setText("http://127.0.0.1:9/v1")
    form._check()
    assert form.provider is not None
    dialog._store([*dialog.stored(), form.provider])
    dialog.save_key("My server", "sk-test-abcdefghijklmnopqrstu")  # the tests' keychain accepts it
    loop.run_until_complete(hub.load_keys())
    assert hub.has_key(hub.provider("My server"))
    dialog.list.setCurrentRow(next(i for i in range(dialog.list.count()) if "My server" in dialog.list.item(i).text()))
    dialog.make_active()
    assert workflow.settings.get("api.active_provider") == "My server"
    assert hub.default_provider().name == "My server"
    texts = [dialog.list.item(i).text() for i in range(dialog.list.count())]
    assert any("★ My server" in t and "key in the keychain" in t for t in texts)
    assert not any("sk-test" in t for t in texts)
    dialog.forget_key()
    loop.run_until_complete(hub.load_keys())
    assert not hub.has_key(hub.provider("My server"))
