"""MediaPanel: the embeddable AI media panel.

A host editor constructs it with a PanelServices, calls `open_project(path)`
and listens to its signals. The panel never blocks the GUI thread: jobs,
queries and thumbnails run in worker pools.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass
from functools import partial
from pathlib import Path
from typing import Any

from PySide6.QtCore import Qt, QThreadPool, Signal
from PySide6.QtGui import QResizeEvent
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QMessageBox,
    QPushButton,
    QSplitter,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from qcut_ai.core.catalog import Category, ModelSpec, load_catalog
from qcut_ai.core.errors import QcutError
from qcut_ai.core.jobs import JobState
from qcut_ai.core.media import MediaItem
from qcut_ai.core.pricing import batch_total
from qcut_ai.core.requests import GenerationRequest
from qcut_ai.engine.batch import PlannedJob
from qcut_ai.engine.connection import FalConnection
from qcut_ai.engine.events import JobEvent
from qcut_ai.engine.journal import JobRecord
from qcut_ai.engine.resume import ResumePlan
from qcut_ai.engine.runner import JobRunner
from qcut_ai.jobs.foreign_jobs import ForeignJobWatcher
from qcut_ai.jobs.manager import JobManager
from qcut_ai.jobs.runnables import FunctionRunnable, start_task
from qcut_ai.services.fal_gateway import FalGateway
from qcut_ai.services.paths import ProjectPaths
from qcut_ai.services.settings import Settings
from qcut_ai.ui.generate_tab import GenerateTab
from qcut_ai.ui.history_view import HistoryView
from qcut_ai.ui.job_list import JobListWidget
from qcut_ai.ui.library_panel import LibraryPanel
from qcut_ai.ui.preview_player import PreviewPlayer
from qcut_ai.ui.prompt_builder import PromptBuilder
from qcut_ai.ui.spend_summary import SpendSummary

TAB_TITLES = (
    (Category.TEXT_TO_VIDEO, "Text to Video", "Text"),
    (Category.IMAGE_TO_VIDEO, "Image to Video", "Image"),
    (Category.FRAME_TO_VIDEO, "Frame to Video", "Frames"),
    (Category.AVATAR, "Avatar", "Avatar"),
    (Category.UPSCALE, "Upscale", "Upscale"),
)
PROMPT_CATEGORIES = {Category.TEXT_TO_VIDEO, Category.IMAGE_TO_VIDEO, Category.FRAME_TO_VIDEO}
COMPACT_WIDTH = 520  # below this the dock is "narrow": short titles, no preview pane


@dataclass
class PanelServices:
    """What the host gives the panel. `connect` builds the fal connection lazily."""

    settings: Settings
    thumbnails_dir: Path
    connect: Callable[[], FalConnection]


class MediaPanel(QWidget):
    """The AI media panel.

    Signals:
        project_opened(str): the project folder now shown
        media_added(object): a MediaItem that entered the library
        media_changed(object): a newer state of a MediaItem already added
            (e.g. its provenance tags written into the file, its filmstrip made)
        media_selected(object): the MediaItem the user selected
        media_activated(object): a MediaItem double-clicked / Enter
        media_dragged(object): list[MediaItem] whose drag started
        error_reported(str): a one-sentence error shown to the user
    """

    project_opened = Signal(str)
    media_added = Signal(object)
    media_changed = Signal(object)
    media_selected = Signal(object)
    media_activated = Signal(object)
    media_dragged = Signal(object)
    error_reported = Signal(str)

    def __init__(self, services: PanelServices, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("mediaPanel")
        self.setAccessibleName("AI media panel")
        self.services = services
        self.project: ProjectPaths | None = None
        self._connection: FalConnection | None = None
        self._work = QThreadPool(self)
        self._work.setMaxThreadCount(1)
        self._tasks: set[FunctionRunnable] = set()
        self._connect_lock = threading.RLock()
        self._closed = False
        self._announced: set[int] = set()

        self.banner = QLabel(self)
        self.banner.setObjectName("modeBanner")
        self.banner.setWordWrap(True)
        self.spend = SpendSummary(self)
        self.rebuild_button = QPushButton("Rebuild library", self)
        self.rebuild_button.setObjectName("rebuildLibraryButton")
        self.rebuild_button.hide()
        self.rebuild_button.clicked.connect(self.rebuild_library)
        self._rebuild_for: tuple[ProjectPaths, bool] | None = None

        self.tabs = QTabWidget(self)
        self.tabs.setObjectName("generateTabs")
        self.tabs.setDocumentMode(True)
        self.generate_tabs: dict[Category, GenerateTab] = {}
        self.builders: list[PromptBuilder] = []
        for category, title, _short in TAB_TITLES:
            tab = GenerateTab(category, self)
            tab.setAccessibleName(title)
            tab.batch_requested.connect(partial(self._on_batch_requested, tab))
            if category in PROMPT_CATEGORIES:
                self._add_builder(tab)
            self.generate_tabs[category] = tab
            self.tabs.addTab(tab, title)
            self.tabs.setTabToolTip(self.tabs.count() - 1, title)
        self.text_tab = self.generate_tabs[Category.TEXT_TO_VIDEO]

        self.jobs = JobManager(self._runner, concurrency=services.settings.concurrency, parent=self)
        self.job_list = JobListWidget(self)
        self.jobs.job_event.connect(self.job_list.apply_event)
        self.jobs.batch_progress.connect(self.job_list.set_batch_progress)
        self.jobs.batch_progress.connect(self._on_batch_progress)
        self._after_idle: Callable[[], None] | None = None
        self.jobs.media_added.connect(self._on_media_added)
        self.jobs.media_updated.connect(self._on_media_updated)
        self.jobs.job_finished.connect(lambda _record: self.spend.refresh())
        self.job_list.cancel_requested.connect(self.jobs.cancel)
        self.job_list.cancel_queued_requested.connect(self.jobs.cancel_queued)
        self.job_list.cancel_all_requested.connect(self.jobs.cancel_all)
        self.job_list.retry_requested.connect(self.retry_job)
        self.jobs.job_retried.connect(self._on_job_retried)
        self.jobs.error_reported.connect(self.error_reported)
        # Jobs another qcut-ai process is finishing are followed, not run twice.
        self.foreign = ForeignJobWatcher(self._work, self)
        self.jobs.job_busy.connect(self._on_job_busy)
        self.foreign.job_event.connect(self.job_list.apply_event)
        self.foreign.media_added.connect(self._on_media_added)
        self.foreign.orphaned.connect(self._run_orphans)

        self.library_panel = LibraryPanel(services.thumbnails_dir, self)
        lib = self.library_panel
        lib.item_selected.connect(self.media_selected)
        lib.item_selected.connect(self._on_selected)
        lib.item_activated.connect(self.media_activated)
        lib.items_dragged.connect(self.media_dragged)
        lib.error_reported.connect(self.error_reported)
        lib.preview_requested.connect(self._preview)
        lib.derive_requested.connect(self.derive)
        lib.items_imported.connect(self._on_imported)
        lib.items_appeared.connect(self._on_imported)
        # Short names kept for hosts and tests that reach into the library.
        self.library, self.model, self.view = lib.service, lib.model, lib.view
        self.search = lib.search
        self.history = HistoryView(self)
        self.history.run_again_requested.connect(self._run_again)
        self.history.edit_requested.connect(self._edit_and_run)
        self.history.load_failed.connect(self.error_reported)
        self.preview = PreviewPlayer(self)

        self.lower_tabs = QTabWidget(self)
        self.lower_tabs.setObjectName("libraryTabs")
        self.lower_tabs.setDocumentMode(True)
        self.lower_tabs.addTab(lib, "Library")
        self.lower_tabs.addTab(self.history, "History")
        self.lower_tabs.currentChanged.connect(self._on_lower_tab)
        self.lower_split = QSplitter(Qt.Orientation.Horizontal, self)
        self.lower_split.addWidget(self.lower_tabs)
        self.lower_split.addWidget(self.preview)
        self.lower_split.setStretchFactor(0, 3)
        self.lower_split.setStretchFactor(1, 2)
        split = QSplitter(Qt.Orientation.Vertical, self)
        split.setObjectName("panelSplitter")
        split.addWidget(self.tabs)
        split.addWidget(self.job_list)
        split.addWidget(self.lower_split)
        split.setStretchFactor(2, 1)
        split.setSizes([440, 110, 380])
        self.splitter = split
        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 4)
        banner_row = QHBoxLayout()
        banner_row.addWidget(self.banner, 1)
        banner_row.addWidget(self.rebuild_button)
        layout.addLayout(banner_row)
        layout.addWidget(self.spend)
        layout.addWidget(split, 1)
        self.error_reported.connect(self._show_error)
        self._compact: bool | None = None

    def _add_builder(self, tab: GenerateTab) -> None:
        from qcut_ai.engine.enhance import enhancer_for

        builder = PromptBuilder(tab)
        builder.prompt_built.connect(tab.set_prompt)
        builder.aspect_ratio_chosen.connect(tab.set_aspect_ratio)
        builder.duration_chosen.connect(tab.set_duration)
        tab.models_changed.connect(builder.set_models)
        builder.set_models(tab.selected_specs())
        builder.set_enhancer(enhancer_for(self._gateway), offline=False)
        tab.add_tool_widget(builder, "Prompt builder")
        self.builders.append(builder)

    def _gateway(self) -> FalGateway:
        """For workers (Enhance): the connection's gateway, built once under a lock."""
        with self._connect_lock:
            return self.connection().gateway()

    # -- project ---------------------------------------------------------------
    def open_project(self, path: str | Path, *, resume: bool = True) -> None:
        """Show a project's library; with `resume`, finish its unfinished jobs (exactly once)."""
        self.project = ProjectPaths.at(path).ensure()
        self.foreign.set_project(self.project)
        self._announced.clear()
        self.library_panel.open(self.project)
        self.history.set_project(self.project)
        self.spend.set_project(self.project)
        self.preview.show_item(None)
        self.project_opened.emit(str(self.project.root))
        self._check_library(self.project)
        if resume:
            self.resume_unfinished()
        self._finish_pending()

    def _check_library(self, project: ProjectPaths) -> None:
        """A damaged or emptied database, or generated clips the library lost: offer a
        rebuild from the clips' provenance (checked in a worker)."""

        def check(_emit: object, _abort: object) -> tuple[str, int, int]:
            from qcut_ai.library.db import open_project_db, sidecars_in
            from qcut_ai.library.rebuild import database_state
            from qcut_ai.library.repository import MediaRepository

            state, clips = database_state(project), sidecars_in(project)
            if state != "healthy":
                return state, clips, 0
            db = open_project_db(project)
            try:
                return state, clips, MediaRepository(db, project.root).count()
            finally:
                db.close()

        self._in_worker(check, lambda found: self._offer_rebuild(project, *found))

    def _offer_rebuild(self, project: ProjectPaths, state: str, clips: int, items: int) -> None:
        if self.project != project or state == "missing":
            return
        if state == "healthy" and (items or not clips):
            return
        what = (
            f"The library of {project.root.name} is empty, but its media folder holds "
            f"{clips} generated clips."
            if state == "healthy"
            else f"The library database of {project.root.name} is damaged, so it was not opened."
        )
        # Offered, not asked: a modal question on open would stop a host's start-up.
        self._show_error(
            f"{what} It can be rebuilt from the clips' provenance (names, prompts, models, "
            "tags and ratings); the old database is kept beside it."
        )
        self._rebuild_for = (project, state == "healthy")
        self.rebuild_button.show()

    def rebuild_library(self) -> None:
        """Rebuild the offered project's library from its media folder, in a worker."""
        if self._rebuild_for is None:
            return
        (project, force), self._rebuild_for = self._rebuild_for, None
        self.rebuild_button.hide()
        self.set_mode_text(f"Rebuilding the library of {project.root.name} from its clips…")
        thumbs = self.services.thumbnails_dir

        def rebuild(_emit: object, _abort: object) -> int:
            from qcut_ai.library.rebuild import rebuild_library

            return rebuild_library(project, thumbs, force=force).restored

        def done(restored: int) -> None:
            self.set_mode_text(f"Rebuilt the library: {restored} item(s).")
            if self.project == project:
                self.library_panel.open(project)

        self._in_worker(rebuild, done)

    def _finish_pending(self) -> None:
        """Tags, hash and filmstrip of results a crash left unfinished, in a worker."""
        project, thumbs = self.project, self.services.thumbnails_dir
        if project is None:
            return

        def work(_emit: object, _abort: object) -> list[MediaItem]:
            from qcut_ai.library.ingest import Library

            with Library(project, thumbs) as library:
                return library.finish_pending()

        def done(items: list[MediaItem]) -> None:
            if self.project == project:
                for item in items:
                    self._on_media_updated(item)

        self._in_worker(work, done)

    def resume_unfinished(self) -> None:
        """Read the journal in a worker; jobs fal may still hold are polled, never resent."""
        project = self.project
        if project is None:
            return

        def unfinished(_emit: object, _abort: object) -> tuple[ResumePlan, list[JobRecord]]:
            from qcut_ai.engine.journal import JobJournal
            from qcut_ai.engine.resume import plan_resume
            from qcut_ai.library.db import open_project_db

            db = open_project_db(project)
            try:
                journal = JobJournal(db)
                # Uncertain submits are shown too: the user must check them at fal.
                uncertain = journal.recent(limit=20, states={JobState.UNKNOWN})
                pending = journal.unfinished()
                if not pending:
                    return ResumePlan(), uncertain
                # Connecting (in preview: starting the stand-in) only when there is
                # something to finish, and here rather than on the GUI thread.
                backend = self.connection().backend
                return plan_resume(journal, backend, pending), uncertain
            finally:
                db.close()

        self._in_worker(unfinished, self._resume_jobs)

    def _resume_jobs(self, found: tuple[ResumePlan, list[JobRecord]]) -> None:
        from qcut_ai.engine.resume import waiting_text

        plan, uncertain = found
        if self.project is None:
            return
        busy = [job for job, _owner in plan.busy]
        for job in [*plan.run, *plan.waiting, *plan.expired, *uncertain, *busy]:
            details = (
                f"Request id: {job.request_id or 'none'}\nPrompt: {job.request.get('prompt', '')}"
            )
            self.job_list.add_job(
                job.id,
                job.model_name,
                state=job.state,
                submitted_at=job.submitted_at,
                error=job.error,
                details=details,
            )
        if plan.waiting:
            self.error_reported.emit(waiting_text(plan.waiting))
        for job, owner in plan.busy:
            self._on_job_busy(job.id, f"Being finished by another qcut-ai ({owner.describe()}).")
        runnable = [j for j in plan.run if self.jobs.state_of(j.id) is None]
        if runnable:
            self.jobs.start([j.id for j in runnable], known={j.id: j.state for j in runnable})

    def _on_job_busy(self, job_id: str, text: str) -> None:
        """Another process has the job: say so on its row and follow it from the journal."""
        state = self.job_list.state_of(job_id) or JobState.QUEUED
        self.job_list.apply_event(JobEvent(job_id, state, error=text))
        self.foreign.watch(job_id, state.value)

    def _run_orphans(self, records: list[JobRecord]) -> None:
        """Jobs whose other owner stopped without finishing them: run them here."""
        runnable = [r for r in records if not self.jobs.is_running(r.id)]
        if runnable:
            self.jobs.start([r.id for r in runnable], known={r.id: r.state for r in runnable})

    def retry_job(self, job_id: str) -> None:
        """Retry; an uncertain submit needs the user's word that paying twice is acceptable."""
        accept = False
        if self.job_list.state_of(job_id) is JobState.UNKNOWN:
            answer = QMessageBox.question(
                self,
                "Retry an uncertain job?",
                "fal may already be running this job (check fal.ai/dashboard/requests). "
                "Retrying may pay for it twice. Retry anyway?",
            )
            if answer != QMessageBox.StandardButton.Yes:
                return
            accept = True
        self.jobs.retry(job_id, accept_unknown=accept)

    def _on_job_retried(self, old_id: str, new_id: str) -> None:
        if new_id != old_id:
            row = self.job_list.row(old_id)
            self.job_list.add_job(new_id, row.text(0) if row is not None else "Retry")

    def _in_worker(
        self, fn: Callable[[object, object], object], done: Callable[[Any], None]
    ) -> None:
        """Run `fn` on the panel's worker thread; `done(result)` runs on the GUI thread."""

        def finished(result: object) -> None:
            if not self._closed:  # the host may have deleted the panel meanwhile
                done(result)

        def failed(text: str) -> None:
            if not self._closed:
                self.error_reported.emit(text)

        start_task(self._work, fn, finished, failed, self._tasks)

    def set_mode_text(self, text: str) -> None:
        self.banner.setText(text)
        self.banner.setVisible(bool(text))

    def apply_settings(self, settings: Settings) -> None:
        """New settings from the host (budgets, threshold and concurrency apply at once)."""
        self.services.settings = settings
        self.jobs.set_concurrency(settings.concurrency)

    def reset_connection(self, then: Callable[[], None] | None = None) -> bool:
        """Drop the fal connection so the next job uses the new key or mode.

        While jobs run it waits for them (their fal requests belong to the old
        connection) and returns False; `then` runs once the reset happened.
        """
        if self.jobs.is_busy():
            self._after_idle = then or (lambda: None)
            return False
        if self._connection is not None:
            self._connection.close()
            self._connection = None
        if then is not None:
            then()
        return True

    def _on_batch_progress(self, done: int, total: int) -> None:
        if done >= total and self._after_idle is not None and not self.jobs.is_busy():
            then, self._after_idle = self._after_idle, None
            self.reset_connection(then)

    def connection(self) -> FalConnection:
        with self._connect_lock:
            if self._connection is None:
                self._connection = self.services.connect()
            return self._connection

    def _runner(self) -> JobRunner:
        assert self.project is not None
        conn = self.connection()
        return JobRunner(
            self.project,
            conn.gateway,
            self.services.thumbnails_dir,
            allowed_hosts=conn.allowed_hosts(),
        )

    # -- generating -------------------------------------------------------------
    def generate(self, specs: list[ModelSpec], request: GenerationRequest) -> None:
        """One request on several models (history, regenerate): fitted to each model."""
        from qcut_ai.engine.batch import plan

        try:
            planned = plan(specs, request)
        except QcutError as exc:
            self.error_reported.emit(exc.user_text())
            return
        self.submit(planned)

    def _on_batch_requested(
        self, tab: GenerateTab, specs: list[ModelSpec], requests: list[GenerationRequest]
    ) -> None:
        """From a tab: each model's own checked request, priced with the inputs' lengths."""
        from qcut_ai.engine.batch import plan_pairs

        try:
            planned = plan_pairs(list(zip(specs, requests, strict=True)), tab.plan().estimates)
        except QcutError as exc:
            self.error_reported.emit(exc.user_text())
            return
        self.submit(planned)

    def submit(self, planned: list[PlannedJob]) -> None:
        """Confirm the price if needed, check budgets and journal in a worker, then run."""
        if self.project is None:
            self.error_reported.emit("Open a project before generating.")
            return
        if not planned:
            return
        request = planned[0].request or GenerationRequest()
        known, unknown = batch_total(p.estimate for p in planned)
        threshold = self.services.settings.confirm_above_usd
        try:
            connection = self.connection()
        except QcutError as exc:
            self.error_reported.emit(exc.user_text())
            return
        offline, backend = connection.offline, connection.backend
        if not offline and (float(known) > threshold or unknown):
            answer = QMessageBox.question(
                self,
                "Confirm spending",
                f"This batch costs an estimated ${known:.2f}"
                + (f" plus {unknown} model(s) of unknown price" if unknown else "")
                + ". Generate?",
            )
            if answer != QMessageBox.StandardButton.Yes:
                return
        project = self.project
        settings = self.services.settings
        confirmed = bool(unknown)  # reaching here with unknown prices means the user said yes

        def journal(_emit: object, _abort: object) -> list[tuple[str, str]]:
            from qcut_ai.engine.batch import journal_batch
            from qcut_ai.engine.journal import JobJournal
            from qcut_ai.engine.spend import check_budget, record_project
            from qcut_ai.library.db import open_project_db

            if not offline:
                # Refused here, before anything is journaled or sent.
                check_budget(project, planned, settings, unknown_confirmed=confirmed)
                record_project(project)
            db = open_project_db(project)
            try:
                records = journal_batch(JobJournal(db), planned, request, backend=backend)
            finally:
                db.close()
            return [(r.id, r.model_name) for r in records]

        self._in_worker(journal, self._start_jobs)

    def _start_jobs(self, jobs: list[tuple[str, str]]) -> None:
        for job_id, name in jobs:
            self.job_list.add_job(job_id, name)
        self.jobs.start([job_id for job_id, _ in jobs])

    # -- library ------------------------------------------------------------------
    def _on_media_added(self, item: MediaItem) -> None:
        self.library_panel.add_item(item)
        self._announce(item)

    def _announce(self, item: MediaItem) -> None:
        """media_added, once per item, however it reached the panel."""
        if item.id not in self._announced:
            self._announced.add(item.id)
            self.media_added.emit(item)

    def _on_media_updated(self, item: MediaItem) -> None:
        self.library_panel.update_item(item)
        self.media_changed.emit(item)

    def _on_imported(self, items: list[MediaItem]) -> None:
        for item in items:
            self._announce(item)

    def _on_selected(self, item: MediaItem) -> None:
        if self.preview.isVisible():
            self.preview.show_item(item)

    def _preview(self, item: MediaItem) -> None:
        self.preview.show_item(item)
        self.preview.toggle_play()

    def _on_lower_tab(self, index: int) -> None:
        if index == self.lower_tabs.indexOf(self.history):
            self.history.refresh()

    # -- derive, history ---------------------------------------------------------
    def derive(self, action: str, item: MediaItem) -> None:
        """A library action that starts from a clip: fill a tab, or regenerate at once."""
        if action != "remix" or self.project is None or not item.request_id:
            self._derive(action, item, None)
            return
        project, request_id = self.project, item.request_id

        def video_id(_emit: object, _abort: object) -> str | None:
            """Sora results carry a video id in fal's result JSON, kept in the journal."""
            from qcut_ai.engine.journal import JobJournal
            from qcut_ai.library.db import open_project_db

            db = open_project_db(project)
            try:
                result = JobJournal(db).result_for_request(request_id) or {}
            finally:
                db.close()
            value = result.get("video_id")
            return str(value) if value else None

        self._in_worker(video_id, lambda found: self._derive(action, item, found))

    def _derive(self, action: str, item: MediaItem, sora_video_id: str | None) -> None:
        from qcut_ai.ui.derive import plan_derive

        try:
            plan = plan_derive(action, item, sora_video_id)
        except QcutError as exc:
            self.error_reported.emit(exc.user_text())
            return
        tab = self.generate_tabs[plan.category]
        if plan.run_now and plan.request is not None:
            self.generate([load_catalog().get(m) for m in plan.model_ids], plan.request)
            return
        if plan.request is not None:
            tab.load_request(plan.model_ids, plan.request)
        for role, path in plan.inputs.items():
            tab.set_input(role, path)
        self.tabs.setCurrentWidget(tab)

    def _run_again(self, model_ids: list[str], request: GenerationRequest) -> None:
        self.generate([load_catalog().get(m) for m in model_ids], request)

    def _edit_and_run(self, model_ids: list[str], request: GenerationRequest) -> None:
        category = load_catalog().get(model_ids[0]).category
        tab = self.generate_tabs[category]
        tab.load_request(model_ids, request)
        self.tabs.setCurrentWidget(tab)

    # -- layout --------------------------------------------------------------------
    def resizeEvent(self, event: QResizeEvent) -> None:
        """Narrow dock: short tab titles, no preview pane; wide: everything."""
        super().resizeEvent(event)
        compact = event.size().width() < COMPACT_WIDTH
        if compact == self._compact:
            return
        self._compact = compact
        for index, (_category, title, short) in enumerate(TAB_TITLES):
            self.tabs.setTabText(index, short if compact else title)
        self.preview.setVisible(not compact)
        self.library_panel.details.setVisible(not compact)

    def _show_error(self, text: str) -> None:
        self.banner.setText(text)
        self.banner.setVisible(True)

    def shutdown(self) -> None:
        """Stop workers; paid jobs stay in the journal for the next start."""
        self._closed = True
        self.foreign.stop()
        self.jobs.shutdown()
        self.library_panel.shutdown()
        self.spend.shutdown()
        for builder in self.builders:
            builder.shutdown()
        self._work.waitForDone(5000)
        if self._connection is not None:
            self._connection.close()
            self._connection = None
