"""The composition root: the one place that builds the QApplication, the qasync loop, the settings and the
main window, and passes each to what needs it. No other module creates these; tests build the same pieces
with temporary folders through :func:`build_window`.
"""

from __future__ import annotations

import importlib
import logging
import os
import sys
import time
from collections.abc import Callable, Generator
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QEventLoop, QObject, QTimer
from PySide6.QtWidgets import QApplication, QDockWidget, QWidget

from dalle_studio import APP_ID, APP_NAME, __version__
from dalle_studio.core.paths import AppPaths
from dalle_studio.core.resources import resources_dir, samples_dir
from dalle_studio.core.settings import Settings
from dalle_studio.ui.main_window import MainWindow
from dalle_studio.ui.theme import follow_color_scheme

if TYPE_CHECKING:  # loaded after the window shows (see run)
    import asyncio

    from PySide6.QtCore import QEvent
    from PySide6.QtWidgets import QMessageBox

    from dalle_studio.document.document import Document
    from dalle_studio.document.early_open import EarlyOpen
    from dalle_studio.jobs.autosave import Autosaver
    from dalle_studio.jobs.job_recovery import JobKeeper
    from dalle_studio.jobs.tasks import TaskRegistry
    from dalle_studio.jobs.workflow import Workflow
    from dalle_studio.library import Library
    from dalle_studio.ui.canvas.draft_preview import DraftPreview
    from dalle_studio.ui.canvas.panels import CanvasUi
    from dalle_studio.ui.canvas.tool_state import CanvasTools
    from dalle_studio.ui.gallery.panel import GalleryPanel
    from dalle_studio.ui.prompt.panel import PromptPanel
    from dalle_studio.ui.workflow_ui import WorkflowUi

log = logging.getLogger(__name__)
QUIT_WHEN_SHOWN_ENV = "DALLE_STUDIO_QUIT_WHEN_SHOWN"


class ErrorReporter:
    """Shows unexpected errors to the user (one dialog at a time) after they have been logged."""

    def __init__(self, parent: Callable[[], QWidget | None], log_file: Path | None) -> None:
        self._parent = parent
        self._log_file = log_file
        self.dialog: QMessageBox | None = None
        self.count = 0

    def __call__(self, context: str, exc: BaseException) -> None:
        self.count += 1
        if self.dialog is not None and self.dialog.isVisible():
            return  # one dialog is enough; the log has every error
        from dalle_studio.ui.dialogs.error_dialog import error_box

        self.dialog = error_box(self._parent(), context, exc, str(self._log_file) if self._log_file else None)
        self.dialog.open()


@dataclass
class Studio:
    """Everything the composition root built, for the caller to run (or a test to drive)."""

    settings: Settings
    paths: AppPaths
    tasks: TaskRegistry
    document: Document
    window: MainWindow
    errors: ErrorReporter
    library: Library
    gallery: GalleryPanel
    canvas: CanvasUi
    workflow: Workflow
    workflow_ui: WorkflowUi
    autosaver: Autosaver
    job_keeper: JobKeeper | None = None  # the jobs kept beside the autosaved picture

    async def shutdown(self) -> None:
        """Finish the autosave under way, cancel running jobs, close connections and stop the engine."""
        await self.autosaver.settle()
        await self.workflow.queue.cancel_all()
        await self.tasks.cancel_all()
        await self.workflow.hub.aclose()

    def close(self) -> None:
        """Release what outlives the window: the autosave timer, thumbnail threads, the library's database."""
        self.autosaver.stop()
        self.gallery.background.wait()
        self.gallery.thumbnails.shutdown()
        self.library.close()


# The panels' places, made with the window so that the remembered layout is restored before anything loads.
PANEL_PLACES = [
    ("History", "historyDock", "right"),
    ("Send preview", "previewDock", "left"),
    ("Results", "resultsDock", "bottom"),
    ("Jobs", "jobsDock", "right"),
]


def create_window(paths: AppPaths, settings: Settings | None = None) -> MainWindow:
    """The main window with its menus and its panels in their remembered places, before their contents: it
    needs only Qt and the settings, so it shows at once (a QApplication must exist)."""
    paths.ensure()
    from dalle_studio.ui import collector

    collector.install(QApplication.instance())  # cycles are collected on the UI thread only, from now on
    if settings is None:
        settings = Settings.load(paths.settings_file)  # each layer's own settings join in populate()
    window = MainWindow(settings, samples_dir(), PANEL_PLACES)  # in the remembered layout, when there is one
    window.staging_dock = window.findChild(QDockWidget, "resultsDock")
    window.jobs_dock = window.findChild(QDockWidget, "jobsDock")
    if not window.layout_remembered:
        arrange_default_layout(window)
        window.staging_dock.hide()  # shown when results arrive
    window.restore_geometry()
    return window


