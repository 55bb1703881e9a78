"""Select object, magic wand, colour range, mask from transparency and the compare split, in the real window with
real keys and mouse events; the work runs on the app's loop and worker threads, as in use."""

from __future__ import annotations

import asyncio
import threading

import numpy as np
from PySide6.QtCore import QPoint, QPointF, QRect, Qt
from PySide6.QtGui import QColor, QImage
from PySide6.QtTest import QTest

from dalle_studio.document import pixels
from dalle_studio.document.selection import Combine
from dalle_studio.ui.canvas.tool_state import Tool
from dalle_studio.ui.dialogs.shortcuts import ShortcutsDialog

from .conftest import drag
from .helpers import mask, solid
from .test_selection_pixels import object_picture


async def until(condition, timeout: float = 20.0) -> None:
    """Let the loop and the workers run until ``condition()`` holds."""
    deadline = asyncio.get_running_loop().time() + timeout
    while not condition():
        assert asyncio.get_running_loop().time() < deadline, "timed out"
        await asyncio.sleep(0.01)


def show(studio, image: QImage):
    studio.document.replace(image)
    canvas = studio.window.canvas
    canvas.set_zoom(1.0)
    canvas.centerOn(image.width() / 2, image.height() / 2)
    canvas.setFocus()
    return canvas


def screen(canvas, x: float, y: float) -> QPoint:
    """The viewport position of picture pixel (x, y)."""
    return canvas.viewportTransform().map(QPointF(x, y)).toPoint()


def flat_regions() -> QImage:
    image = solid(300, 200, QColor(30, 30, 30))
    array = pixels.view(image)
    array[20:80, 20:120] = (40, 200, 60, 255)  # BGRA
    array[120:180, 150:280] = (200, 60, 40, 255)
    return image


def test_a_box_around_a_drawn_object_masks_it(studio, loop):
    bgr, truth = object_picture()
    picture = np.dstack([bgr, np.full(truth.shape, 255, np.uint8)])
    canvas = show(studio, pixels.from_array(picture, QImage.Format.Format_ARGB32))
    QTest.keyClick(canvas, Qt.Key.Key_S)
    assert canvas.tools.tool == Tool.SELECT_OBJECT
    ys, xs = np.nonzero(truth)

    async def scenario():
        corners = [screen(canvas, xs.min() - 10, ys.min() - 10), screen(canvas, xs.max() + 10, ys.max() + 10)]
        middle = (corners[0] + corners[1]) / 2
        drag(canvas, [corners[0], middle, corners[1]])
        await until(lambda: studio.document.undo_stack.count() == 1)

    loop.run_until_complete(scenario())
    selected = mask(studio.document) < 128
    assert (selected & truth).sum() / (selected | truth).sum() > 0.9
    assert studio.document.undo_stack.undoText() == "Select object"


def test_strokes_refine_the_selection_each_as_one_undo_step(studio, loop):
    bgr, truth = object_picture()
    picture = np.dstack([bgr, np.full(truth.shape, 255, np.uint8)])
    canvas = show(studio, pixels.from_array(picture, QImage.Format.Format_ARGB32))
    canvas.tools.set_tool(Tool.SELECT_OBJECT)
    stack = studio.document.undo_stack

    async def scenario():
        # a wandering drag on the object is a stroke, not a box
        drag(canvas, [screen(canvas, x, y) for x, y in ((120, 110), (135, 130), (150, 112), (165, 130), (175, 115))])
        await until(lambda: stack.count() == 1)
        first = mask(studio.document)
        # a right-button stroke across the top of the object: that part is background
        drag(canvas, [screen(canvas, x, y) for x, y in ((140, 45), (150, 60), (160, 45))], Qt.MouseButton.RightButton)
        await until(lambda: stack.count() == 2)
        return first

    first = loop.run_until_complete(scenario())
    refined = mask(studio.document)
    assert (first[57:61, 149:152] < 128).all()  # the first result took the top of the object
    assert (refined[57:61, 149:152] == 255).all()  # the background stroke gave it back
    stack.undo()
    assert np.array_equal(mask(studio.document), first)  # the refinement replaced the first result: one step


