"""Python's cycle collector runs on the UI thread only.

Automatic collection runs in whichever thread happens to allocate when a generation fills up: here that is often a
worker decoding a result. A cycle it frees may hold Qt objects of the UI thread (a closed panel's widgets, a finished
job's QObjects), which are then deleted on the worker thread while the UI thread may be using them, and the process
crashes in Qt, at random, rarely (the suite hit it twice in some ten runs). Qt objects must be deleted by the
thread they live in. So automatic collection is off and a timer on the UI thread collects instead, with Python's own
thresholds, as pyqtgraph's ``GarbageCollector``, Spyder and OpenCue do. Reference counting frees everything that is
not in a cycle at once, whatever the thread; only cycles wait for the timer (at most ``INTERVAL_MS``). The app's heap
is small (~100,000 objects once loaded): the longest collection the ``ui_stall`` benchmark saw on the UI thread took
16 ms.
"""

from __future__ import annotations

import gc

from PySide6.QtCore import QObject, QTimer

INTERVAL_MS = 500
_installed: list[UiThreadCollector] = []


class UiThreadCollector(QObject):
    """Turns automatic collection off and collects from a timer of the thread it is made on."""

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.threshold = gc.get_threshold()
        gc.disable()
        self._timer = QTimer(self)
        self._timer.setInterval(INTERVAL_MS)
        self._timer.timeout.connect(self.collect)
        self._timer.start()

    def collect(self) -> None:
        """What automatic collection would have done by now: the young generation when it is full, the older
        ones when they are too."""
        young, middle, old = gc.get_count()
        if young > self.threshold[0]:
            gc.collect(0)
            if middle > self.threshold[1]:
                gc.collect(1)
                if old > self.threshold[2]:
                    gc.collect(2)



def install(app: QObject) -> UiThreadCollector:
    """Collect on ``app``'s thread (the UI thread) from now on; once per process."""
    if not _installed:
        _installed.append(UiThreadCollector(app))
    return _installed[0]
