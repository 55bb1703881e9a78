"""Cycles holding Qt objects are freed on the UI thread, never on the worker thread that happens to allocate."""

from __future__ import annotations

import gc
import threading
import weakref

from PySide6.QtCore import QObject

from dalle_studio.ui import collector


class Panel:
    """A Python object in a cycle that holds a Qt object, as a closed panel's wiring does."""

    def __init__(self) -> None:
        self.qt = QObject()
        self.me = self


def test_a_cycle_with_a_qt_object_is_freed_on_the_ui_thread_not_in_a_worker(qapp, qtbot):
    collector.install(qapp)
    assert not gc.isenabled(), "automatic collection would run in whatever thread allocates"
    freed_on: list[int] = []
    panel = Panel()
    weakref.finalize(panel, lambda: freed_on.append(threading.get_ident()))
    del panel

    made: list[list[int]] = []

    def decode_results() -> None:  # a worker allocating as decoding does: enough to fill the young generation
        made.extend([index] for index in range(50_000))

    worker = threading.Thread(target=decode_results)
    worker.start()
    worker.join()
    assert freed_on == [], "the cycle was freed on the worker thread"
    qtbot.waitUntil(lambda: bool(freed_on), timeout=5000)
    assert freed_on == [threading.get_ident()]


def test_collection_still_happens_with_pythons_thresholds():
    made = collector.UiThreadCollector()
    try:
        before = gc.get_stats()[0]["collections"]
        for _ in range(made.threshold[0] + 10):
            Panel()
        made.collect()
        assert gc.get_stats()[0]["collections"] > before
    finally:
        made.deleteLater()