def test_a_wand_click_selects_exactly_a_flat_region_and_shift_alt_add_and_subtract(studio, loop):
    canvas = show(studio, flat_regions())
    options = studio.canvas.selection.toolbar
    assert not options.isVisible()  # the selection options show with the selection tools only
    QTest.keyClick(canvas, Qt.Key.Key_W)
    assert canvas.tools.tool == Tool.MAGIC_WAND
    assert options.isVisible()
    stack = studio.document.undo_stack
    green = np.zeros((200, 300), bool)
    green[20:80, 20:120] = True
    blue = np.zeros((200, 300), bool)
    blue[120:180, 150:280] = True

    async def click(x, y, modifiers=Qt.KeyboardModifier.NoModifier):
        count = stack.count()
        QTest.mouseClick(canvas.viewport(), Qt.MouseButton.LeftButton, modifiers, screen(canvas, x, y))
        await until(lambda: stack.count() == count + 1)
        return mask(studio.document) == 0

    async def scenario():
        assert np.array_equal(await click(50, 50), green)
        assert np.array_equal(await click(200, 150, Qt.KeyboardModifier.ShiftModifier), green | blue)
        assert np.array_equal(await click(60, 30, Qt.KeyboardModifier.AltModifier), blue)
        # replace (the toolbar's mode): the click's region only
        assert np.array_equal(await click(50, 50), green)

    loop.run_until_complete(scenario())
    assert stack.count() == 4
    stack.undo()
    assert np.array_equal(mask(studio.document) == 0, blue)


def test_the_toolbar_mode_and_tolerance_apply(studio, loop):
    canvas = show(studio, flat_regions())
    canvas.tools.set_tool(Tool.MAGIC_WAND)
    selection = studio.canvas.selection
    selection.mode.setCurrentIndex(list(Combine).index(Combine.ADD))
    assert canvas.tools.select_mode is Combine.ADD
    studio.document.fill_mask(QRect(0, 0, 10, 10))
    selection.tolerance.setValue(255)  # everything is similar
    stack = studio.document.undo_stack

    async def scenario():
        QTest.mouseClick(canvas.viewport(), Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier,
                         screen(canvas, 50, 50))
        await until(lambda: stack.count() == 2)

    loop.run_until_complete(scenario())
    assert (mask(studio.document) == 0).all()


def test_escape_cancels_a_selection_under_way(studio, loop):
    canvas = show(studio, flat_regions())
    runner = studio.canvas.selection.runner
    started, release = threading.Event(), threading.Event()

    def slow(_picture, cancelled):
        started.set()
        release.wait(10)
        return np.full((200, 300), 255, np.uint8)

    async def scenario():
        runner.run(slow, mode=Combine.REPLACE, text="Slow selection")
        await until(started.is_set)
        assert runner.busy
        QTest.keyClick(canvas, Qt.Key.Key_Escape)
        assert not runner.busy
        release.set()
        await asyncio.sleep(0.2)  # give a (wrongly) surviving task the time to apply

    loop.run_until_complete(scenario())
    assert studio.document.undo_stack.count() == 0
    assert (mask(studio.document) == 255).all()


