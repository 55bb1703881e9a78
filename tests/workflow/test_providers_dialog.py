"""Edit > Providers and API keys: add a compatible server with its key, make it the one for new requests."""

from __future__ import annotations

from PySide6.QtCore import Qt

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


def test_test_connection_lists_the_models_or_says_exactly_what_failed(qtbot, workflow, loop):
    import asyncio

    from dalle_studio.api.keys import SESSION
    from tests.api.server import api_error, start_server
    from tests.workflow.conftest import until

    server, state = start_server()
    try:
        base_url = f"http://127.0.0.1:{server.server_address[1]}/v1"
        state.openai_today = True
        workflow.settings.set("api.providers", [p.compatible("Mine", base_url).to_dict()])
        workflow.hub.keys.save("Mine", "sk-test-abcdefghijklmnopqrstu", SESSION)
        dialog = ProvidersDialog(workflow.hub)
        qtbot.addWidget(dialog)
        dialog.list.setCurrentRow(0)

        async def click_and_wait(words: str) -> None:
            qtbot.mouseClick(dialog.test_button, Qt.MouseButton.LeftButton)
            await until(lambda: words in dialog.note.text())
            await asyncio.sleep(0)

        loop.run_until_complete(click_and_wait("answered"))
        assert f"{base_url}/models" in dialog.note.text() and "gpt-image-2.6-flare" in dialog.note.text()
        assert "gpt-4o" not in dialog.note.text()
        state.then(api_error(401, "invalid_api_key", "Incorrect API key provided: sk-te***tu."))
        loop.run_until_complete(click_and_wait("HTTP 401"))
        assert f"{base_url}/models answered HTTP 401: Incorrect API key provided" in dialog.note.text()
    finally:
        server.shutdown()
        server.server_close()
