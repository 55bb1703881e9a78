"""The main window: its regions and menus, every way of opening a picture, refusals, layout memory."""

from __future__ import annotations

import asyncio
import base64
import logging

import numpy as np
import pytest
from PySide6.QtCore import QMimeData, QPointF, Qt, QTimer, QUrl
from PySide6.QtGui import QColor, QDragEnterEvent, QDropEvent, QGuiApplication, QImage
from PySide6.QtWidgets import QApplication, QDockWidget, QMessageBox

from dalle_studio.app import install_exception_hooks
from dalle_studio.core.logs import setup_logging
from dalle_studio.document.qimage import qimage_to_pil
from tests.foundation.pictures import BLUE, RED, encode, halves, png_header_only


def pixels(document):
    return np.asarray(qimage_to_pil(document.image))


def wait(loop, task):
    return loop.run_until_complete(task)


def open_boxes(window, name="openError"):
    return [b for b in window.findChildren(QMessageBox, name) if b.isVisible()]


def test_window_shows_prompt_canvas_and_gallery(studio):
    window = studio.window
    assert window.centralWidget() is window.canvas
    docks = {d.objectName(): d for d in window.findChildren(QDockWidget)}
    assert {"promptDock", "galleryDock"} <= set(docks)
    assert docks["promptDock"].isVisible() and docks["galleryDock"].isVisible()
    assert docks["promptDock"].widget().widget().objectName() == "promptPanel"
    titles = [m.title().replace("&", "") for m in window.menuBar().findChildren(type(window.menus["file"]))
              if m.parent() is window.menuBar()]
    assert titles[:4] == ["File", "Edit", "View", "Help"]
    file_items = [a.text().replace("&", "") for a in window.menus["file"].actions() if a.text()]
    for expected in ("Open…", "Open sample image", "Open recent", "New canvas…", "Export…", "Quit"):
        assert expected in file_items


def test_opens_sample_image_from_the_menu(studio, loop):
    window = studio.window
    sample_menu = window.open_sample_action.menu()
    coffee = next(a for a in sample_menu.actions() if a.text() == "Coffee")
    coffee.trigger()
    loop.run_until_complete(_until(lambda: not window.document.is_empty))
    assert (window.document.size.width(), window.document.size.height()) == (600, 400)
    assert "coffee.png" in window.windowTitle()


async def _until(condition, timeout=10.0):
    deadline = asyncio.get_event_loop().time() + timeout
    while not condition():
        assert asyncio.get_event_loop().time() < deadline, "condition not reached in time"
        await asyncio.sleep(0.01)


def test_open_file_shows_the_picture_and_remembers_it(studio, loop, tmp_path):
    path = tmp_path / "halves.webp"
    path.write_bytes(encode(halves(), "WEBP", lossless=True))
    assert wait(loop, studio.window.files.open_path(path)) is True
    arr = pixels(studio.document)
    assert tuple(arr[10, 5]) == (*RED, 255) and tuple(arr[10, 35]) == (*BLUE, 255)
    assert studio.settings.get("files.recent")[0] == str(path)
    studio.window._fill_recent()
    assert any("halves.webp" in a.text() for a in studio.window.recent_menu.actions())


@pytest.mark.parametrize("name,content,reason", [
    ("empty.png", b"", "empty"),
    ("notes.png", b"just some text\n" * 20, "not a picture"),
    ("cut.png", "truncated", "damaged or incomplete"),
    ("bomb.png", png_header_only(90_000, 90_000), "too large"),
    ("missing.png", None, "does not exist"),
])
def test_bad_file_explains_and_leaves_the_open_picture(studio, loop, tmp_path, name, content, reason):
    good = tmp_path / "good.png"
    good.write_bytes(encode(halves(), "PNG"))
    wait(loop, studio.window.files.open_path(good))
    before = pixels(studio.document).copy()
    bad = tmp_path / name
    if content == "truncated":
        content = encode(halves((300, 300)), "PNG")[:400]
    if content is not None:
        bad.write_bytes(content)
    assert wait(loop, studio.window.files.open_path(bad)) is False
    boxes = open_boxes(studio.window)
    assert boxes, "the user was not told"
    assert name in boxes[-1].text() and reason in boxes[-1].text()
    assert np.array_equal(pixels(studio.document), before)
    assert studio.document.path == good


