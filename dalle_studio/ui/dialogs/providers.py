"""Edit > Providers and API keys: where requests go, and the key each needs (kept by the system keychain)."""

from __future__ import annotations

import asyncio

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QMessageBox,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from dalle_studio.api import providers as p
from dalle_studio.api.keys import FILE, KEYCHAIN, SESSION, KeychainUnavailable
from dalle_studio.api.settings import providers_from
from dalle_studio.jobs.providers import ProviderHub
from dalle_studio.jobs.refusals import LearnedRefusals
from dalle_studio.ui.dialogs.learned_refusals import LearnedRefusalsList

_KINDS = (("OpenAI", p.OPENAI), ("Azure OpenAI", p.AZURE), ("OpenAI-compatible server", p.COMPATIBLE))


class ProviderForm(QDialog):
    """Asks for one provider's details; the fields shown follow its kind."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Add a provider")
        self.kind = QComboBox()
        for label, kind in _KINDS:
            self.kind.addItem(label, kind)
        self.name = QLineEdit(placeholderText="A name you will recognise")
        self.url = QLineEdit(placeholderText="https://api.openai.com/v1")
        self.organization = QLineEdit(placeholderText="optional")
        self.project = QLineEdit(placeholderText="optional")
        self.api_version = QLineEdit(placeholderText="not needed for the v1 route (…/openai/v1)")
        self.api_version.setToolTip("Only Azure's older deployment route needs a dated api-version")
        self.deployment = QLineEdit(placeholderText="optional: otherwise the model name is the deployment")
        self.key = QLineEdit(placeholderText="sk-…", echoMode=QLineEdit.EchoMode.Password)
        self.form = QFormLayout(self)
        self.form.addRow("Kind", self.kind)
        self.form.addRow("Name", self.name)
        self.form.addRow("Address", self.url)
        self.form.addRow("Organisation", self.organization)
        self.form.addRow("Project", self.project)
        self.form.addRow("API version", self.api_version)
        self.form.addRow("Deployment", self.deployment)
        self.form.addRow("API key", self.key)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        buttons.accepted.connect(self._check)
        buttons.rejected.connect(self.reject)
        self.form.addRow(buttons)
        self.error = QLabel()
        self.error.setStyleSheet("color: #d0453b;")
        self.form.addRow(self.error)
        self.kind.currentIndexChanged.connect(self._on_kind)
        self._on_kind()
        self.provider: p.Provider | None = None

    def _on_kind(self) -> None:
        kind = self.kind.currentData()
        self.form.setRowVisible(self.organization, kind == p.OPENAI)
        self.form.setRowVisible(self.project, kind == p.OPENAI)
        self.form.setRowVisible(self.api_version, kind == p.AZURE)
        self.form.setRowVisible(self.deployment, kind == p.AZURE)
        self.url.setPlaceholderText({p.OPENAI: p.OPENAI_BASE_URL, p.AZURE: "https://RESOURCE.openai.azure.com",
                                     p.COMPATIBLE: "http://localhost:8000/v1"}[kind])
        if not self.name.text() or self.name.text() in {label for label, _ in _KINDS} | {"OpenAI"}:
            self.name.setText(self.kind.currentText())

    def _check(self) -> None:
        kind = self.kind.currentData()
        name = self.name.text().strip()
        url = self.url.text().strip()
        try:
            if not name:
                raise ValueError("Give the provider a name.")
            if kind == p.OPENAI:
                self.provider = p.openai(name, organization=self.organization.text().strip() or None,
                                         project=self.project.text().strip() or None,
                                         base_url=url or p.OPENAI_BASE_URL)
            elif kind == p.AZURE:
                if not url:
                    raise ValueError("Azure OpenAI needs the resource's endpoint address.")
                version = self.api_version.text().strip() or None
                self.provider = p.azure(name, endpoint=url, api_version=version, v1=version is None,
                                        deployment=self.deployment.text().strip() or None)
            else:
                if not url:
                    raise ValueError("Give the server's address, for example http://localhost:8000/v1.")
                self.provider = p.compatible(name, url)
        except ValueError as exc:
            self.error.setText(str(exc))
            return
        self.accept()


class ProvidersDialog(QDialog):
    """Lists the providers with whether each has a key; adds, removes, sets keys and chooses the active one."""

    def __init__(self, hub: ProviderHub, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Providers and API keys")
        self.setObjectName("providersDialog")
        self.resize(560, 380)
        self.hub = hub
        self.list = QListWidget()
        self.note = QLabel("Keys are kept by the system keychain, never in the settings, the library, logs or "
                           "exported pictures.")
        self.note.setWordWrap(True)
        self.note.setEnabled(False)
        add = QPushButton("Add…")
        add.clicked.connect(self.add)
        self.key_button = QPushButton("Set key…")
        self.key_button.clicked.connect(self.set_key)
        self.forget_button = QPushButton("Forget key")
        self.forget_button.clicked.connect(self.forget_key)
        self.active_button = QPushButton("Use for new requests")
        self.active_button.clicked.connect(self.make_active)
        self.remove_button = QPushButton("Remove")
        self.remove_button.clicked.connect(self.remove)
        self.test_button = QPushButton("Test connection", objectName="testConnection")
        self.test_button.setToolTip("Ask the provider for its models: lists them, or says exactly what failed")
        self.test_button.clicked.connect(self.test_connection)
        self._tests: set[asyncio.Task[None]] = set()
        side = QVBoxLayout()
        for button in (add, self.key_button, self.forget_button, self.active_button, self.test_button,
                       self.remove_button):
            side.addWidget(button)
        side.addStretch(1)
        row = QHBoxLayout()
        row.addWidget(self.list, 1)
        row.addLayout(side)
        close = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        close.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addLayout(row)
        layout.addWidget(self.note)
        self.learned = LearnedRefusalsList(LearnedRefusals(hub.settings))
        layout.addWidget(self.learned)
        layout.addWidget(close)
        self.list.currentRowChanged.connect(lambda _r: self._update_buttons())
        self.refresh()

    def stored(self) -> list[p.Provider]:
        return providers_from(self.hub.settings)

    def refresh(self) -> None:
        active = self.hub.settings.get("api.active_provider")
        selected = self.current().name if self.current() is not None else None
        self.list.clear()
        for provider in self.stored():
            source = self.hub.keys.source(provider)
            key_text = {KEYCHAIN: "key in the keychain", SESSION: "key for this session", FILE: "key in a private file",
                        "environment": "key from the environment"}.get(source or "", "no key")
            mark = "★ " if provider.name == active else ""
            item = QListWidgetItem(f"{mark}{provider.name} — {provider.base_url} ({key_text})")
            item.setData(Qt.ItemDataRole.UserRole, provider)
            self.list.addItem(item)
            if provider.name == selected:
                self.list.setCurrentItem(item)  # the selection survives the refresh
        self._update_buttons()

    def current(self) -> p.Provider | None:
        item = self.list.currentItem()
        return item.data(Qt.ItemDataRole.UserRole) if item else None

    def _update_buttons(self) -> None:
        has = self.current() is not None
        for button in (self.key_button, self.forget_button, self.active_button, self.remove_button):
            button.setEnabled(has)
        self.test_button.setEnabled(has and self.current().kind != p.ENGINE)

    def test_connection(self) -> None:
        """Test the selected provider; the answer replaces the note under the list."""
        provider = self.current()
        if provider is None:
            return
        self.note.setEnabled(True)
        self.note.setText(f"Testing {provider.name}…")

        async def run() -> None:
            ok, text = await self.hub.test_connection(provider)
            self.note.setText(text)
            self.note.setStyleSheet("" if ok else "color: #d0453b;")

        task = asyncio.get_event_loop().create_task(run(), name=f"testing {provider.name}")
        self._tests.add(task)
        task.add_done_callback(self._tests.discard)

    def _store(self, providers: list[p.Provider]) -> None:
        self.hub.settings.set("api.providers", [x.to_dict() for x in providers])
        self.hub.keys_changed()
        self.refresh()

    def add(self) -> None:
        form = ProviderForm(self)
        if not form.exec() or form.provider is None:
            return
        providers = [x for x in self.stored() if x.name != form.provider.name]
        self._store([*providers, form.provider])
        if form.key.text().strip():
            self.save_key(form.provider.name, form.key.text().strip())

    def remove(self) -> None:
        provider = self.current()
        if provider is None:
            return
        self.hub.keys.forget(provider.name)
        self._store([x for x in self.stored() if x.name != provider.name])

    def make_active(self) -> None:
        provider = self.current()
        if provider is not None:
            self.hub.settings.set("api.active_provider", provider.name)
            self.hub.keys_changed()
            self.refresh()

    def set_key(self) -> None:
        provider = self.current()
        if provider is None:
            return
        field = QLineEdit(echoMode=QLineEdit.EchoMode.Password, placeholderText="sk-…")
        dialog = QDialog(self)
        dialog.setWindowTitle(f"API key for {provider.name}")
        form = QFormLayout(dialog)
        form.addRow("API key", field)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        buttons.accepted.connect(dialog.accept)
        buttons.rejected.connect(dialog.reject)
        form.addRow(buttons)
        if dialog.exec() and field.text().strip():
            self.save_key(provider.name, field.text().strip())

    def save_key(self, name: str, key: str) -> None:
        """Keep ``key`` in the keychain; where there is none, ask: this session only, or a private file."""
        try:
            self.hub.keys.save(name, key, KEYCHAIN)
        except KeychainUnavailable as exc:
            box = QMessageBox(QMessageBox.Icon.Question, "No keychain", str(exc), parent=self)
            session = box.addButton("This session only", QMessageBox.ButtonRole.AcceptRole)
            private = box.addButton("In a private file", QMessageBox.ButtonRole.AcceptRole)
            box.addButton(QMessageBox.StandardButton.Cancel)
            box.exec()
            if box.clickedButton() is session:
                self.hub.keys.save(name, key, SESSION)
            elif box.clickedButton() is private:
                self.hub.keys.save(name, key, FILE)
            else:
                return
        self.hub.keys_changed()
        self.refresh()

    def forget_key(self) -> None:
        provider = self.current()
        if provider is not None:
            self.hub.keys.forget(provider.name)
            self.hub.keys_changed()
            self.refresh()