def populate(window: MainWindow, paths: AppPaths) -> Studio:
    """Load and build everything else into ``window`` at once (tests, scripts): document, canvas, panels,
    library, workflow. The app itself builds the same steps one event-loop turn at a time (see :func:`run`)."""
    steps = populate_steps(window, paths)
    try:
        while True:
            next(steps)
    except StopIteration as done:
        return done.value


def populate_steps(window: MainWindow, paths: AppPaths) -> Generator[tuple[str, ...], None, Studio]:
    """:func:`populate` in steps, the canvas first. Before each step it yields the Qt-free modules the step needs
    (or nothing), so that :func:`run` can import them off the UI thread and build each step in its own event-loop
    turn: the window keeps painting and answering while the rest loads. Modules that touch PySide6 are imported by
    the step itself, on the UI thread (see :func:`_import_all`). Returns the :class:`Studio`."""
    yield CANVAS_STEP_IMPORTS + CANVAS_STEP_QT_MODULES
    from dalle_studio.core.images import follow_pixel_limit
    from dalle_studio.document.document import Document
    from dalle_studio.jobs.tasks import TaskRegistry
    from dalle_studio.ui.canvas.settings import SETTINGS as CANVAS_SETTINGS
    from dalle_studio.ui.canvas.tool_state import CanvasTools
    from dalle_studio.ui.canvas.view import CanvasView

    settings = window.settings
    follow_pixel_limit(settings)  # every picture opened anywhere honours the user's limit
    settings.extend(CANVAS_SETTINGS)
    errors = ErrorReporter(lambda: window, paths.log_file)
    tasks = TaskRegistry(on_error=lambda name, exc: errors(name, exc))
    document = Document()
    tools = CanvasTools(settings)
    canvas = CanvasView(document, tools)

    yield ()  # each step below is one event-loop turn: none keeps the window from painting for long
    window.attach(document, tasks, canvas)

    yield PANELS_STEP_IMPORTS + PANELS_STEP_QT_MODULES
    from dalle_studio.api.model_data import OVERRIDE_FILE_NAME, apply_overrides
    from dalle_studio.api.settings import SETTINGS as API_SETTINGS
    from dalle_studio.jobs.refusals import LearnedRefusals
    from dalle_studio.jobs.request import RequestModel
    from dalle_studio.jobs.spending import SETTINGS as SPENDING_SETTINGS
    from dalle_studio.jobs.workflow import SETTINGS as WORKFLOW_SETTINGS
    from dalle_studio.library import Library, ThumbnailStore
    from dalle_studio.library.settings import SETTINGS as LIBRARY_SETTINGS
    from dalle_studio.ui.gallery.panel import GalleryPanel
    from dalle_studio.ui.gallery.thumbnails import ThumbnailCache
    from dalle_studio.ui.gallery.wiring import connect_gallery
    from dalle_studio.ui.prompt.panel import PromptPanel

    settings.extend(LIBRARY_SETTINGS, API_SETTINGS, WORKFLOW_SETTINGS, SPENDING_SETTINGS)
    facts_problems = apply_overrides(paths.config / OVERRIDE_FILE_NAME)  # the user's model facts over the bundled
    library = Library(paths.data / "library")
    thumbnails = ThumbnailCache(ThumbnailStore(paths.cache, size=settings.get("gallery.thumbnail_size")))
    request = RequestModel(LearnedRefusals(settings))
    prompt_panel = PromptPanel(request)

    yield ()
    gallery = GalleryPanel(library, thumbnails, settings=settings)
    window.attach_panels(prompt_panel, gallery)
    connect_gallery(gallery, files=window.files, prompt_panel=prompt_panel, status_bar=window.statusBar())

    yield ()
    from dalle_studio.ui.canvas.panels import install, scope_canvas_keys

    canvas_ui = install(window, document, tools, settings)

    yield ()
    from dalle_studio.api.keys import KeyStore
    from dalle_studio.engine.supervisor import EngineSupervisor
    from dalle_studio.jobs.autosave import Autosaver
    from dalle_studio.jobs.job_recovery import JobKeeper
    from dalle_studio.jobs.providers import ProviderHub
    from dalle_studio.jobs.workflow import Workflow
    from dalle_studio.ui.dialogs.providers import ProvidersDialog
    from dalle_studio.ui.jobs.panel import JobsPanel
    from dalle_studio.ui.staging.strip import StagingStrip
    from dalle_studio.ui.workflow_ui import WorkflowUi

    hub = ProviderHub(settings, KeyStore(file=paths.config / "keys.json"), EngineSupervisor())
    workflow = Workflow(document, library, hub, settings)
    strip = StagingStrip()
    jobs_panel = JobsPanel(workflow.queue)
    window.add_dock("Results", "resultsDock", strip, "bottom")
    window.add_dock("Jobs", "jobsDock", jobs_panel, "right")

    yield ()
    workflow_ui = WorkflowUi(workflow, window, prompt_panel, strip, jobs_panel, tasks)
    canvas_ui.selection.compare.watch_preview(workflow_ui.preview)
    prompt_panel.model_changed.connect(lambda: _frame_shapes_follow_model(prompt_panel, tools, document))
    gallery.use_as_variation_source.connect(workflow_ui.vary_record)
    gallery.run_again.connect(workflow_ui.run_again)

    yield ()
    providers_action = window.menus["edit"].addAction("Providers and API &keys…")
    providers_action.triggered.connect(lambda: ProvidersDialog(hub, window).exec())
    autosaver = Autosaver(document, paths.data / "recovery", tasks, window, request=request)
    keeper = JobKeeper(workflow, autosaver, tasks, window)

    yield ()
    scope_canvas_keys(window, canvas_ui.actions, elsewhere=("galleryDock",))
    if facts_problems:
        window.statusBar().showMessage("Model facts: " + "; ".join(facts_problems), 20000)

    yield ()
    settle_layout(window)
    return Studio(settings, paths, tasks, document, window, errors, library, gallery, canvas_ui, workflow,
                  workflow_ui, autosaver, keeper)


