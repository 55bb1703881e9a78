"""Connects the prompt panel, the staging strip, the jobs panel and the canvas preview to the workflow.

All decisions live in :mod:`dalle_studio.jobs`; this module only moves data between widgets and the workflow
and tells the user what happened.
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, Qt, QTimer
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QMessageBox

from dalle_studio.jobs.explain import JobRefused
from dalle_studio.jobs.job import Job, JobKind, JobResult, JobState
from dalle_studio.jobs.refusals import describe
from dalle_studio.jobs.tasks import TaskRegistry
from dalle_studio.jobs.workflow import Workflow
from dalle_studio.library import ImageRecord
from dalle_studio.ui.canvas.result_preview import ResultPreview
from dalle_studio.ui.jobs.panel import JobsPanel
from dalle_studio.ui.main_window import MainWindow
from dalle_studio.ui.prompt.panel import PromptPanel
from dalle_studio.ui.staging.strip import StagingStrip

if TYPE_CHECKING:
    from dalle_studio.jobs.request import ModelChoice

log = logging.getLogger(__name__)

NO_KEY_NOTE = ("No API key is set, so fills come from the embedded engine on this computer: it fills the painted "
               "area from the rest of the picture and does not read the prompt. Add a key in Edit > Providers and "
               "API keys for AI edits and generations.")
ENGINE_NOTE = ("The embedded engine fills from the picture itself and does not read the prompt; it cannot "
               "generate from text.")


class WorkflowUi(QObject):
    """The glue between the workflow and its widgets (built once by the composition root)."""

    def __init__(self, workflow: Workflow, window: MainWindow, panel: PromptPanel, strip: StagingStrip,
                 jobs_panel: JobsPanel, tasks: TaskRegistry) -> None:
        super().__init__(window)
        self.workflow = workflow
        self.window = window
        self.panel = panel
        self.strip = strip
        self.jobs_panel = jobs_panel
        self.tasks = tasks
        self.preview = ResultPreview(window.canvas)
        self.message: QMessageBox | None = None
        self._model_load = 0
        panel.run_requested.connect(self.run)
        panel.provider_changed.connect(self._on_provider_chosen)
        panel.model_changed.connect(self._on_model_changed)
        panel.parameters_changed.connect(self._update_cost)
        panel.model_note.linkActivated.connect(self._forget_learned)
        workflow.staged.connect(self._on_staged)
        workflow.notice.connect(lambda text: window.statusBar().showMessage(text, 8000))
        workflow.queue.job_added.connect(self._on_job_added)
        workflow.hub.providers_changed.connect(self.refresh_providers)
        workflow.settings.subscribe(self._on_setting)
        # The canvas shows the document: a preview goes when the picture changes under it (accept, undo, redo,
        # history jump, another picture), and results of another picture cannot be accepted into this one.
        document = workflow.document
        document.image_replaced.connect(self._on_picture_replaced)
        document.picture_changed.connect(self._on_picture_edited)
        document.canvas_resized.connect(self._on_picture_edited)
        strip.preview_requested.connect(self._on_preview)
        strip.accept_requested.connect(self._on_accept)
        strip.accept_new_requested.connect(self._on_accept_new)
        jobs_panel.show_results.connect(self.show_results)
        self.cancel_action = QAction("Cancel the newest job", window)
        self.cancel_action.setShortcut(QKeySequence(Qt.Key.Key_Escape))
        self.cancel_action.setShortcutContext(Qt.ShortcutContext.WindowShortcut)
        self.cancel_action.setEnabled(False)
        self.cancel_action.triggered.connect(self.cancel_newest)
        window.addAction(self.cancel_action)
        window.addActions([panel.edit_action, panel.generate_action])
        panel.set_history(workflow.settings.get("jobs.prompt_history"))
        self.refresh_providers()

    # -- providers and models ---------------------------------------------------------------------------------
    def _on_provider_chosen(self, name: str) -> None:
        """The artist picked a provider: it stays the one for new requests, in this session and the next."""
        self.workflow.settings.set("api.active_provider", name)
        self._on_provider_changed(name)

    def refresh_providers(self) -> None:
        hub = self.workflow.hub
        current = hub.default_provider().name  # the chosen one when it has a key, else the engine
        labels = []
        for provider in hub.providers():
            if hub.is_engine(provider):
                labels.append((provider.name, "Embedded engine (offline)"))
            else:
                labels.append((provider.name, provider.name if hub.has_key(provider) else f"{provider.name} (no key)"))
        self.panel.set_providers(labels, current)
        self._on_provider_changed(current)

    def _on_provider_changed(self, name: str) -> None:
        hub = self.workflow.hub
        provider = hub.provider(name)
        engine = hub.is_engine(provider)
        if engine:
            self.panel.set_engine_note(NO_KEY_NOTE if not hub.keyed_providers() else ENGINE_NOTE)
        else:
            self.panel.set_engine_note("" if hub.has_key(provider) else
                                       f"No API key is set for {name}: add it in Edit > Providers and API keys.")
        self.panel.generate_button.setEnabled(not engine)
        self.panel.generate_action.setEnabled(not engine)
        self.panel.generate_button.setToolTip(
            "The embedded engine cannot draw from text: add a provider with an API key in Edit > Providers "
            "and API keys, or start from File > New canvas." if engine else
            "Make new pictures from the prompt alone (Ctrl+Shift+Enter)")
        self._model_load += 1
        if engine:
            self._show_models(hub.engine_models())
            return
        ticket = self._model_load
        self.panel.model.setEnabled(False)
        self.tasks.start(self._load_models(provider, ticket), f"listing the models of {name}")

    async def _load_models(self, provider, ticket: int) -> None:
        try:
            choices = await self.workflow.hub.models(provider)
        except Exception as exc:  # the list from the table is still usable
            log.info("model list of %s failed: %s", provider.name, exc)
            choices = self.workflow.hub.known_models()
            self.window.statusBar().showMessage(f"{provider.name} did not list its models ({exc}); showing the "
                                                "known ones.", 10000)
        if ticket == self._model_load:  # else another provider was chosen meanwhile
            self._show_models(choices)

    def _show_models(self, choices: list[ModelChoice]) -> None:
        self.panel.set_models(choices, self.workflow.settings.get("api.default_model"))
        self.panel.model.setEnabled(True)

    def _on_model_changed(self) -> None:
        request = self.panel.request
        choice = request.model
        if choice is None:
            return
        provider = request.provider
        self.panel.vary_button.setToolTip(
            "Variations of the picture with /images/variations" if choice.spec.supports("variations") else
            "This model has no variations endpoint: Variations run as an edit of the whole picture")
        note, warning = "", False
        if choice.shut_down:
            note = f"OpenAI shut {choice.id} down on {choice.shutdown}; this provider may still offer it."
            warning = True
        elif choice.shutdown is not None:
            replacement = f" Consider {choice.spec.replacement}." if choice.spec.replacement else ""
            note, warning = f"{choice.id} shuts down on {choice.shutdown}.{replacement}", True
        elif not choice.spec.known:
            note = f"{choice.id} is not in the table of known models: GPT Image rules are assumed."
        learned = request.learned()
        if learned:
            names = describe(learned)
            note = " ".join(x for x in (note, f"{provider} refused {names} for {choice.id}: no longer offered "
                                              "(<a href='forget'>forget</a>).") if x)
        hub = self.workflow.hub
        if not note:
            note = hub.retired_note(provider)
        self.panel.set_model_note(note, warning)
        if not hub.is_engine(hub.provider(provider)):
            self.workflow.settings.set("api.default_model", choice.id)
        self._update_cost()

    def _forget_learned(self, _link: str) -> None:
        """The "forget" link under the model list: offer again what the provider refused for this model."""
        request = self.panel.request
        if request.model is not None:
            self.workflow.refusals.forget(request.provider, request.model.id)  # the form follows the setting

    def _update_cost(self) -> None:
        request = self.panel.request
        choice = request.model
        if choice is None:
            return
        if self.workflow.hub.is_engine(self.workflow.hub.provider(request.provider)):
            self.panel.set_cost("Free: runs on this computer.")
            return
        spending = self.workflow.spending
        params = request.parameters()
        partials = self.workflow.partial_images(choice.spec)
        estimate = spending.estimate(choice.id, params, partial_images=partials)
        if estimate is not None:
            text = f"About ${estimate:.2f} per run."
        elif choice.spec.price is not None:
            text = (f"Cost unknown: no published token counts for {params.get('quality')} quality; the actual cost "
                    "is shown when the results arrive.")
        else:
            text = "Price not known for this model."
        limit = spending.limit()
        if limit is not None:
            pending = f" (+${spending.pending():.2f} running)" if spending.pending() else ""
            text += f" ${spending.spent():.2f}{pending} of ${limit:.2f} spent this month."
        self.panel.set_cost(text)

    def _on_setting(self, key: str, _value: object) -> None:
        if key == "jobs.prompt_history":
            self.panel.set_history(self.workflow.settings.get(key))
        elif key.startswith("jobs.spen"):
            self._update_cost()

    # -- running ----------------------------------------------------------------------------------------------
    def run(self, kind: JobKind) -> Job | None:
        request = self.panel.request
        choice: ModelChoice | None = request.model
        if choice is None:
            self.tell("No model is chosen yet.", "Wait a moment for the model list, or choose a provider.")
            return None
        try:
            job = self.workflow.start(kind, request.provider, choice, request.prompt, request.parameters())
        except JobRefused as refused:
            self.tell(str(refused), refused.hint)
            return None
        self.panel.request.recalled_seed = None
        self.window.statusBar().showMessage(f"{job.title()}: sent to {job.input.provider}"
                                            + (f" ({job.input.note})" if job.input.note else ""), 6000)
        return job

    def cancel_newest(self) -> None:
        active = self.workflow.queue.active
        if active:
            self.workflow.queue.cancel(active[-1])

    def _on_job_added(self, job: Job) -> None:
        self.cancel_action.setEnabled(True)
        jobs_dock = getattr(self.window, "jobs_dock", None)
        if jobs_dock is not None and jobs_dock.isVisible():
            jobs_dock.raise_()
        job.changed.connect(lambda: self._on_job_changed(job))

    def _on_job_changed(self, job: Job) -> None:
        self.cancel_action.setEnabled(bool(self.workflow.queue.active))
        if job.state is JobState.FAILED and job.results:
            self.show_results(job)  # what arrived before the failure is still there to choose from

    def _on_picture_replaced(self) -> None:
        self._on_picture_edited()
        self._check_staged_picture()

    def _on_picture_edited(self, *_args: object) -> None:
        self.strip.stop_preview()
        self.preview.clear()

    def _check_staged_picture(self) -> None:
        """Accept is for results of the open picture; others can still be opened as a new picture."""
        job = self.strip.job
        snapshot = job.input.snapshot if job is not None else None
        other = (snapshot is not None and not self.workflow.document.is_empty
                 and snapshot.generation != self.workflow.document.snapshot().generation)
        self.strip.set_blocked("These results were made for another picture: use Accept as new picture to open "
                               "one" if other else "")

    def show_results(self, job: Job) -> None:
        """Stage ``job``'s results, Accept enabled only when they belong to the open picture. Results whose
        full-size images were let go (``jobs.results_memory_mb``) show their thumbnails while the images come
        back from the gallery."""
        self.strip.show_job(job)
        self._check_staged_picture()
        if all(result.loaded for result in job.results):
            self.workflow.memory.use(job)
            return
        self.strip.set_loading(True)
        self.tasks.start(self._bring_back(job), "bringing results back from the gallery")

    async def _bring_back(self, job: Job) -> None:
        try:
            lost = await self.workflow.memory.load(job)
        finally:
            if self.strip.job is job:
                self.strip.set_loading(False)
        if lost:
            count = len(lost)
            self.window.statusBar().showMessage(
                f"{count} result{'s' if count != 1 else ''} of this job {'were' if count != 1 else 'was'} deleted "
                "from the gallery and cannot be shown again.", 10000)
            if self.strip.job is job:
                self.show_results(job)

    def _on_staged(self, job: Job) -> None:
        self.show_results(job)
        revised = next((r.revised_prompt for r in job.results if r.revised_prompt), None)
        self.panel.set_revised_prompt(revised)
        dock = getattr(self.window, "staging_dock", None)
        if dock is not None and not dock.isVisible():
            dock.show()
            self.window.resizeDocks([dock], [self.strip.sizeHint().height()], Qt.Orientation.Vertical)
        if dock is not None:
            dock.raise_()

    # -- results ------------------------------------------------------------------------------------------
    def _on_preview(self, job: Job, result: JobResult | None) -> None:
        snapshot = job.input.snapshot
        if result is None or not result.loaded or snapshot is None or self.workflow.document.is_empty:
            self.preview.clear()
            return
        if snapshot.generation != self.workflow.document.snapshot().generation:
            self.preview.clear()
            return
        image = result.raw if self.strip.raw.isChecked() else result.best
        overlay = result.drift if self.strip.drift.isChecked() else None
        self.preview.show(image, self.workflow.document.frame_of(snapshot), overlay)

    def _on_accept(self, job: Job, result: JobResult, raw: bool) -> None:
        self.preview.clear()
        try:
            self.workflow.accept(job, result, raw=raw)
        except JobRefused as refused:
            self.tell(str(refused), refused.hint)
            return
        self.window.statusBar().showMessage("Result accepted: Ctrl+Z takes it back.", 6000)

    def _on_accept_new(self, job: Job, result: JobResult) -> None:
        self.preview.clear()
        if not self.window.confirm_discard("open the result as a new picture"):
            return
        try:
            self.workflow.accept_as_new(job, result)
        except JobRefused as refused:
            self.tell(str(refused), refused.hint)

    # -- the gallery's requests -----------------------------------------------------------------------------
    def vary_record(self, record: ImageRecord) -> None:
        """Gallery > Use as variation source: open the image, then run Variations on it."""
        task = self.window.files.open_path(record.path)
        task.add_done_callback(lambda t: QTimer.singleShot(0, lambda: self._after_open(t, JobKind.VARIATION)))

    def _after_open(self, task, kind: JobKind) -> None:
        if not task.cancelled() and task.exception() is None and task.result():
            self.run(kind)

    def run_again(self, record: ImageRecord) -> None:
        """Gallery > Run again: the same prompt, model and parameters; generations are sent at once."""
        self.panel.recall(record.prompt, record.model, record.asked())
        if record.kind == JobKind.GENERATION.value:
            self.run(JobKind.GENERATION)
        else:
            self.window.statusBar().showMessage(
                "Prompt and model recalled: open or paint the picture, then press Edit or Variations.", 8000)

    # -- messages -----------------------------------------------------------------------------------------
    def tell(self, message: str, hint: str = "") -> None:
        """A non-blocking message box (one at a time)."""
        if self.message is not None:
            self.message.close()
        self.message = QMessageBox(QMessageBox.Icon.Information, "DALL·E Studio", message,
                                   QMessageBox.StandardButton.Ok, self.window)
        self.message.setObjectName("workflowMessage")
        if hint:
            self.message.setInformativeText(hint)
        self.message.open()