@pytest.mark.filterwarnings("ignore:Function.*QDragEnterEvent:DeprecationWarning")
def test_drop_a_file_opens_it(studio, loop, tmp_path):
    path = tmp_path / "dropped.bmp"
    path.write_bytes(encode(halves(), "BMP"))
    mime = QMimeData()
    mime.setUrls([QUrl.fromLocalFile(str(path))])
    enter = QDragEnterEvent(QPointF(50, 50).toPoint(), Qt.DropAction.CopyAction, mime, Qt.MouseButton.LeftButton,
                            Qt.KeyboardModifier.NoModifier)
    QApplication.sendEvent(studio.window, enter)
    assert enter.isAccepted()
    drop = QDropEvent(QPointF(50, 50), Qt.DropAction.CopyAction, mime, Qt.MouseButton.LeftButton,
                      Qt.KeyboardModifier.NoModifier)
    QApplication.sendEvent(studio.window, drop)
    loop.run_until_complete(_until(lambda: studio.document.path == path))
    assert tuple(pixels(studio.document)[10, 35]) == (*BLUE, 255)


def test_paste_delivers_the_clipboard_picture(studio, loop):
    image = QImage(30, 10, QImage.Format.Format_ARGB32)
    image.fill(QColor(0, 160, 0, 128))
    QGuiApplication.clipboard().setImage(image)
    studio.window.paste_action.trigger()
    loop.run_until_complete(_until(lambda: not studio.document.is_empty))
    assert (studio.document.size.width(), studio.document.size.height()) == (30, 10)
    r, g, b, a = pixels(studio.document)[5, 5]
    assert g > 150 and r < 5 and b < 5 and abs(int(a) - 128) <= 1


def test_new_canvas_is_transparent_or_filled(studio):
    studio.window.files.new_canvas(320, 200, None)
    assert pixels(studio.document)[0, 0][3] == 0
    studio.window.files.new_canvas(64, 48, QColor("#336699"))
    assert tuple(pixels(studio.document)[47, 63]) == (0x33, 0x66, 0x99, 255)
    assert "Untitled" in studio.window.windowTitle()


def test_export_writes_the_picture_as_png(studio, loop, tmp_path):
    studio.window.files.new_canvas(64, 48, QColor("#336699"))
    out = wait(loop, studio.window.files.export_png(tmp_path / "out" / "result"))
    assert out.suffix == ".png"
    from PIL import Image

    with Image.open(out) as saved:
        assert saved.size == (64, 48) and saved.convert("RGBA").getpixel((3, 3)) == (0x33, 0x66, 0x99, 255)


def test_layout_is_restored_after_a_restart(make_studio, tmp_path):
    first = make_studio()
    first.window.show()
    first.window.resize(640, 470)
    first.window.addDockWidget(Qt.DockWidgetArea.RightDockWidgetArea, first.window.prompt_dock)
    first.window.gallery_dock.hide()
    first.window.close()
    second = make_studio()
    second.window.show()
    assert second.window.layout_remembered  # the panels took their places from it, before the first frame
    assert second.window.dockWidgetArea(second.window.prompt_dock) == Qt.DockWidgetArea.RightDockWidgetArea
    assert not second.window.gallery_dock.isVisible()
    assert (second.window.width(), second.window.height()) == (640, 470)


def test_a_remembered_layout_puts_every_panel_back_as_the_window_is_made(qtbot, tmp_path):
    """The panels are placed by the remembered layout alone (no dock area named: see ui.main_window), so each
    must come back where it was, the empty Results panel hidden as it was."""
    from dalle_studio.app import create_window
    from dalle_studio.core.paths import AppPaths

    paths = AppPaths.under(tmp_path)
    first = create_window(paths)
    qtbot.addWidget(first)
    first.show()
    assert not first.layout_remembered  # a first start: the default places
    places = {d.objectName(): (first.dockWidgetArea(d), d.isVisible()) for d in first.findChildren(QDockWidget)}
    first.close()
    second = create_window(paths)
    qtbot.addWidget(second)
    second.show()
    assert second.layout_remembered
    assert {d.objectName(): (second.dockWidgetArea(d), d.isVisible())
            for d in second.findChildren(QDockWidget)} == places
    assert places["resultsDock"] == (Qt.DockWidgetArea.BottomDockWidgetArea, False)
    assert places["historyDock"][0] == places["galleryDock"][0] == Qt.DockWidgetArea.RightDockWidgetArea