async def populate_in_turns(window: MainWindow, paths: AppPaths, after_step: Callable[[], None]) -> Studio:
    """:func:`populate_steps` on the running loop: each step's imports on a worker thread (an import is mostly
    Python holding the GIL in short slices, so the UI thread still gets its turns), then the step itself on the
    UI thread; ``after_step`` runs after each."""
    import asyncio

    from dalle_studio.ui.pyside_types import make_types

    steps = populate_steps(window, paths)
    # PySide's Python types, a slice a turn while the first imports run on their thread: made all at once, when the
    # canvas is built, they would stall the window for 40-80 ms (see ui.pyside_types).
    making_types = make_types()
    modules = next(steps)
    while True:
        on_thread = tuple(m for m in modules if m.startswith(QT_FREE_PREFIXES))
        if on_thread:
            importing = asyncio.ensure_future(asyncio.to_thread(_import_all, on_thread))
            for _ in making_types:  # the first step only: then it is done
                await asyncio.sleep(0)
            await importing
        for name in modules:
            if name not in on_thread:  # touches Qt: on this thread, one module a turn, so the window keeps painting
                importlib.import_module(name)
                await asyncio.sleep(0)
        if not modules:
            await asyncio.sleep(0)  # one event-loop turn: paint and input between two steps
        try:
            modules = next(steps)
        except StopIteration as done:
            after_step()
            return done.value
        after_step()


def _draft_preview(window: MainWindow, early: EarlyOpen | None) -> DraftPreview | None:
    """With a picture on the command line, the canvas's place shows its draft as soon as it is decoded, before the
    canvas itself loads (see ``ui.canvas.draft_preview``); the full decode starts once the draft is on screen."""
    if early is None:
        return None
    from dalle_studio.ui.canvas.draft_preview import DraftPreview

    preview = DraftPreview()
    window.setCentralWidget(preview)
    preview.first_painted.connect(early.go_on)
    mailbox = preview.mailbox  # held by the callback: a draft decoded after the canvas came goes nowhere
    early.draft.add_done_callback(lambda done: mailbox.arrived.emit(done.result()))
    return preview


