"""Frame shapes follow the model table: squares for dall-e-2, the standard sizes for GPT Image, free for
gpt-image-2."""

from __future__ import annotations

from PySide6.QtCore import QRect, QSize

from dalle_studio.api.models import spec_for
from dalle_studio.jobs.frame_sizes import frame_sizes_for

from .helpers import document


def test_shapes_come_from_the_model_table():
    dalle = frame_sizes_for(spec_for("dall-e-2"))
    assert not dalle.free and all(s.size.width() == s.size.height() for s in dalle.shapes())
    assert dalle.send_size(QSize(300, 300)) == QSize(1024, 1024)  # the largest square
    gpt = frame_sizes_for(spec_for("gpt-image-1"))
    assert not gpt.free
    assert [s.label for s in gpt.shapes()] == ["Square 1024×1024", "Landscape 1536×1024", "Portrait 1024×1536"]
    free = frame_sizes_for(spec_for("gpt-image-2"))
    assert free.free and free.shapes()[-1].label == "Free"
    assert free.send_size(QSize(1000, 601)) == QSize(1056, 640)  # 992x592 is under its 655,360-pixel minimum


def test_a_new_model_keeps_a_frame_it_accepts_and_reshapes_one_it_does_not(tools, qtbot):
    from PySide6.QtWidgets import QWidget

    from dalle_studio.ui.canvas.actions import CanvasActions

    window = QWidget()
    qtbot.addWidget(window)
    doc = document(600, 400)
    CanvasActions(doc, tools, tools._settings, window)
    tools.set_frame_sizes(frame_sizes_for(spec_for("gpt-image-1")), doc.frame.size())
    assert tools.frame_shape.label == "Landscape 1536×1024"
    assert doc.frame == QRect(0, 0, 600, 400) and doc.undo_stack.count() == 0
    tools.set_frame_sizes(frame_sizes_for(spec_for("dall-e-2")), doc.frame.size())
    assert doc.frame.width() == doc.frame.height()


def test_a_small_frame_is_sent_at_least_at_the_models_pixel_minimum():
    from PySide6.QtCore import QSize

    from dalle_studio.api.models import spec_for
    from dalle_studio.jobs.frame_sizes import frame_sizes_for

    send = frame_sizes_for(spec_for("gpt-image-2")).send_size(QSize(451, 300))
    assert send.width() * send.height() >= 655_360 and send.width() % 16 == send.height() % 16 == 0
    assert spec_for("gpt-image-2").allows_size(f"{send.width()}x{send.height()}")
