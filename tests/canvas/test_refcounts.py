"""The guard against PySide6 6.12's leaked references to None/True/False keeps long sessions alive."""

from __future__ import annotations

import sys

from PySide6.QtCore import QObject, Signal
from PySide6.QtWidgets import QWidget

from dalle_studio.core.refcounts import protect_singletons


class _Pinger(QObject):
    ping = Signal()


def test_many_void_calls_and_emits_do_not_exhaust_the_singletons(qtbot):
    protect_singletons()
    widget = QWidget()
    qtbot.addWidget(widget)
    pinger = _Pinger()
    for _ in range(20_000):  # more than None's or True's natural reference count on a fresh interpreter
        widget.update()
        pinger.ping.emit()
    assert sys.getrefcount(None) > 0 and sys.getrefcount(True) > 0