def _make_qt_namespace(app: QApplication) -> None:
    """PySide builds the Python type of its ``Qt`` namespace, ~90 enums, when something first names it (36 ms on a
    quiet machine). The first frame does without it (see ``ui.main_window``); nearly everything after it names it:
    so it is made here, in an event-loop turn of its own, before the rest loads."""
    from PySide6.QtCore import Qt

    Qt.AlignmentFlag  # noqa: B018  (named: that is what builds it)
    app.processEvents()


def _import_while_painting(app: QApplication, modules: tuple[str, ...]) -> None:
    """Import ``modules`` on a worker thread while the UI thread goes on answering: what the asyncio loop itself
    needs, before there is a loop to hand work to a thread."""
    import threading

    worker = threading.Thread(target=_import_all, args=(modules,), name="start-up imports")
    worker.start()
    while worker.is_alive():
        app.processEvents(QEventLoop.ProcessEventsFlag.AllEvents, 5)
        worker.join(0.002)


# What loads on a worker thread while the window paints: for the event loop, then before the canvas and the panels.
LOOP_IMPORTS = ("asyncio", "logging.handlers")
CANVAS_STEP_IMPORTS = ("numpy", "PIL.Image", "dalle_studio.core.images")
PANELS_STEP_IMPORTS = ("httpx", "sqlite3", "keyring", "dalle_studio.api.keys", "dalle_studio.api.model_data",
                       "dalle_studio.api.settings", "dalle_studio.api.client", "dalle_studio.api.plan",
                       "dalle_studio.api.pricing", "dalle_studio.engine.supervisor", "dalle_studio.library",
                       "dalle_studio.library.settings")
# What loads on the UI thread, one module per event-loop turn, before the step that needs it. Each list runs from
# the modules that need no other module of the app to those that need them, so that every turn executes one
# module's own body (a few ms: PySide builds the Python types it names), never a chain of them; a test holds it.
CANVAS_STEP_QT_MODULES = (
    "dalle_studio.document.mask_ops", "dalle_studio.document.pixels", "dalle_studio.document.brush",
    "dalle_studio.document.tiles", "dalle_studio.document.commands", "dalle_studio.document.compose",
    "dalle_studio.document.selection", "dalle_studio.document.snapshot", "dalle_studio.document.stroke",
    "dalle_studio.document.document", "dalle_studio.ui.canvas.checkerboard", "dalle_studio.ui.canvas.mipmaps",
    "dalle_studio.document.frame", "dalle_studio.ui.canvas.tool_state", "dalle_studio.ui.canvas.composite",
    "dalle_studio.ui.canvas.items", "dalle_studio.ui.canvas.space_pan", "dalle_studio.ui.canvas.tools",
    "dalle_studio.ui.canvas.view", "dalle_studio.ui.canvas.settings", "dalle_studio.jobs.tasks",
    "dalle_studio.document.image_io", "dalle_studio.document.qimage", "dalle_studio.ui.picture_files")
PANELS_STEP_QT_MODULES = (
    "dalle_studio.jobs.pictures", "dalle_studio.document.recovery", "dalle_studio.jobs.refusals",
    "dalle_studio.jobs.request", "dalle_studio.jobs.autosave", "dalle_studio.jobs.job", "dalle_studio.jobs.explain",
    "dalle_studio.jobs.engine_launcher", "dalle_studio.jobs.providers", "dalle_studio.jobs.queue",
    "dalle_studio.jobs.spending", "dalle_studio.jobs.result_memory", "dalle_studio.jobs.workflow",
    "dalle_studio.jobs.job_recovery",
    "dalle_studio.ui.exports", "dalle_studio.ui.gallery.actions", "dalle_studio.ui.gallery.background",
    "dalle_studio.ui.gallery.thumbnails", "dalle_studio.ui.gallery.model", "dalle_studio.ui.gallery.delegate",
    "dalle_studio.ui.gallery.details", "dalle_studio.ui.gallery.export_dialog", "dalle_studio.ui.gallery.filters",
    "dalle_studio.ui.gallery.grid", "dalle_studio.ui.gallery.transfer", "dalle_studio.ui.gallery.panel",
    "dalle_studio.ui.gallery.wiring", "dalle_studio.ui.prompt.parameters", "dalle_studio.ui.prompt.panel",
    "dalle_studio.ui.canvas.mask_step", "dalle_studio.ui.canvas.actions", "dalle_studio.ui.canvas.history",
    "dalle_studio.ui.canvas.preview", "dalle_studio.document.colour_select", "dalle_studio.document.select_object",
    "dalle_studio.ui.canvas.selection_runner", "dalle_studio.ui.canvas.colour_range",
    "dalle_studio.ui.canvas.result_preview", "dalle_studio.ui.canvas.compare", "dalle_studio.ui.canvas.select_tools",
    "dalle_studio.ui.canvas.selection_ui", "dalle_studio.ui.canvas.toolbar", "dalle_studio.ui.canvas.panels",
    "dalle_studio.ui.dialogs.learned_refusals", "dalle_studio.ui.dialogs.providers", "dalle_studio.ui.jobs.panel",
    "dalle_studio.ui.staging.strip", "dalle_studio.ui.workflow_ui")