def test_colour_range_picks_colours_on_the_canvas(studio, loop, qtbot):
    canvas = show(studio, flat_regions())
    studio.window.findChild(object, "colourRange").trigger()
    dialog = studio.window.findChild(object, "colourRangeDialog")
    assert dialog is not None and dialog.isVisible()
    assert not dialog.isModal() and dialog.windowModality() == Qt.WindowModality.NonModal  # the canvas takes clicks
    QTest.mouseClick(canvas.viewport(), Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier,
                     screen(canvas, 200, 150))
    assert len(dialog.colours) == 1
    assert studio.document.undo_stack.count() == 0  # the click picked, it did not paint
    preview = dialog.preview.pixmap().toImage().convertToFormat(QImage.Format.Format_Grayscale8)
    shown = pixels.read(preview)
    assert shown.max() == 255 and shown.min() == 0  # the preview shows the picked region, not everything
    # and the canvas shows it live, tinted: the picked region changes colour, the rest does not
    shot = grabbed(canvas)
    picked, other = screen(canvas, 215, 150), screen(canvas, 60, 50)
    assert tuple(shot[picked.y(), picked.x()][::-1]) != (40, 60, 200)
    assert tuple(shot[other.y(), other.x()][::-1]) == (60, 200, 40)
    dialog.fuzziness.setValue(0)
    dialog.clear_colours()
    shot = grabbed(canvas)
    assert tuple(shot[picked.y(), picked.x()][::-1]) == (40, 60, 200)

    QTest.mouseClick(canvas.viewport(), Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier,
                     screen(canvas, 200, 150))
    dialog.fuzziness.setValue(40)

    async def scenario():
        dialog.apply()
        await until(lambda: studio.document.undo_stack.count() == 1)

    loop.run_until_complete(scenario())
    expected = np.zeros((200, 300), bool)
    expected[120:180, 150:280] = True
    assert np.array_equal(mask(studio.document) == 0, expected)
    assert dialog.overlay.scene() is None  # the live preview goes with the dialog


def test_mask_from_transparency(studio, loop):
    image = solid(100, 80, QColor(10, 20, 30))
    pixels.view(image)[10:30, 40:70, 3] = 0
    show(studio, image)

    async def scenario():
        studio.window.findChild(object, "maskFromTransparency").trigger()
        await until(lambda: studio.document.undo_stack.count() == 1)

    loop.run_until_complete(scenario())
    expected = np.zeros((80, 100), bool)
    expected[10:30, 40:70] = True
    assert np.array_equal(mask(studio.document) == 0, expected)


def test_the_new_keys_are_bound_once_and_listed_in_help(studio):
    rows = dict(ShortcutsDialog(studio.window.shortcut_groups(), studio.window).rows())
    assert rows["Select object"] == "S"
    assert rows["Magic wand"] == "W"
    assert rows["Compare before/after"] == "C"
    for key in ("S", "W", "C"):
        assert list(rows.values()).count(key) == 1, key


def grabbed(canvas) -> np.ndarray:
    return pixels.read(canvas.viewport().grab().toImage().convertToFormat(QImage.Format.Format_ARGB32))[..., :3]


def test_compare_splits_the_accepted_picture_and_the_one_before(studio, qtbot):
    red, blue = QColor(220, 30, 30), QColor(30, 60, 220)
    canvas = show(studio, solid(400, 300, red))
    snapshot = studio.document.snapshot()
    studio.document.apply_result(solid(400, 300, blue), snapshot, through_mask=False)
    compare = studio.canvas.selection.compare
    canvas.set_zoom(0.5)
    canvas.centerOn(200, 150)
    QTest.keyClick(canvas, Qt.Key.Key_C)
    assert compare.shown
    divider = screen(canvas, compare.divider, 0).x()
    row = screen(canvas, 0, 150).y()
    shot = grabbed(canvas)
    left, right = shot[row, divider - 20], shot[row, divider + 20]
    assert tuple(left[::-1]) == (220, 30, 30)  # BGR in memory
    assert tuple(right[::-1]) == (30, 60, 220)
    handle = screen(canvas, 0, 150).y()  # the divider's handle sits half-way down, drawn whole on both sides
    assert tuple(shot[handle, divider - 6]) == (255, 255, 255)
    assert tuple(shot[handle, divider + 6]) == (255, 255, 255)
    # drag the divider to a quarter of the picture: the before side narrows with it
    target = screen(canvas, 100, 150)
    drag(canvas, [QPoint(divider, row), target])
    assert abs(compare.divider - 100) < 2.5
    shot = grabbed(canvas)
    assert tuple(shot[row, target.x() + 20][::-1]) == (30, 60, 220)
    assert tuple(shot[row, target.x() - 20][::-1]) == (220, 30, 30)
    assert studio.document.undo_stack.count() == 1  # dragging the divider painted nothing
    QTest.keyClick(canvas, Qt.Key.Key_C)
    assert not compare.shown


