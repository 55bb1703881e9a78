"""One background-work model (issue 13): one pool plus one ordered worker, used by every layer; nested work never
deadlocks a full pool; the document's undo steps are compacted in order on the ordered worker, not a thread each."""

from __future__ import annotations

import asyncio
import threading

import pytest
from PySide6.QtCore import QPointF

from dalle_studio.core import work
from dalle_studio.core.work import Background
from dalle_studio.document.brush import BrushTip
from dalle_studio.document.tiles import TilePatch
from tests.canvas.helpers import document


def test_work_waited_for_inside_a_full_pool_is_done_in_place_rather_than_deadlocking():
    pool = Background(2, name="test")
    try:
        def outer(n: int) -> int:
            return pool.start(lambda: n * 10).result(timeout=10) + 1  # waits for work queued behind itself

        results = [pool.start(outer, n) for n in range(6)]  # more than the pool's threads
        assert [r.result(timeout=10) for r in results] == [1, 11, 21, 31, 41, 51]
    finally:
        pool.shutdown()


def test_the_ordered_worker_keeps_the_order_work_was_asked_for():
    pool = Background(4, name="test")
    seen: list[int] = []
    try:
        for n in range(50):
            pool.start_ordered(seen.append, n)
        pool.wait_ordered()
        assert seen == list(range(50))
    finally:
        pool.shutdown()


def test_installed_on_a_loop_asyncio_to_thread_uses_the_same_threads():
    loop = asyncio.new_event_loop()
    try:
        shared = work.install(loop)
        name = loop.run_until_complete(asyncio.to_thread(lambda: threading.current_thread().name))
        ours = loop.run_until_complete(work.run(lambda: threading.current_thread().name))
    finally:
        loop.close()
    assert name.startswith("background") and ours.startswith("background")
    assert not work.background().closed() or work.background() is not shared  # a closed loop's pool is replaced


def test_undo_steps_are_compacted_in_order_on_the_one_ordered_worker(qapp, monkeypatch: pytest.MonkeyPatch):
    ran: list[tuple[str, int]] = []
    original = TilePatch.compact

    def compact(patch: TilePatch) -> None:
        ran.append((threading.current_thread().name, id(patch)))
        original(patch)

    monkeypatch.setattr(TilePatch, "compact", compact)
    doc = document(256, 256)
    threads_before = threading.active_count()
    for step in range(12):
        stroke = doc.begin_stroke(BrushTip(8, 1.0))
        stroke.move_to(QPointF(10 + step * 15, 20))
        stroke.move_to(QPointF(10 + step * 15, 200))
        stroke.commit()
    doc.wait_for_compaction()
    assert len(ran) == 12 and {name for name, _ in ran} == {"background-ordered_0"}, ran
    assert threading.active_count() <= threads_before + 1  # at most the ordered worker itself was started


def test_the_gallerys_work_runs_in_order_on_the_ordered_worker_and_answers_on_the_ui_thread(qtbot):
    from dalle_studio.ui.gallery.background import Background as GalleryBackground

    gallery = GalleryBackground()
    ran: list[tuple[int, str]] = []
    answered: list[tuple[int, bool]] = []
    for n in range(5):
        gallery.run(f"step {n}", lambda n=n: ran.append((n, threading.current_thread().name)) or n,
                    lambda n: answered.append((n, threading.current_thread() is threading.main_thread())))
    with qtbot.waitSignal(gallery.idle, timeout=10_000):
        pass
    assert ran == [(n, "background-ordered_0") for n in range(5)]
    assert answered == [(n, True) for n in range(5)]