# Layers and libraries that never import Qt (import-linter holds the layers to it).
QT_FREE_PREFIXES = ("dalle_studio.core", "dalle_studio.api", "dalle_studio.library", "dalle_studio.engine", "numpy",
                    "PIL", "cv2", "httpx", "sqlite3", "keyring", "asyncio", "logging")


def _import_all(modules: tuple[str, ...]) -> None:
    """Import ``modules`` (called on a worker thread). Only Qt-free ones: PySide6 creates its Python types lazily,
    and two threads doing so at once (a Qt subclass defined on import here while the UI thread paints) crash the
    process. Those modules are imported by the UI thread, one step per event-loop turn."""
    for name in modules:
        if not name.startswith(QT_FREE_PREFIXES) or name == "dalle_studio":
            raise ValueError(f"{name} may touch Qt: import it on the UI thread")
        importlib.import_module(name)


def settle_layout(window: MainWindow) -> None:
    """Lay the panels out again now that they have their real contents (and the canvas its toolbar), whose sizes
    the placeholders did not have: the remembered layout, or the first-run one."""
    from PySide6.QtCore import QEvent

    QApplication.sendPostedEvents(None, QEvent.Type.LayoutRequest)
    window.layout().activate()
    if window.settings.get("window.state"):
        window.restore_layout()
    else:
        arrange_default_layout(window)


def build_window(paths: AppPaths) -> Studio:
    """The whole studio at once (tests, scripts): :func:`create_window` then :func:`populate`."""
    return populate(create_window(paths), paths)


def offer_recovery(studio: Studio, then: Callable[[bool], None] = lambda restored: None) -> QMessageBox | None:
    """After a crash: offer back the picture, mask and prompt that were on the canvas (a window-modal question
    that does not block the event loop); ``then(restored)`` runs once the user has answered."""
    found = studio.autosaver.pending()
    if found is None:
        then(False)
        return None
    from PySide6.QtWidgets import QMessageBox

    name = found.path.name if found.path else "an untitled picture"
    box = QMessageBox(QMessageBox.Icon.Question, "Restore your work?",
                      f"DALL·E Studio did not close properly. Restore {name} with its mask and prompt, as "
                      f"autosaved at {time.strftime('%H:%M', time.localtime(found.saved_at))}?",
                      QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.Discard, studio.window)
    box.setObjectName("recoveryQuestion")
    box.setDefaultButton(QMessageBox.StandardButton.Yes)

    def answered(result: int) -> None:
        if result == QMessageBox.StandardButton.Yes:
            studio.autosaver.restore(found)
            studio.tasks.start(restore_jobs(studio, found), "bringing back the jobs")
            then(True)
        else:
            studio.autosaver.decline(found)  # that copy only: this instance's own autosave goes on
            then(False)

    box.finished.connect(answered)
    box.open()
    return box


async def restore_jobs(studio: Studio, found) -> None:
    """The results that had arrived come back in the Results strip, jobs sent without an answer are listed as
    interrupted (with Retry); then the crashed instance's copy goes."""
    if studio.job_keeper is not None and found.folder is not None:
        await studio.job_keeper.restore(found.extra, found.folder)
    await studio.autosaver.forget_orphan(found)


