"""A picture named on the command line: decoded on a thread from the start, a reduced draft on the canvas first,
then the picture itself (issue 16)."""

from __future__ import annotations

from PIL import Image
from PySide6.QtGui import QColor, QImage

from dalle_studio.document.early_open import EarlyOpen
from tests.foundation.test_main_window import open_boxes, wait


def _jpeg(path, size, color):
    Image.new("RGB", size, color).save(path, quality=95)
    return path


def _centre(studio) -> QColor:
    shot = studio.window.canvas.viewport().grab().toImage()
    return QColor(shot.pixel(shot.width() // 2, shot.height() // 2))


def test_a_large_jpeg_comes_first_as_a_reduced_draft_then_whole(tmp_path):
    early = EarlyOpen(_jpeg(tmp_path / "big.jpg", (2400, 1800), (30, 160, 60)))
    draft = early.draft.result(timeout=30)
    assert (draft.width, draft.height) == (2400, 1800)  # stands for the whole picture
    assert draft.image.width() < 2400 and abs(draft.image.width() / draft.image.height() - 4 / 3) < 0.01
    early.go_on()  # the app says so once the draft is on screen
    assert early.full.result(timeout=30).size == (2400, 1800)


def test_a_small_picture_has_no_draft(tmp_path):
    early = EarlyOpen(_jpeg(tmp_path / "small.jpg", (300, 200), (30, 160, 60)))
    assert early.draft.result(timeout=30) is None
    assert early.full.result(timeout=30).size == (300, 200)


def test_the_canvas_paints_the_draft_then_the_picture(studio, loop, qtbot, tmp_path):
    canvas = studio.window.canvas
    draft = QImage(120, 90, QImage.Format.Format_RGBA8888)
    draft.fill(QColor(200, 30, 30))
    canvas.show_draft(draft, 2400, 1800)
    qtbot.waitUntil(lambda: _centre(studio).red() > 180 and _centre(studio).green() < 60)
    early = EarlyOpen(_jpeg(tmp_path / "photo.jpg", (2400, 1800), (30, 60, 200)))
    assert wait(loop, studio.window.files.open_early(early)) is True
    qtbot.waitUntil(lambda: _centre(studio).blue() > 180 and _centre(studio).red() < 60)
    assert studio.document.size.width() == 2400 and studio.document.path == early.path
    assert studio.document.image.pixelColor(1200, 900).blue() > 180


def test_the_users_own_size_limit_holds_for_an_early_decode(studio, loop, tmp_path):
    studio.settings.set("files.max_megapixels", 1)
    early = EarlyOpen(_jpeg(tmp_path / "huge.jpg", (1600, 1000), (30, 60, 200)))
    assert wait(loop, studio.window.files.open_early(early)) is False
    assert "too large" in open_boxes(studio.window)[-1].text()
    assert studio.document.is_empty


def test_a_user_who_allows_more_than_the_default_gets_it_for_an_early_decode(studio, loop, tmp_path):
    """Issue 13, item 5: the early decode starts before the settings load, with the default limit (150 MP); a user
    who allows 200 MP must not be refused a 160 MP picture named on the command line."""
    from tests.foundation.pictures import png_header_only

    studio.settings.set("files.max_megapixels", 200)
    path = tmp_path / "big.png"
    path.write_bytes(png_header_only(16_000, 10_000))  # 160 MP claimed, a tiny body: it gets past the guard only
    early = EarlyOpen(path)
    assert wait(loop, studio.window.files.open_early(early)) is False
    message = open_boxes(studio.window)[-1].text()
    assert "damaged or incomplete" in message and "too large" not in message, message
