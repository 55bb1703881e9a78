"""The main window: the canvas in the centre, the prompt panel and the gallery as dockable panels, the menus.

It assembles widgets made by the composition root and wires menu actions to them; it holds no state of its
own beyond what Qt needs, and remembers its layout through the settings object.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QByteArray, QTimer
from PySide6.QtGui import QAction, QGuiApplication, QKeySequence
from PySide6.QtWidgets import QDockWidget, QLabel, QMainWindow, QMenu, QWidget

from dalle_studio import APP_NAME, __version__
from dalle_studio.core.settings import Settings

# Dialogs, scroll areas, drops and events load when first used: the window shows before they are needed, and each
# Qt class costs PySide a Python type and its enums the first time it is named.
if TYPE_CHECKING:  # the window shows before these load (see app.run): they are imported by attach()
    from PySide6.QtCore import QMimeData, Qt
    from PySide6.QtGui import QCloseEvent, QDragEnterEvent, QDropEvent
    from PySide6.QtWidgets import QScrollArea

    from dalle_studio.document.document import Document
    from dalle_studio.jobs.request import RequestModel
    from dalle_studio.jobs.tasks import TaskRegistry
    from dalle_studio.ui.canvas.view import CanvasView
    from dalle_studio.ui.picture_files import PictureFiles
    from dalle_studio.ui.prompt.panel import PromptPanel

log = logging.getLogger(__name__)
Std = QKeySequence.StandardKey
# The window shows before anything names PySide's ``Qt`` namespace: making its Python type builds its ~90 enums
# (Qt.Key alone has 450 members), 36 ms, a fifth of a bare window's whole start. So the window's first frame uses
# no ``Qt.`` value (see NO_QT_NAMESPACE): the panels take their places from the remembered layout (restoreState
# needs no dock area) and the few flags it sets are written as numbers through Qt's properties. A first start,
# with no layout to remember, names dock areas and pays it once (see :meth:`MainWindow._place_panels`).
NO_QT_NAMESPACE = True
ALIGN_CENTER = 0x0084  # Qt.AlignmentFlag.AlignCenter


class MainWindow(QMainWindow):
    """One window: canvas (centre), prompt panel (left dock), gallery (right dock)."""

    def __init__(self, settings: Settings, samples_dir: Path,
                 panels: Sequence[tuple[str, str, str]] = ()) -> None:
        """The window itself, its menus and its panels' places (the prompt and the gallery, then ``panels``:
        title, object name, area "left", "right", "top" or "bottom"), in the remembered layout when there is
        one: quick to build, so it shows at once. The picture, the canvas and the panels' contents arrive with
        :meth:`attach`; :attr:`layout_remembered` says whether the remembered layout placed the panels."""
        super().__init__()
        self.setObjectName("mainWindow")
        self.settings = settings
        self.samples_dir = samples_dir
        self.document: Document | None = None
        self.tasks: TaskRegistry | None = None
        self.canvas: CanvasView | None = None
        self.files: PictureFiles | None = None
        self.prompt_panel: QWidget | None = None
        self.request: RequestModel | None = None  # what the next request asks (the prompt's one home)
        self.setDockNestingEnabled(True)
        loading = QLabel("Loading…")
        loading.setProperty("alignment", ALIGN_CENTER)
        loading.setEnabled(False)
        self.setCentralWidget(loading)
        self._areas: dict[str, str] = {}  # each panel's default area, for a start with no remembered layout
        self._panels_placed = False
        self.prompt_dock = self._dock("Prompt", "promptDock", QWidget(), "left")
        self.gallery_dock = self._dock("Gallery", "galleryDock", QWidget(), "right")
        self.menus: dict[str, QMenu] = {}
        self._needs_picture: list[QAction] = []
        self._build_menus()
        for title, name, area in panels:
            self.add_dock(title, name, QWidget(), area)
        self._zoom_label = QLabel()
        self._size_label = QLabel()
        self.statusBar().addPermanentWidget(self._size_label)
        self.statusBar().addPermanentWidget(self._zoom_label)
        self.resize(1400, 900)
        self.layout_remembered = self._place_panels()

    def attach(self, document: Document, tasks: TaskRegistry, canvas: CanvasView) -> None:
        """Put the document and the canvas into the window, and connect the menus to them (first of what loads
        after the window shows: a picture named on the command line can then be painted while the rest loads)."""
        from dalle_studio.ui.picture_files import PictureFiles

        self.document, self.tasks, self.canvas = document, tasks, canvas
        self.files = PictureFiles(document, settings=self.settings, tasks=tasks, parent=self)
        self.files.confirm = self.confirm_discard
        self.setCentralWidget(canvas)
        self.setAcceptDrops(True)
        canvas.setAcceptDrops(False)
        canvas.viewport().setAcceptDrops(False)
        stack = document.undo_stack
        stack.canUndoChanged.connect(self.undo_action.setEnabled)
        stack.canRedoChanged.connect(self.redo_action.setEnabled)
        # bound methods, not lambdas: Qt drops these connections when the window goes, before the document does
        stack.undoTextChanged.connect(self._on_undo_text)
        stack.redoTextChanged.connect(self._on_redo_text)
        self.undo_action.triggered.connect(stack.undo)
        self.redo_action.triggered.connect(stack.redo)
        stack.cleanChanged.connect(self._on_clean_changed)
        canvas.zoom_changed.connect(self._on_zoom_changed)
        document.image_replaced.connect(self._on_image_replaced)
        document.canvas_resized.connect(self._show_size)  # outpainting grows the picture
        for action in self._needs_picture:
            action.setEnabled(True)
        from PySide6.QtCore import Qt

        self.paste_action.setShortcutContext(Qt.ShortcutContext.WindowShortcut)  # set here: see NO_QT_NAMESPACE
        self._on_image_replaced()

    def attach_panels(self, prompt_panel: PromptPanel, gallery: QWidget) -> None:
        """Put the prompt panel and the gallery into their docks."""
        self.prompt_panel = prompt_panel
        self.request = prompt_panel.request
        self.prompt_dock.setWidget(_scrolling(prompt_panel))
        self.gallery_dock.setWidget(gallery)

    # -- construction -------------------------------------------------------------------------------------
    def _dock(self, title: str, name: str, widget: QWidget, area: str | Qt.DockWidgetArea) -> QDockWidget:
        """A panel; an area given by name ("left") waits for :meth:`_place_panels`, a ``Qt`` area is used now."""
        dock = QDockWidget(title, self)
        dock.setObjectName(name)  # saveState needs stable names
        dock.setWidget(widget)
        dock.setMinimumWidth(220)
        if isinstance(area, str) and not self._panels_placed:
            self._areas[name] = area
        else:
            self.addDockWidget(_dock_area(area), dock)
        return dock

    def _place_panels(self) -> bool:
        """Put the panels made so far in their places: the remembered layout's when it names every one of them
        (True), else their default areas (False; this names ``Qt``'s dock areas, see NO_QT_NAMESPACE)."""
        self._panels_placed = True
        state = self.settings.get("window.state")
        if state:
            saved = QByteArray.fromBase64(state.encode("ascii"))
            names = bytes(saved.data())  # restoreState finds each panel by its object name, stored as UTF-16
            if all(name.encode("utf-16-be") in names for name in self._areas) and self.restoreState(saved):
                self._areas.clear()
                return True
        for name, area in self._areas.items():
            self.addDockWidget(_dock_area(area), self.findChild(QDockWidget, name))
        self._areas.clear()
        return False

    def _action(self, menu: QMenu, text: str, slot, shortcut=None, name: str = "", ready: bool = False) -> QAction:
        """A menu action; unless ``ready``, it waits (disabled) until :meth:`attach` has brought what it acts on."""
        action = QAction(text, self)
        if not ready:
            action.setEnabled(False)
            self._needs_picture.append(action)
        if shortcut is not None:
            keys = QKeySequence.keyBindings(shortcut) if isinstance(shortcut, Std) else [shortcut]
            action.setShortcuts(_unique(keys))
        action.triggered.connect(slot)
        if name:
            action.setObjectName(name)
        menu.addAction(action)
        return action

    def _build_menus(self) -> None:
        bar = self.menuBar()
        file = self.menus["file"] = bar.addMenu("&File")
        self._action(file, "&Open…", self.open_dialog, Std.Open, "open")
        samples = file.addMenu("Open &sample image")
        for sample in sorted(self.samples_dir.glob("*.[pj][np]g")):
            samples.addAction(sample.stem.capitalize(), lambda p=sample: self.files and self.files.open_path(p))
        self.open_sample_action = samples.menuAction()
        self.recent_menu = file.addMenu("Open &recent")
        self.recent_menu.aboutToShow.connect(self._fill_recent)
        self._action(file, "&New canvas…", self.new_canvas_dialog, Std.New, "newCanvas")
        file.addSeparator()
        self.export_action = self._action(file, "&Export…", self.export_dialog, QKeySequence("Ctrl+E"), "export")
        file.addSeparator()
        self._action(file, "&Quit", self.close, Std.Quit, "quit", ready=True)

        edit = self.menus["edit"] = bar.addMenu("&Edit")
        self.undo_action = QAction("&Undo", self, enabled=False)  # enabled by the document's history
        self.undo_action.setShortcuts(QKeySequence.keyBindings(Std.Undo))
        self.redo_action = QAction("&Redo", self, enabled=False)
        self.redo_action.setShortcuts(_unique([*QKeySequence.keyBindings(Std.Redo), QKeySequence("Ctrl+Shift+Z")]))
        edit.addActions([self.undo_action, self.redo_action])
        edit.addSeparator()
        self.paste_action = self._action(edit, "&Paste picture", self.paste, Std.Paste, "paste")
        edit.addSeparator()
        self._action(edit, "&Preferences…", self.preferences_dialog, Std.Preferences, "preferences",
                     ready=True).setShortcuts(
            _unique([*QKeySequence.keyBindings(Std.Preferences), QKeySequence("Ctrl+,")]))  # the platform may have none

        view = self.menus["view"] = bar.addMenu("&View")
        self._action(view, "Zoom &in", lambda: self.canvas.zoom_in(), Std.ZoomIn, "zoomIn").setShortcuts(
            _unique([*QKeySequence.keyBindings(Std.ZoomIn), QKeySequence("Ctrl+=")]))
        self._action(view, "Zoom &out", lambda: self.canvas.zoom_out(), Std.ZoomOut, "zoomOut")
        self._action(view, "&Fit to window", lambda: self.canvas.fit(), QKeySequence("Ctrl+0"), "fit")
        self._action(view, "&Actual size (100 %)", lambda: self.canvas.actual_size(), QKeySequence("Ctrl+1"),
                     "actualSize")
        view.addSeparator()
        panels = view.addMenu("&Panels")
        panels.addAction(self.prompt_dock.toggleViewAction())
        panels.addAction(self.gallery_dock.toggleViewAction())
        self._action(view, "Full &screen", self._toggle_full_screen, Std.FullScreen, "fullScreen", ready=True)

        help_ = self.menus["help"] = bar.addMenu("&Help")
        self._action(help_, "&Keyboard shortcuts", self.shortcuts_dialog, QKeySequence("Ctrl+/"), "shortcuts",
                     ready=True)
        self._action(help_, f"&About {APP_NAME}", self.about_dialog, None, "about", ready=True)

    def add_dock(self, title: str, name: str, widget: QWidget, area: str | Qt.DockWidgetArea) -> QDockWidget:
        """Add another panel (used by later parts of the app); it joins View > Panels. A panel whose place was
        made with the window (its ``panels``) keeps that place and gets ``widget``."""
        existing = self.findChild(QDockWidget, name)
        if existing is not None:
            existing.setWindowTitle(title)
            existing.setWidget(widget)
            return existing
        dock = self._dock(title, name, widget, area)
        panels = next(a.menu() for a in self.menus["view"].actions() if a.menu() and "Panels" in a.text())
        panels.addAction(dock.toggleViewAction())
        return dock

    def add_menu(self, key: str, title: str, actions: list[QAction | None]) -> QMenu:
        """Add a menu before Help (used by later parts of the app); None in ``actions`` is a separator. Its
        shortcuts are listed in Help > Keyboard shortcuts."""
        menu = QMenu(title, self)
        for action in actions:
            menu.addSeparator() if action is None else menu.addAction(action)
        self.menuBar().insertMenu(self.menus["help"].menuAction(), menu)
        self.menus = {**{k: m for k, m in self.menus.items() if k != "help"}, key: menu, "help": self.menus["help"]}
        return menu

    # -- state ---------------------------------------------------------------------------------------------
    def _on_undo_text(self, text: str) -> None:
        self.undo_action.setText(f"&Undo {text}".strip())

    def _on_redo_text(self, text: str) -> None:
        self.redo_action.setText(f"&Redo {text}".strip())

    def _on_clean_changed(self, clean: bool) -> None:
        self.setWindowModified(not clean)

    def _on_zoom_changed(self, zoom: float) -> None:
        self._zoom_label.setText(f"{zoom * 100:.0f} %")

    def _on_image_replaced(self) -> None:
        doc = self.document
        if doc is None:
            return
        name = doc.path.name if doc.path else ("Untitled" if not doc.is_empty else "")
        self.setWindowTitle(f"{name}[*] — {APP_NAME}" if name else APP_NAME)
        self.setWindowModified(False)
        self._show_size()
        self.export_action.setEnabled(not doc.is_empty)

    def _show_size(self, *_args: object) -> None:
        doc = self.document
        self._size_label.setText("" if doc is None or doc.is_empty else f"{doc.size.width()} × {doc.size.height()} px")

    def restore_geometry(self) -> None:
        """Put the window back where it was, at the size it had."""
        geometry = self.settings.get("window.geometry")
        if geometry:
            self.restoreGeometry(QByteArray.fromBase64(geometry.encode("ascii")))

    def restore_layout(self) -> None:
        """Put the window and its panels back as they were (call once every panel has been added)."""
        self.restore_geometry()
        state = self.settings.get("window.state")
        if state:
            self.restoreState(QByteArray.fromBase64(state.encode("ascii")))

    def save_layout(self) -> None:
        self.settings.set("window.geometry", bytes(self.saveGeometry().toBase64().data()).decode("ascii"))
        self.settings.set("window.state", bytes(self.saveState().toBase64().data()).decode("ascii"))

    def closeEvent(self, event: QCloseEvent) -> None:
        if not self.confirm_discard("quit"):
            event.ignore()
            return
        self.save_layout()
        super().closeEvent(event)

    def confirm_discard(self, doing: str) -> bool:
        """Before ``doing`` something that replaces the open picture (or quits): with unsaved changes, ask whether
        to export them first, discard them, or cancel. The one question every such path asks; True: go ahead."""
        if self.document is None or self.document.is_empty or self.document.undo_stack.isClean():
            return True
        from PySide6.QtWidgets import QMessageBox

        box = QMessageBox(QMessageBox.Icon.Question, APP_NAME,
                          f"The picture has changes that are not exported. Export them before you {doing}?",
                          QMessageBox.StandardButton.Save | QMessageBox.StandardButton.Discard
                          | QMessageBox.StandardButton.Cancel, self)
        box.setObjectName("confirmReplace")
        box.button(QMessageBox.StandardButton.Save).setText("Export…")
        box.button(QMessageBox.StandardButton.Discard).setText("Discard changes")
        box.setDefaultButton(QMessageBox.StandardButton.Save)
        box.setEscapeButton(QMessageBox.StandardButton.Cancel)
        box.setInformativeText("Results you received are kept in the gallery either way.")
        answer = box.exec()
        if answer == QMessageBox.StandardButton.Discard:
            return True
        if answer == QMessageBox.StandardButton.Save:
            path = self._ask_export_path()  # a cancelled export dialog cancels
            return bool(path) and self.files.export_png_now(path)
        return False

    # -- commands ------------------------------------------------------------------------------------------
    def open_dialog(self) -> None:
        if not self.confirm_discard("open another picture"):
            return
        from PySide6.QtCore import QStandardPaths
        from PySide6.QtWidgets import QFileDialog

        from dalle_studio.document.image_io import OPEN_FILTER

        start = self.settings.get("files.last_folder") or QStandardPaths.writableLocation(
            QStandardPaths.StandardLocation.PicturesLocation)

        path, _ = QFileDialog.getOpenFileName(self, "Open picture", start, OPEN_FILTER)
        if path:
            self.files.open_path(path, confirmed=True)

    def _fill_recent(self) -> None:
        self.recent_menu.clear()
        recent = self.files.recent()
        for i, path in enumerate(recent, 1):
            action = self.recent_menu.addAction(f"&{i % 10} {path.name}", lambda p=path: self.files.open_path(p))
            action.setToolTip(str(path))
            action.setStatusTip(str(path))
        if recent:
            self.recent_menu.addSeparator()
            self.recent_menu.addAction("Clear list", self.files.clear_recent)
        else:
            self.recent_menu.addAction("No recent pictures").setEnabled(False)

    def new_canvas_dialog(self) -> None:
        if not self.confirm_discard("start a new canvas"):
            return
        from dalle_studio.ui.dialogs.new_canvas import NewCanvasDialog

        dialog = NewCanvasDialog(self)
        if dialog.exec():
            self.files.new_canvas(*dialog.size(), dialog.color(), confirmed=True)

    def export_dialog(self) -> None:
        """File > Export: the picture as it is now, as a PNG. The dialog starts in the last export folder (else
        Pictures, never the app's own folder where the samples live), named from the prompt; once written, the
        status bar says where and the "not saved anywhere" warning is cleared for this state."""
        gallery_export = getattr(self.gallery_dock.widget(), "export_if_focused", None)
        if gallery_export is not None and gallery_export():
            return  # the gallery had focus and a selection: File > Export means those images
        if self.document.is_empty:
            return
        path = self._ask_export_path()
        if path:
            self._export_to(path)

    def _ask_export_path(self) -> str:
        from PySide6.QtWidgets import QFileDialog

        from dalle_studio.library.export import slug
        from dalle_studio.ui.exports import start_folder

        prompt = self.request.prompt if self.request is not None else ""
        stem = slug(prompt, 40) or (f"{self.document.path.stem}-edited" if self.document.path
                                    else "picture")
        start = str(start_folder(self.settings.get("export.last_folder")) / f"{stem}.png")
        path, _ = QFileDialog.getSaveFileName(self, "Export picture", start, "PNG image (*.png)")
        if path:
            self.settings.set("export.last_folder", str(Path(path).parent))
        return path

    def _export_to(self, path: str | Path) -> None:
        from dalle_studio.ui.exports import show_export_notice

        stack = self.document.undo_stack
        state = stack.index()
        task = self.files.export_png(path)

        def done(finished) -> None:
            if finished.cancelled() or finished.exception() is not None:
                return  # the task registry has told the user
            target = finished.result()
            self.settings.set("export.last_folder", str(target.parent))
            if stack.index() == state:
                stack.setClean()
            show_export_notice(self.statusBar(), target)

        task.add_done_callback(done)

    def paste(self) -> None:
        mime = QGuiApplication.clipboard().mimeData()
        if mime is None or not self.files.mime_has_picture(mime):
            self.statusBar().showMessage("The clipboard holds no picture to paste.", 4000)
            return
        self.files.open_mime(mime, "The pasted picture")

    def dragEnterEvent(self, event: QDragEnterEvent) -> None:
        if self.files is not None and self.files.mime_has_picture(event.mimeData()):
            event.acceptProposedAction()

    def dropEvent(self, event: QDropEvent) -> None:
        if self.files is None or not self.files.mime_has_picture(event.mimeData()):
            return
        event.acceptProposedAction()
        # Asked (when there are unsaved changes) once the drop is over: the dragging program is not kept waiting.
        dropped = _copy_mime(event.mimeData())
        QTimer.singleShot(0, lambda: self.files.open_mime(dropped, "The dropped picture"))

    def preferences_dialog(self) -> None:
        from dalle_studio.ui.dialogs.preferences import PreferencesDialog

        PreferencesDialog(self.settings, self).exec()

    def shortcut_groups(self) -> dict[str, list]:
        groups: dict[str, list] = {}
        for menu in self.menus.values():
            groups[menu.title()] = [a for a in menu.actions() if not a.isSeparator() and not a.menu()]
        extra = [a for a in self.actions() if a.shortcuts()]
        if extra:
            groups["Canvas and jobs"] = extra
        gallery_keys = getattr(self.gallery_dock.widget(), "key_rows", None)
        if gallery_keys is not None:
            groups["Gallery (when it has focus)"] = gallery_keys()
        return groups

    def shortcuts_dialog(self) -> None:
        from dalle_studio.ui.dialogs.shortcuts import ShortcutsDialog

        ShortcutsDialog(self.shortcut_groups(), self).exec()

    def about_dialog(self) -> None:
        from PySide6.QtWidgets import QMessageBox

        QMessageBox.about(
            self, f"About {APP_NAME}",
            f"<h3>{APP_NAME} {__version__}</h3><p>A desktop studio for AI inpainting: paint the part of a picture "
            "to change, describe it, and choose among the results.</p><p>Works with the OpenAI Images API, any "
            "compatible server, and an embedded offline engine.</p>")

    def _toggle_full_screen(self) -> None:
        self.showNormal() if self.isFullScreen() else self.showFullScreen()


def _dock_area(area: str | Qt.DockWidgetArea) -> Qt.DockWidgetArea:
    """``area`` as Qt's dock area ("left", "right", "top", "bottom" or already one)."""
    if not isinstance(area, str):
        return area
    from PySide6.QtCore import Qt

    return getattr(Qt.DockWidgetArea, f"{area.capitalize()}DockWidgetArea")


def _copy_mime(mime: QMimeData) -> QMimeData:
    """What a drop carried, kept after the drop event (Qt frees the original)."""
    from PySide6.QtCore import QMimeData

    copy = QMimeData()
    copy.setUrls(mime.urls())
    for fmt in mime.formats():
        if fmt.startswith("image/"):
            copy.setData(fmt, mime.data(fmt))
    if mime.hasImage():
        copy.setImageData(mime.imageData())
    return copy


def _unique(sequences: list[QKeySequence]) -> list[QKeySequence]:
    """``sequences`` without repeats (and empties): the platform's standard keys may already hold the extra one we
    add, and one action bound twice to a sequence makes Qt call that key ambiguous and do nothing."""
    seen: list[QKeySequence] = []
    for sequence in sequences:
        if not sequence.isEmpty() and sequence not in seen:
            seen.append(sequence)
    return seen


def _scrolling(widget: QWidget) -> QScrollArea:
    """``widget`` in a frameless scroll area, so a tall panel never forces the window to be tall."""
    from PySide6.QtCore import Qt
    from PySide6.QtWidgets import QFrame, QScrollArea

    area = QScrollArea()
    area.setWidgetResizable(True)
    area.setFrameShape(QFrame.Shape.NoFrame)
    area.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
    area.setWidget(widget)
    return area