def arrange_default_layout(window: MainWindow) -> None:
    """The first-run layout: prompt and send preview on the left; gallery above history and jobs (tabbed) on the
    right; results along the bottom. A remembered layout replaces it."""
    from PySide6.QtCore import Qt

    history = window.findChild(QDockWidget, "historyDock")
    preview = window.findChild(QDockWidget, "previewDock")
    if preview is not None:
        window.splitDockWidget(window.prompt_dock, preview, Qt.Orientation.Vertical)
        window.resizeDocks([window.prompt_dock, preview], [640, 220], Qt.Orientation.Vertical)
    if history is not None:
        window.splitDockWidget(window.gallery_dock, history, Qt.Orientation.Vertical)
        window.tabifyDockWidget(history, window.jobs_dock)
        window.resizeDocks([window.gallery_dock, history], [560, 300], Qt.Orientation.Vertical)
        history.raise_()
    window.resizeDocks([window.prompt_dock, window.gallery_dock], [300, 320], Qt.Orientation.Horizontal)


def _frame_shapes_follow_model(prompt_panel: PromptPanel, tools: CanvasTools, document: Document) -> None:
    """The canvas's frame shapes are the chosen model's sizes."""
    from dalle_studio.jobs.frame_sizes import frame_sizes_for

    choice = prompt_panel.current_model()
    if choice is not None:
        tools.set_frame_sizes(frame_sizes_for(choice.spec), None if document.is_empty else document.frame.size())


def install_exception_hooks(studio: Studio, loop: asyncio.AbstractEventLoop) -> Callable[[], None]:
    """Route exceptions from Qt slots (sys.excepthook) and asyncio callbacks to the log and the error dialog.

    Returns a function that puts the previous hooks back.
    """
    previous_hook = sys.excepthook
    previous_handler = loop.get_exception_handler()

    def excepthook(kind, exc, tb) -> None:
        if issubclass(kind, KeyboardInterrupt):
            QApplication.quit()
            return
        log.error("unhandled exception", exc_info=(kind, exc, tb))
        studio.errors("running a command", exc)

    def loop_handler(loop: asyncio.AbstractEventLoop, context: dict) -> None:
        exc = context.get("exception")
        log.error("asyncio: %s", context.get("message"), exc_info=exc)
        studio.errors("working in the background", exc or RuntimeError(str(context.get("message"))))

    sys.excepthook = excepthook
    loop.set_exception_handler(loop_handler)

    def uninstall() -> None:
        sys.excepthook = previous_hook
        loop.set_exception_handler(previous_handler)

    return uninstall


def run(image: str | None = None, early: EarlyOpen | None = None) -> int:
    """Start the app: returns the process exit status.

    The window shows first, with nothing heavier than Qt and the settings loaded; a picture named on the command
    line starts decoding at the same moment on a thread (see ``document.early_open``). Everything else loads
    after the first paint, its imports off the UI thread, the canvas first so the picture can be painted on it
    while the gallery, the panels and the workflow are still loading."""
    paths = AppPaths.default().ensure()
    settings = Settings.load(paths.settings_file)
    if image and early is None:
        from dalle_studio.document.early_open import EarlyOpen

        early = EarlyOpen(image)
    app = QApplication.instance() or QApplication(sys.argv[:1])
    app.setApplicationName(APP_ID)
    app.setApplicationDisplayName(APP_NAME)
    app.setApplicationVersion(__version__)
    app.setDesktopFileName(APP_ID)
    # The style and palette before any widget exists: set later, they would re-polish every widget of the window.
    # Parented to the app, it follows the setting until the app quits; the system's scheme is confirmed below.
    scheme = follow_color_scheme(app, settings, early=True)
    window = create_window(paths, settings)
    preview = _draft_preview(window, early)
    probe = StartupProbe(app) if os.environ.get(QUIT_WHEN_SHOWN_ENV) else None
    if probe and early is not None:  # watched from the first frame on: the draft may be in it
        probe.when_painted(window, lambda: preview.has_picture() if window.canvas is None
                           else not window.canvas.content_rect().isEmpty(), "picture shown")
        probe.when_painted(window, lambda: window.document is not None and not window.document.is_empty,
                           "picture full")
    window.show()
    app.processEvents()  # on screen now; what follows fills it in
    if probe:
        probe.shown()
    _make_qt_namespace(app)
    scheme.confirm()  # the system's scheme, asked now that asking is cheap; applied again if it has changed
    icon = resources_dir() / "icons" / "dalle-studio.svg"
    if icon.exists():  # after the first frame: the window system takes a new icon at any time (an SVG to render)
        from PySide6.QtGui import QIcon

        app.setWindowIcon(QIcon(str(icon)))
    _import_while_painting(app, LOOP_IMPORTS)
    from dalle_studio.core.logs import setup_logging

    setup_logging(paths.log_file)  # after the first frame: the log file's handler needs socket, pickle, queue
    log.info("%s %s starting", APP_NAME, __version__)
    scheme.announce()
    import asyncio

    import qasync

    loop = qasync.QEventLoop(app)
    asyncio.set_event_loop(loop)
    from dalle_studio.core import work

    work.install(loop)  # one pool of background threads: asyncio.to_thread uses it too
    closing = asyncio.Event()
    app.aboutToQuit.connect(closing.set)
    draft_shown = False

    def show_draft() -> None:  # the reduced first decode on the canvas, as soon as both exist
        nonlocal draft_shown
        if draft_shown or early is None or window.canvas is None or not early.draft.done():
            return
        draft_shown = True
        draft = early.draft.result()
        if draft is not None:
            window.canvas.show_draft(draft.image, draft.width, draft.height)
        early.go_on()

    if early is not None:
        early.draft.add_done_callback(lambda _: loop.call_soon_threadsafe(show_draft))

    def open_picture(restored: bool) -> None:
        if early is not None and not restored:
            window.files.open_early(early)

    async def start() -> Studio:
        studio = await populate_in_turns(window, paths, show_draft)
        QTimer.singleShot(0, lambda: settle_layout(window))  # once more when the window system has had its say
        install_exception_hooks(studio, loop)
        studio.tasks.start(studio.workflow.hub.load_keys(), "looking up API keys")
        if probe:
            probe.ready()
        offer_recovery(studio, open_picture)
        return studio

    async def start_and_wait() -> Studio:
        studio = await start()
        await closing.wait()
        return studio

    with loop:
        running = loop.create_task(start_and_wait())
        while True:
            try:
                studio = loop.run_until_complete(running)
                break
            except RuntimeError:
                if running.done():
                    raise
                # quit while it was loading: the loop stopped early; finish loading, then close as usual
        loop.run_until_complete(studio.shutdown())
    studio.autosaver.stop_and_clear()  # a clean exit: nothing to recover next time
    studio.close()
    log.info("%s stopped", APP_NAME)
    return 0