def test_compare_splits_a_staged_result_and_the_picture(studio):
    red, green = QColor(220, 30, 30), QColor(30, 200, 60)
    canvas = show(studio, solid(400, 300, red))
    canvas.set_zoom(2.0)
    canvas.centerOn(200, 150)
    studio.workflow_ui.preview.show(solid(400, 300, green), QRect(0, 0, 400, 300))
    studio.canvas.actions.window.findChild(object, "compare").trigger()
    compare = studio.canvas.selection.compare
    assert compare.mode == "staged"
    divider = screen(canvas, compare.divider, 0).x()
    row = canvas.viewport().height() // 2
    shot = grabbed(canvas)
    assert tuple(shot[row, divider - 30][::-1]) == (220, 30, 30)
    assert tuple(shot[row, divider + 30][::-1]) == (30, 200, 60)
    studio.workflow_ui.preview.clear()
    assert not compare.shown  # nothing staged and nothing accepted: the split goes away


def test_a_stroke_on_nothing_says_why_and_changes_nothing(studio, loop):
    canvas = show(studio, flat_regions())
    canvas.tools.set_tool(Tool.SELECT_OBJECT)
    status = studio.window.statusBar()

    async def scenario():
        # a right-button (background) stroke with no object chosen yet: nothing to refine
        drag(canvas, [screen(canvas, x, y) for x, y in ((30, 150), (60, 170), (90, 150))], Qt.MouseButton.RightButton)
        assert "first" in status.currentMessage()
        runner = studio.canvas.selection.runner
        runner.run(lambda _p, _c: (_ for _ in ()).throw(ValueError("the strokes mark no object")),
                   mode=Combine.REPLACE, text="Select object")
        assert "Selecting" in status.currentMessage()
        await until(lambda: not runner.busy)

    loop.run_until_complete(scenario())
    assert status.currentMessage() == "Nothing selected: the strokes mark no object."
    assert studio.document.undo_stack.count() == 0


def test_mask_from_transparency_on_an_opaque_picture_says_so(studio):
    show(studio, solid(50, 40, QColor(1, 2, 3)))
    studio.window.findChild(object, "maskFromTransparency").trigger()
    assert "no transparent pixels" in studio.window.statusBar().currentMessage()
    assert studio.document.undo_stack.count() == 0


def test_compare_after_the_canvas_grew_places_the_picture_before_where_it_was(studio):
    red, blue = QColor(220, 30, 30), QColor(30, 60, 220)
    canvas = show(studio, solid(200, 100, red))
    studio.document.set_frame(QRect(-100, 0, 300, 100))  # outpainting: the result reaches left of the picture
    snapshot = studio.document.snapshot()
    studio.document.apply_result(solid(300, 100, blue), snapshot, through_mask=False)
    assert studio.document.size.width() == 300  # the old picture now lies at x = 100
    canvas.set_zoom(1.0)
    canvas.centerOn(150, 50)
    compare = studio.canvas.selection.compare
    compare.toggle()
    compare.set_divider(250)
    shot = grabbed(canvas)
    row = screen(canvas, 0, 50).y()
    assert tuple(shot[row, screen(canvas, 150, 50).x()][::-1]) == (220, 30, 30)  # before, where it was
    grown = tuple(shot[row, screen(canvas, 50, 50).x()][::-1])
    assert grown != (30, 60, 220) and grown[0] == grown[1] == grown[2]  # nothing was there before: checkerboard
    assert tuple(shot[row, screen(canvas, 280, 50).x()][::-1]) == (30, 60, 220)
