"""The gallery's keys, typed on its focused grid inside the whole window, where the canvas and the main window
bind the same letters (F: frame tool, T: mask display, Ctrl+Z: undo, Ctrl+E: export the picture)."""

from __future__ import annotations

from PySide6.QtCore import QRect, Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QFileDialog

from dalle_studio.library import NewResult
from dalle_studio.ui.canvas.tool_state import Tool
from dalle_studio.ui.dialogs.shortcuts import ShortcutsDialog
from tests.library.conftest import make_image


def _focused_gallery(studio, qtbot, n: int = 2):
    # A picture with a change on the canvas: the window's Undo and Export are live, as when an artist works.
    studio.window.files.new_canvas(64, 64, None)
    studio.document.fill_mask(QRect(0, 0, 10, 10))
    assert studio.window.undo_action.isEnabled() and studio.window.export_action.isEnabled()
    ids = [studio.library.add_result(NewResult(image=make_image(i), kind="generation", prompt=f"a rocket {i}",
                                               model="gpt-image-2", created=1000.0 + i)).id for i in range(n)]
    gallery = studio.gallery
    qtbot.waitUntil(lambda: gallery.model.rowCount() == n)
    studio.window.activateWindow()
    gallery.view.setFocus()
    qtbot.waitUntil(lambda: gallery.view.hasFocus())
    gallery.select_image(ids[0])
    return gallery, ids


def test_f_on_the_focused_gallery_marks_a_favourite_and_leaves_the_canvas_tool(studio, qtbot):
    gallery, ids = _focused_gallery(studio, qtbot)
    tool = studio.window.canvas.tools.tool
    QTest.keyClick(gallery.view, Qt.Key.Key_F)
    qtbot.waitUntil(lambda: studio.library.get(ids[0]).favourite)
    assert studio.window.canvas.tools.tool == tool != Tool.FRAME


def test_delete_then_ctrl_z_on_the_focused_gallery_trashes_and_restores(studio, qtbot):
    gallery, ids = _focused_gallery(studio, qtbot)
    messages: list[str] = []
    gallery.status_message.connect(messages.append)
    QTest.keyClick(gallery.view, Qt.Key.Key_Delete)
    qtbot.waitUntil(lambda: studio.library.get(ids[0]).trashed)
    qtbot.waitUntil(lambda: any("Undo with Ctrl+Z" in m for m in messages))
    assert gallery.model.rowCount() == 1
    gallery.view.setFocus()
    QTest.keyClick(gallery.view, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(lambda: not studio.library.get(ids[0]).trashed)
    qtbot.waitUntil(lambda: gallery.model.rowCount() == 2)
    assert studio.window.undo_action.isEnabled()  # the canvas's mask change was not undone instead


def test_ctrl_e_on_the_focused_gallery_exports_the_selected_image(studio, qtbot, monkeypatch):
    gallery, _ids = _focused_gallery(studio, qtbot)
    asked: list[str] = []
    monkeypatch.setattr(studio.window, "export_dialog", lambda: asked.append("canvas"))
    QTest.keyClick(gallery.view, Qt.Key.Key_E, Qt.KeyboardModifier.ControlModifier)
    dialog = gallery.findChild(QFileDialog, "galleryExportDialog")
    assert dialog is not None and dialog.isVisible()
    assert "a-rocket-0" in dialog.selectedFiles()[0]
    assert asked == []
    dialog.reject()


def test_the_canvas_keeps_its_keys_when_it_has_focus(studio, qtbot):
    _focused_gallery(studio, qtbot)
    canvas = studio.window.canvas
    canvas.setFocus()
    qtbot.waitUntil(canvas.hasFocus)
    QTest.keyClick(canvas, Qt.Key.Key_F)
    assert canvas.tools.tool == Tool.FRAME


def test_gallery_keys_are_listed_in_help(studio):
    rows = dict(ShortcutsDialog(studio.window.shortcut_groups(), studio.window).rows())
    assert rows["Favourite"] == "F"
    assert rows["Move to trash"] == "Del"
    assert rows["Undo move to trash"].startswith("Ctrl+Z")
    assert rows["Preview large"] == "Space"


def test_enter_opens_and_space_previews_large(studio, qtbot, loop):
    from dalle_studio.ui.gallery.quick_look import QuickLook

    gallery, ids = _focused_gallery(studio, qtbot)
    QTest.keyClick(gallery.view, Qt.Key.Key_Space)
    look = gallery.findChild(QuickLook)
    assert look is not None and look.isVisible()
    qtbot.waitUntil(lambda: look.picture.pixmap() is not None and not look.picture.pixmap().isNull())
    assert look.picture.pixmap().width() == 24
    QTest.keyClick(look, Qt.Key.Key_Space)
    qtbot.waitUntil(lambda: gallery.findChild(QuickLook) is None)
    studio.document.undo_stack.setClean()
    gallery.view.setFocus()
    with qtbot.waitSignal(gallery.open_in_canvas) as opened:
        QTest.keyClick(gallery.view, Qt.Key.Key_Return)
    assert opened.args[0].id == ids[0]


def test_a_thumbnail_dropped_on_the_canvas_opens_there(studio, qtbot, loop):
    import asyncio

    from PySide6.QtCore import QPoint
    from PySide6.QtGui import QDropEvent

    gallery, ids = _focused_gallery(studio, qtbot)
    studio.document.undo_stack.setClean()
    mime = gallery.model.mimeData([gallery.model.index(gallery.model.row_of(ids[1]))])
    drop = QDropEvent(QPoint(300, 300), Qt.DropAction.CopyAction, mime, Qt.MouseButton.LeftButton,
                      Qt.KeyboardModifier.NoModifier)
    studio.window.dropEvent(drop)

    async def opened():
        while studio.document.size.width() != 24:
            await asyncio.sleep(0.01)

    loop.run_until_complete(asyncio.wait_for(opened(), 10))
    assert studio.window.prompt_panel.text() == "a rocket 1"  # recalled from the dropped file's chunks


def test_file_export_with_the_gallery_focused_exports_its_selection(studio, qtbot, monkeypatch):
    gallery, _ids = _focused_gallery(studio, qtbot)
    canvas_dialogs = []
    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *a, **k: canvas_dialogs.append(a) or ("", ""))
    studio.window.export_action.trigger()
    dialog = gallery.findChild(QFileDialog, "galleryExportDialog")
    assert dialog is not None and "a-rocket-0" in dialog.selectedFiles()[0] and canvas_dialogs == []
    dialog.reject()
    studio.window.canvas.setFocus()
    qtbot.waitUntil(studio.window.canvas.hasFocus)
    studio.window.export_action.trigger()
    assert len(canvas_dialogs) == 1  # the canvas has focus: File > Export is the picture's