class StartupProbe(QObject):
    """Benchmark instrumentation (``DALLE_STUDIO_QUIT_WHEN_SHOWN``): prints "window shown", "picture shown" /
    "picture full" when the canvas has painted them, the UI thread's stalls while the rest loads (how late a 5 ms
    heartbeat ran, "startup stalls MS ..."), "window ready", and quits once all of it has happened."""

    def __init__(self, app: QApplication) -> None:
        super().__init__(app)
        self._app = app
        self._stalls: list[float] = []
        self._last = 0.0
        self._pending = 1  # "window ready"
        # A coarse timer: Qt makes any timer of 20 ms or less precise, and naming Qt.TimerType.PreciseTimer
        # would build PySide's Qt namespace before the window shows (see ui.main_window), which the app does not.
        self._timer = QTimer(self, interval=5)
        self._timer.timeout.connect(self._beat)
        self._watches: list[tuple[QWidget, Callable[[], bool], str]] = []

    def shown(self) -> None:
        print("window shown", flush=True)
        self._last = time.perf_counter()
        self._timer.start()

    def _beat(self) -> None:
        now = time.perf_counter()
        self._stalls.append(max(0.0, (now - self._last) * 1000 - 5))
        self._last = now

    def when_painted(self, window: QWidget, condition: Callable[[], bool], line: str) -> None:
        """Print ``line`` after the first paint of the window's central widget once ``condition()`` holds."""
        self._pending += 1
        self._watches.append((window, condition, line))
        self._app.installEventFilter(self)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        from PySide6.QtCore import QEvent

        if event.type() == QEvent.Type.Paint:
            for watch in list(self._watches):
                window, condition, line = watch
                central = window.centralWidget()
                if central is not None and watched in (central, getattr(central, "viewport", lambda: None)()) \
                        and condition():
                    self._watches.remove(watch)
                    QTimer.singleShot(0, lambda line=line: self._done(line))  # after this paint has happened
        return False

    def ready(self) -> None:
        self._timer.stop()
        print("startup stalls", *(f"{s:.1f}" for s in self._stalls), flush=True)
        self._done("window ready")

    def _done(self, line: str) -> None:
        print(line, flush=True)
        self._pending -= 1
        if self._pending == 0:
            QTimer.singleShot(0, self._app.quit)  # not from inside the step that printed the last line
