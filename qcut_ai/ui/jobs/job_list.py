"""The job list: one row per job with state, queue position, progress, elapsed / ETA and errors.

A passive view over the job manager's `JobListModel`: it shows rows, turns
clicks into signals, and never holds a job's state itself.
"""

from __future__ import annotations

from PySide6.QtCore import QModelIndex, QPersistentModelIndex, QPoint, Qt, QTimer, Signal
from PySide6.QtGui import QGuiApplication, QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QMenu,
    QMessageBox,
    QProgressBar,
    QPushButton,
    QTreeView,
    QVBoxLayout,
    QWidget,
)

from qcut_ai.core.events import JobEvent
from qcut_ai.core.job_state import JobState
from qcut_ai.jobs.job_items import PROGRESS_ROLE, JobListModel


def confirm_uncertain_retry(parent: QWidget) -> bool:
    """An uncertain submit may already run at fal: retry only on the user's word."""
    answer = QMessageBox.question(
        parent,
        "Retry an uncertain job?",
        "fal may already be running this job (check fal.ai/dashboard/requests). "
        "Retrying may pay for it twice. Retry anyway?",
    )
    return answer == QMessageBox.StandardButton.Yes


class JobListWidget(QWidget):
    """Shows live and resumed jobs; never blocks (every action is a signal).

    Signals: cancel_requested(str), cancel_queued_requested(), cancel_all_requested(),
    retry_requested(str)
    """

    cancel_requested = Signal(str)
    cancel_queued_requested = Signal()
    cancel_all_requested = Signal()
    retry_requested = Signal(str)
    compare_requested = Signal(str)  # a job id: compare the takes of its batch

    def __init__(self, parent: QWidget | None = None, *, model: JobListModel | None = None):
        super().__init__(parent)
        self.setObjectName("jobList")
        self.model = model or JobListModel(self)
        self.tree = QTreeView(self)
        self.tree.setObjectName("jobTree")
        self.tree.setAccessibleName("Jobs")
        self.tree.setModel(self.model)
        self.tree.setRootIsDecorated(True)
        self.tree.setUniformRowHeights(True)
        self.tree.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        self.tree.customContextMenuRequested.connect(self._menu)
        self.tree.setColumnWidth(0, 170)
        self.tree.setColumnWidth(1, 170)
        self.summary = QLabel("No jobs", self)
        self.summary.setObjectName("batchSummary")
        cancel_queued = QPushButton("Cancel queued", self)
        cancel_queued.setObjectName("cancelQueuedButton")
        cancel_queued.setToolTip("Cancel the jobs not yet sent to fal")
        cancel_queued.clicked.connect(self.cancel_queued_requested)
        cancel_all = QPushButton("Cancel all", self)
        cancel_all.setObjectName("cancelAllButton")
        cancel_all.setToolTip("Cancel every job, at fal too")
        cancel_all.clicked.connect(self.cancel_all_requested)
        top = QHBoxLayout()
        top.addWidget(self.summary, 1)
        top.addWidget(cancel_queued)
        top.addWidget(cancel_all)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(top)
        layout.addWidget(self.tree)
        self._bars: dict[str, QProgressBar] = {}
        self.model.rowsInserted.connect(self._on_rows_inserted)
        self.model.dataChanged.connect(self._on_data_changed)
        for row in range(self.model.rowCount()):
            self._attach_bar(row)
        # Elapsed / ETA tick once a second; only that column is repainted.
        self._tick = QTimer(self)
        self._tick.setInterval(1000)
        self._tick.timeout.connect(self.model.tick)
        self._tick.start()
        delete = QShortcut(QKeySequence(Qt.Key.Key_Delete), self.tree)
        delete.setContext(Qt.ShortcutContext.WidgetShortcut)
        delete.activated.connect(self._cancel_current)

    # -- what the model knows, for the panel and tests --------------------------------
    def state_of(self, job_id: str) -> JobState | None:
        return self.model.state_of(job_id)

    def error_of(self, job_id: str) -> str:
        return self.model.error_of(job_id)

    def job_ids(self) -> list[str]:
        return self.model.job_ids()

    def add_job(
        self,
        job_id: str,
        model_name: str,
        *,
        state: JobState = JobState.QUEUED,
        submitted_at: str | None = None,
        error: str | None = None,
        details: str = "",
    ) -> None:
        """A row for a new job, or for one resumed from the journal."""
        self.model.add(
            job_id,
            model_name,
            state=state,
            submitted_at=submitted_at,
            error=error,
            details=details,
        )

    def apply_event(self, event: JobEvent) -> None:
        self.model.apply_event(event)

    def set_batch_progress(self, done: int, total: int) -> None:
        self.summary.setText(f"Batch ({done}/{total})" if total else "No jobs")

    def retry_allowed(self, job_id: str) -> bool:
        item = self.model.item(job_id)
        return item is not None and item.retry_allowed

    # -- drawing ------------------------------------------------------------------------
    def _on_rows_inserted(self, parent: QModelIndex, first: int, last: int) -> None:
        if not parent.isValid():
            for row in range(first, last + 1):
                self._attach_bar(row)
            return
        for row in range(first, last + 1):
            self.tree.setFirstColumnSpanned(row, parent, True)
        job_id = self.model.job_at(parent)
        item = self.model.item(job_id) if job_id else None
        if item is not None and item.error:
            self.tree.expand(parent)  # an error is shown at once

    def _attach_bar(self, row: int) -> None:
        index = self.model.index(row, 2)
        job_id = self.model.job_at(index)
        if job_id is None or job_id in self._bars:
            return
        bar = QProgressBar(self.tree)
        bar.setTextVisible(True)
        bar.setMaximumHeight(16)
        self._bars[job_id] = bar
        self.tree.setIndexWidget(index, bar)
        self._show_progress(index)

    def _on_data_changed(
        self, top_left: QModelIndex | QPersistentModelIndex, bottom_right: QModelIndex, *_: object
    ) -> None:
        if top_left.parent().isValid() or not top_left.column() <= 2 <= bottom_right.column():
            return
        for row in range(top_left.row(), bottom_right.row() + 1):
            self._show_progress(self.model.index(row, 2))

    def _show_progress(self, index: QModelIndex) -> None:
        job_id = self.model.job_at(index)
        bar = self._bars.get(job_id) if job_id else None
        value = self.model.data(index, PROGRESS_ROLE)
        if bar is None or value is None:
            return
        current, maximum, text = value
        bar.setRange(0, maximum)
        bar.setValue(current)
        bar.setFormat(text if text or maximum == 0 else "%p%")

    # -- actions ------------------------------------------------------------------------
    def _cancel_current(self) -> None:
        job_id = self.model.job_at(self.tree.currentIndex())
        if job_id and self.model.state_of(job_id) not in (None,) and not self._terminal(job_id):
            self.cancel_requested.emit(job_id)

    def _terminal(self, job_id: str) -> bool:
        state = self.model.state_of(job_id)
        return state is None or state.terminal

    def _menu(self, pos: QPoint) -> None:
        job_id = self.model.job_at(self.tree.indexAt(pos))
        item = self.model.item(job_id) if job_id else None
        if job_id is None or item is None:
            return
        menu = QMenu(self)
        if not item.state.terminal:
            menu.addAction("Cancel", lambda: self.cancel_requested.emit(job_id))
        if item.retry_allowed:
            menu.addAction("Retry", lambda: self.retry_requested.emit(job_id))
        menu.addAction("Compare this batch's takes", lambda: self.compare_requested.emit(job_id))
        if item.error:
            error = item.error
            menu.addAction("Copy message", lambda: QGuiApplication.clipboard().setText(error))
        if item.request_id:
            rid = item.request_id
            menu.addAction("Copy request id", lambda: QGuiApplication.clipboard().setText(rid))
        if not menu.isEmpty():
            menu.popup(self.tree.viewport().mapToGlobal(pos))