def test_a_layout_remembered_without_a_newer_panel_gives_every_panel_its_default_place(qtbot, tmp_path):
    from dalle_studio.app import create_window
    from dalle_studio.core.paths import AppPaths
    from dalle_studio.core.settings import Settings

    paths = AppPaths.under(tmp_path)
    old = create_window(paths)
    qtbot.addWidget(old)
    old.save_layout()
    settings = Settings.load(paths.settings_file)
    state = base64.b64decode(settings.get("window.state"))
    # as an older version, which had no Jobs panel, would have saved it: another panel in its place
    state = state.replace("jobsDock".encode("utf-16-be"), "oldsDock".encode("utf-16-be"))
    settings.set("window.state", base64.b64encode(state).decode("ascii"))
    window = create_window(paths, settings)
    qtbot.addWidget(window)
    window.show()
    assert not window.layout_remembered
    assert window.dockWidgetArea(window.jobs_dock) == Qt.DockWidgetArea.RightDockWidgetArea
    assert window.jobs_dock.parent() is window and not window.jobs_dock.isFloating()


def test_shortcuts_dialog_lists_standard_keys(studio):
    from dalle_studio.ui.dialogs.shortcuts import ShortcutsDialog

    rows = dict(ShortcutsDialog(studio.window.shortcut_groups(), studio.window).rows())
    assert rows["Open…"].startswith("Ctrl+O")
    assert rows["Undo"].startswith("Ctrl+Z")
    assert rows["Zoom in"].startswith("Ctrl++")


@pytest.mark.qt_no_exception_capture
def test_unexpected_errors_show_a_dialog_and_go_to_the_log(studio, loop):
    handler = setup_logging(studio.paths.log_file, console=False)
    uninstall = install_exception_hooks(studio, loop)
    try:
        _check_error_reporting(studio, loop)
    finally:
        uninstall()
        logging.getLogger().removeHandler(handler)
        handler.close()
    logged = studio.paths.log_file.read_text("utf-8")
    assert "the brush melted" in logged and "Traceback" in logged and "background trouble" in logged
    assert "sk-abcdefghijklmnop1234" not in logged


def _check_error_reporting(studio, loop):

    def broken_slot():
        raise RuntimeError("the brush melted (key sk-abcdefghijklmnop1234)")

    QTimer.singleShot(0, broken_slot)
    loop.run_until_complete(_until(lambda: studio.errors.dialog is not None))
    dialog = studio.errors.dialog
    assert "the brush melted" in dialog.text()
    assert "RuntimeError" in dialog.detailedText() and "broken_slot" in dialog.detailedText()
    assert "sk-abcdefghijklmnop1234" not in dialog.text() + dialog.detailedText()
    dialog.close()

    async def failing_task():
        raise ValueError("background trouble")

    studio.tasks.start(failing_task(), "testing a task")
    loop.run_until_complete(_until(lambda: "background trouble" in studio.errors.dialog.text()))
    assert "testing a task" in studio.errors.dialog.text()
    assert studio.window.isVisible()


def test_shortcuts_dialog_leaves_out_media_key_bindings(studio):
    from dalle_studio.ui.dialogs.shortcuts import ShortcutsDialog

    rows = dict(ShortcutsDialog(studio.window.shortcut_groups(), studio.window).rows())
    shown = ", ".join(rows.values())
    assert "F14" not in shown and "Zoom In" not in shown
    assert rows["Cancel the newest job"] == "Esc"


def test_window_shows_before_its_contents_load_and_works_once_they_do(qtbot, tmp_path, loop):
    from dalle_studio.app import create_window, populate
    from dalle_studio.core.paths import AppPaths

    paths = AppPaths.under(tmp_path)
    window = create_window(paths)
    qtbot.addWidget(window)
    window.show()
    open_action = next(a for a in window.menus["file"].actions() if a.objectName() == "open")
    assert window.prompt_dock.isVisible() and window.gallery_dock.isVisible()
    assert not open_action.isEnabled()  # nothing to open into yet
    assert "Loading" in window.centralWidget().text()
    studio = populate(window, paths)
    try:
        assert window.centralWidget() is window.canvas and open_action.isEnabled()
        assert window.prompt_dock.widget().widget() is window.prompt_panel
    finally:
        studio.close()
