"""The Send preview's caption never lies over its picture, however little room the panel gets."""

from __future__ import annotations

from PySide6.QtCore import QRect

from dalle_studio.ui.canvas.preview import SendPreview

from .helpers import document


def test_the_caption_stays_below_the_picture_in_a_short_panel(qtbot, tools):
    doc = document(600, 400)
    doc.set_frame(QRect(-100, 0, 700, 400))
    preview = SendPreview(doc, tools)
    qtbot.addWidget(preview)
    preview.resize(260, 230)
    preview.show()
    qtbot.waitExposed(preview)
    preview.refresh()
    qtbot.waitUntil(lambda: "beyond the picture" in preview.caption.text())
    image, caption = preview.image, preview.caption
    shown = image.pixmap().size()
    assert shown.height() <= image.height() and shown.width() <= image.width()
    drawn_bottom = image.y() + (image.height() + shown.height()) // 2
    assert drawn_bottom <= caption.y(), "the caption lies over the picture"
    preview.resize(320, 600)  # room again: the picture grows back to its full size
    qtbot.waitUntil(lambda: preview.image.pixmap().width() == 240)
