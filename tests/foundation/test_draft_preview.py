"""The canvas's stand-in at start-up with a picture on the command line (issue 16): it paints the draft exactly where
and as the canvas will, so the change from one to the other cannot be seen."""

from __future__ import annotations

import threading

from PIL import Image
from PySide6.QtCore import QPoint
from PySide6.QtGui import QColor, QImage, QPainter
from PySide6.QtWidgets import QLabel, QMainWindow

from dalle_studio.app import _draft_preview
from dalle_studio.document.early_open import Draft, EarlyOpen
from dalle_studio.ui.canvas.draft_preview import DraftPreview


def _pattern() -> QImage:
    """Red left, blue right, a green band at the top: misplacing or mirroring it shows."""
    image = QImage(160, 120, QImage.Format.Format_RGBA8888)
    image.fill(QColor(200, 30, 30))
    painter = QPainter(image)
    painter.fillRect(80, 0, 80, 120, QColor(30, 60, 200))
    painter.fillRect(0, 0, 160, 20, QColor(40, 190, 60))
    painter.end()
    return image


def _draft(image: QImage, width: int, height: int) -> Draft:
    rgba = image.convertToFormat(QImage.Format.Format_RGBA8888)
    return Draft(bytes(rgba.constBits())[: rgba.sizeInBytes()], (rgba.width(), rgba.height()), width, height)


def _differing(a: QImage, b: QImage) -> float:
    """The share of pixels whose colours differ by more than a smoothing step."""
    assert a.size() == b.size()
    step = 4  # every fourth pixel each way: enough to see a band a few pixels wide
    points = [(x, y) for y in range(0, a.height(), step) for x in range(0, a.width(), step)]
    off = 0
    for x, y in points:
        ca, cb = a.pixelColor(x, y), b.pixelColor(x, y)
        if max(abs(ca.red() - cb.red()), abs(ca.green() - cb.green()), abs(ca.blue() - cb.blue())) > 40:
            off += 1
    return off / len(points)


def test_the_preview_paints_the_draft_where_the_canvas_paints_it(studio, qtbot):
    canvas = studio.window.canvas
    draft = _pattern()
    canvas.show_draft(draft, 2400, 1800)
    preview = DraftPreview()
    qtbot.addWidget(preview)
    preview.resize(canvas.viewport().size())
    preview.show_draft(_draft(draft, 2400, 1800))
    preview.show()
    qtbot.waitExposed(preview)
    on_canvas = canvas.viewport().grab().toImage()
    on_preview = preview.grab().toImage()
    centre = QPoint(on_preview.width() // 2 - 20, on_preview.height() // 2)
    assert on_preview.pixelColor(centre).red() > 180  # the picture is there, not only the background
    assert _differing(on_canvas, on_preview) < 0.005


def test_without_a_draft_it_says_loading_on_the_canvas_background(qtbot):
    preview = DraftPreview()
    qtbot.addWidget(preview)
    preview.resize(300, 200)
    preview.show()
    qtbot.waitExposed(preview)
    shot = preview.grab().toImage()
    background = preview.palette().color(preview.backgroundRole()).rgb()
    assert shot.pixel(5, 5) == background
    assert any(shot.pixel(x, 100) != background for x in range(100, 200))  # the word, in the middle
    assert not preview.has_picture()


def test_a_command_line_jpeg_is_on_screen_before_the_canvas_exists_and_its_full_decode_follows(qtbot, tmp_path):
    path = tmp_path / "photo.jpg"
    Image.new("RGB", (2400, 1800), (30, 60, 200)).save(path, quality=90)
    early = EarlyOpen(path)
    window = QMainWindow()
    qtbot.addWidget(window)
    window.resize(800, 600)
    preview = _draft_preview(window, early)
    assert window.centralWidget() is preview
    window.show()
    qtbot.waitUntil(preview.has_picture, timeout=30_000)
    qtbot.waitUntil(lambda: preview.grab().toImage().pixelColor(preview.rect().center()).blue() > 180)
    # painted, so the full decode goes on (the decoding thread waits for that, at most a few seconds)
    assert early.full.result(timeout=3).size == (2400, 1800)


def test_a_draft_that_arrives_after_the_canvas_replaced_the_preview_goes_nowhere(qtbot):
    window = QMainWindow()
    qtbot.addWidget(window)
    preview = DraftPreview()
    mailbox = preview.mailbox
    window.setCentralWidget(preview)
    window.setCentralWidget(QLabel("canvas"))  # deletes the preview, as attaching the canvas does
    qtbot.waitUntil(lambda: not _alive(preview))
    poster = threading.Thread(target=lambda: mailbox.arrived.emit(_draft(_pattern(), 2400, 1800)))
    poster.start()
    poster.join()
    qtbot.wait(20)  # the queued delivery has had its chance: nothing to deliver to, nothing raised
    assert window.centralWidget().text() == "canvas"


def _alive(widget) -> bool:
    import shiboken6

    return shiboken6.isValid(widget)


def test_the_waiting_preview_paints_before_pyside_builds_its_qt_namespace():
    """Building PySide's Qt namespace costs ~40 ms; a pen set while painting "Loading…" made it happen before the
    picture's first frame. Checked in a fresh process, since the namespace, once made, stays."""
    import subprocess
    import sys

    script = """
import PySide6.QtCore as core
from PySide6.QtWidgets import QApplication
app = QApplication([])
from dalle_studio.ui.canvas.draft_preview import DraftPreview
preview = DraftPreview()
preview.resize(300, 200)
grabbed = preview.grab().toImage()
dark = grabbed.pixelColor(150, 100)
made = isinstance(vars(core).get("Qt"), type)
texts = sum(grabbed.pixelColor(x, 100) != dark for x in range(100, 200))
print("made" if made else "unmade", texts)
"""
    env = {**__import__("os").environ, "QT_QPA_PLATFORM": "offscreen"}
    out = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, env=env, timeout=60)
    state, texts = out.stdout.split()
    assert state == "unmade", out.stderr
    assert int(texts) > 0  # and "Loading…" is painted
