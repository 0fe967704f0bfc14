"""MediaPanel: the embeddable AI media panel.

A host editor constructs it with a PanelServices, calls `open_project(path)`
and listens to its signals. The panel never blocks the GUI thread: jobs,
queries and thumbnails run in worker pools.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from PySide6.QtCore import Qt, QThreadPool, Signal
from PySide6.QtWidgets import (
    QLabel,
    QLineEdit,
    QMessageBox,
    QSplitter,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from qcut_ai.core.catalog import Category, ModelSpec
from qcut_ai.core.errors import QcutError
from qcut_ai.core.jobs import JobState
from qcut_ai.core.media import MediaItem
from qcut_ai.core.pricing import batch_total
from qcut_ai.core.requests import GenerationRequest
from qcut_ai.engine.connection import FalConnection
from qcut_ai.engine.journal import JobRecord
from qcut_ai.engine.resume import ResumePlan
from qcut_ai.engine.runner import JobRunner
from qcut_ai.jobs.library_service import LibraryService
from qcut_ai.jobs.manager import JobManager
from qcut_ai.jobs.runnables import FunctionRunnable
from qcut_ai.services.paths import ProjectPaths
from qcut_ai.services.settings import Settings
from qcut_ai.ui.generate_tab import GenerateTab
from qcut_ai.ui.job_list import JobListWidget
from qcut_ai.ui.library_view import LibraryView, MediaListModel


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
        media_selected(object): the MediaItem the user selected
        media_activated(object): a MediaItem double-clicked / Enter
        media_dragged(object): list[MediaItem] whose drag started
        error_reported(str): a one-sentence error shown to the user
    """

    project_opened = Signal(str)
    media_added = Signal(object)
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

        self.banner = QLabel(self)
        self.banner.setObjectName("modeBanner")
        self.banner.setWordWrap(True)
        self.tabs = QTabWidget(self)
        self.tabs.setObjectName("generateTabs")
        self.text_tab = GenerateTab(Category.TEXT_TO_VIDEO, self)
        self.text_tab.setAccessibleName("Text to Video")
        self.tabs.addTab(self.text_tab, "Text to Video")
        self.text_tab.generate_requested.connect(self.generate)

        self.jobs = JobManager(self._runner, concurrency=services.settings.concurrency, parent=self)
        self.job_list = JobListWidget(self)
        self.jobs.job_event.connect(self.job_list.apply_event)
        self.jobs.batch_progress.connect(self.job_list.set_batch_progress)
        self.jobs.media_added.connect(self._on_media_added)
        self.job_list.cancel_requested.connect(self.jobs.cancel)
        self.job_list.cancel_queued_requested.connect(self.jobs.cancel_queued)
        self.job_list.cancel_all_requested.connect(self.jobs.cancel_all)
        self.job_list.retry_requested.connect(self.retry_job)
        self.jobs.job_retried.connect(self._on_job_retried)
        self.jobs.error_reported.connect(self.error_reported)

        self.library = LibraryService(self)
        self.library.items_loaded.connect(self._on_items_loaded)
        self.library.failed.connect(self.error_reported)
        self.model = MediaListModel(self.library, self)
        self.view = LibraryView(self.model, self)
        self.view.item_selected.connect(self.media_selected)
        self.view.item_activated.connect(self.media_activated)
        self.view.items_dragged.connect(self.media_dragged)
        self.search = QLineEdit(self)
        self.search.setObjectName("librarySearch")
        self.search.setAccessibleName("Search library")
        self.search.setPlaceholderText("Search prompts, names, models…")
        self.search.setClearButtonEnabled(True)
        self.search.textChanged.connect(self.library.refresh)

        lower = QWidget(self)
        lower_layout = QVBoxLayout(lower)
        lower_layout.setContentsMargins(0, 0, 0, 0)
        lower_layout.addWidget(self.search)
        lower_layout.addWidget(self.view, 1)
        split = QSplitter(Qt.Orientation.Vertical, self)
        split.addWidget(self.tabs)
        split.addWidget(self.job_list)
        split.addWidget(lower)
        split.setStretchFactor(2, 1)
        split.setSizes([300, 150, 420])
        layout = QVBoxLayout(self)
        layout.addWidget(self.banner)
        layout.addWidget(split, 1)
        self.error_reported.connect(self._show_error)

    # -- project ---------------------------------------------------------------
    def open_project(self, path: str | Path, *, resume: bool = True) -> None:
        """Show a project's library; with `resume`, finish its unfinished jobs (exactly once)."""
        self.project = ProjectPaths.at(path).ensure()
        self.library.open(self.project)
        self.project_opened.emit(str(self.project.root))
        if resume:
            self.resume_unfinished()

    def resume_unfinished(self) -> None:
        """Read the journal in a worker; jobs fal may still hold are polled, never resent."""
        project = self.project
        if project is None:
            return
        try:
            backend = self.connection().backend
        except QcutError as exc:
            self.error_reported.emit(exc.user_text())
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
                return plan_resume(journal, backend), uncertain
            finally:
                db.close()

        self._in_worker(unfinished, self._resume_jobs)

    def _resume_jobs(self, found: tuple[ResumePlan, list[JobRecord]]) -> None:
        from qcut_ai.engine.resume import waiting_text

        plan, uncertain = found
        if self.project is None:
            return
        for job in [*plan.run, *plan.waiting, *plan.expired, *uncertain]:
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
        runnable = [j for j in plan.run if self.jobs.state_of(j.id) is None]
        if runnable:
            self.jobs.start([j.id for j in runnable], known={j.id: j.state for j in runnable})

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
        task = FunctionRunnable(fn)
        self._tasks.add(task)

        def finished(result: object) -> None:
            self._tasks.discard(task)
            done(result)

        def failed(text: str) -> None:
            self._tasks.discard(task)
            self.error_reported.emit(text)

        task.signals.finished.connect(finished)
        task.signals.failed.connect(failed)
        self._work.start(task)

    def set_mode_text(self, text: str) -> None:
        self.banner.setText(text)
        self.banner.setVisible(bool(text))

    def connection(self) -> FalConnection:
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
        """Validate, confirm the price if needed, journal in a worker, then run."""
        from qcut_ai.engine.batch import plan

        if self.project is None:
            self.error_reported.emit("Open a project before generating.")
            return
        planned = plan(specs, request)
        known, unknown = batch_total(p.estimate for p in planned)
        threshold = self.services.settings.confirm_above_usd
        connection = self.connection()
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

        def journal(_emit: object, _abort: object) -> list[tuple[str, str]]:
            from qcut_ai.engine.batch import journal_batch
            from qcut_ai.engine.journal import JobJournal
            from qcut_ai.library.db import open_project_db

            db = open_project_db(project)
            try:
                records = journal_batch(JobJournal(db), planned, request, backend=backend)
            finally:
                db.close()
            return [(r.id, r.model_name) for r in records]

        task = FunctionRunnable(journal)
        self._tasks.add(task)
        task.signals.finished.connect(lambda jobs, t=task: self._start_jobs(jobs, t))
        task.signals.failed.connect(self.error_reported)
        self._work.start(task)

    def _start_jobs(self, jobs: list[tuple[str, str]], task: FunctionRunnable) -> None:
        self._tasks.discard(task)
        for job_id, name in jobs:
            self.job_list.add_job(job_id, name)
        self.jobs.start([job_id for job_id, _ in jobs])

    # -- library ------------------------------------------------------------------
    def _on_items_loaded(self, items: list[MediaItem]) -> None:
        self.model.set_items(items)

    def _on_media_added(self, item: MediaItem) -> None:
        if not self.search.text().strip():
            self.model.add_item(item)
        self.media_added.emit(item)

    def _show_error(self, text: str) -> None:
        self.banner.setText(text)
        self.banner.setVisible(True)

    def shutdown(self) -> None:
        """Stop workers; paid jobs stay in the journal for the next start."""
        self.jobs.shutdown()
        self.library.shutdown()
        self._work.waitForDone(5000)
        if self._connection is not None:
            self._connection.close()
            self._connection = None
