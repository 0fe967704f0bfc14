"""The job list: one row per job with state, queue position, progress, elapsed / ETA and errors."""

from __future__ import annotations

import time

from PySide6.QtCore import QPoint, Qt, QTimer, Signal
from PySide6.QtGui import QGuiApplication, QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QMenu,
    QProgressBar,
    QPushButton,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from qcut_ai.core.jobs import JobState
from qcut_ai.engine.events import JobEvent
from qcut_ai.engine.journal import monotonic_at

COLUMNS = ("Model", "State", "Progress", "Elapsed / ETA")
ACTIVE = {JobState.SUBMITTED, JobState.IN_QUEUE, JobState.GENERATING, JobState.SUBMITTING}
RETRYABLE = {JobState.FAILED, JobState.CANCELLED, JobState.UNKNOWN}
MAX_LOG_LINES = 200  # per job; fal can stream many lines for a long job


def _clock(seconds: float) -> str:
    seconds = max(0, int(seconds))
    return f"{seconds // 60}:{seconds % 60:02d}" if seconds >= 60 else f"{seconds} s"


class _Row:
    """What one row knows besides its texts."""

    def __init__(self, item: QTreeWidgetItem, bar: QProgressBar) -> None:
        self.item = item
        self.bar = bar
        self.state = JobState.QUEUED
        self.started = time.monotonic()
        self.expected_s: float | None = None
        self.error = ""
        self.request_id: str | None = None
        self.log_lines = 0
        self.stuck = False


class JobListWidget(QWidget):
    """Shows live and resumed jobs; never blocks (every action is a signal).

    Signals: cancel_requested(str), cancel_queued_requested(), cancel_all_requested(),
    retry_requested(str)
    """

    cancel_requested = Signal(str)
    cancel_queued_requested = Signal()
    cancel_all_requested = Signal()
    retry_requested = Signal(str)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("jobList")
        self.tree = QTreeWidget(self)
        self.tree.setObjectName("jobTree")
        self.tree.setAccessibleName("Jobs")
        self.tree.setHeaderLabels(list(COLUMNS))
        self.tree.setRootIsDecorated(True)
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
        self._rows: dict[str, _Row] = {}
        # Elapsed / ETA tick once a second; only this widget's texts change.
        self._tick = QTimer(self)
        self._tick.setInterval(1000)
        self._tick.timeout.connect(self._update_clocks)
        self._tick.start()
        delete = QShortcut(QKeySequence(Qt.Key.Key_Delete), self.tree)
        delete.setContext(Qt.ShortcutContext.WidgetShortcut)
        delete.activated.connect(self._cancel_current)

    # -- rows ------------------------------------------------------------------
    def row(self, job_id: str) -> QTreeWidgetItem | None:
        row = self._rows.get(job_id)
        return row.item if row else None

    def state_of(self, job_id: str) -> JobState | None:
        row = self._rows.get(job_id)
        return row.state if row else None

    def error_of(self, job_id: str) -> str:
        row = self._rows.get(job_id)
        return row.error if row else ""

    def job_ids(self) -> list[str]:
        return list(self._rows)

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
        if job_id in self._rows:
            return
        item = QTreeWidgetItem([model_name, state.label, "", ""])
        item.setData(0, Qt.ItemDataRole.UserRole, job_id)
        if details:
            item.setToolTip(0, details)
        self.tree.insertTopLevelItem(0, item)
        bar = QProgressBar(self.tree)
        bar.setTextVisible(True)
        bar.setMaximumHeight(16)
        bar.setRange(0, 0 if state in ACTIVE else 100)
        bar.setValue(0)
        self.tree.setItemWidget(item, 2, bar)
        row = _Row(item, bar)
        row.started = monotonic_at(submitted_at) or time.monotonic()
        self._rows[job_id] = row
        self._set_state(row, state)
        if error:
            self._set_error(row, error)

    def set_batch_progress(self, done: int, total: int) -> None:
        self.summary.setText(f"Batch ({done}/{total})" if total else "No jobs")

    def apply_event(self, event: JobEvent) -> None:
        row = self._rows.get(event.job_id)
        if row is None:
            self.add_job(event.job_id, event.model_name or "?")
            row = self._rows[event.job_id]
        if event.submitted_at:
            row.started = monotonic_at(event.submitted_at) or row.started
        if event.expected_s is not None:
            row.expected_s = event.expected_s
        if event.request_id:
            row.request_id = event.request_id
        self._set_state(row, event.state, event.queue_position)
        if event.bytes_done is not None:
            if event.bytes_total:
                row.bar.setRange(0, 100)
                row.bar.setValue(int(100 * event.bytes_done / event.bytes_total))
            row.bar.setFormat(f"{event.bytes_done / 1e6:.1f} MB")
        if event.error:
            self._set_error(row, event.error)
        elif event.state is JobState.DONE:
            row.error = ""
        for line in event.logs:
            if row.log_lines < MAX_LOG_LINES:
                QTreeWidgetItem(row.item, ["", line])
                row.log_lines += 1
        self._update_clock(row)

    def _set_state(self, row: _Row, state: JobState, queue_position: int | None = None) -> None:
        row.state = state
        text = state.label
        if state is JobState.IN_QUEUE and queue_position is not None:
            text += f" (position {queue_position})"
        row.item.setText(1, text)
        if state in ACTIVE:
            row.bar.setRange(0, 0)  # busy: fal gives no percentage
            row.bar.setFormat("")
        elif state is JobState.DONE:
            row.bar.setRange(0, 100)
            row.bar.setValue(100)
            row.bar.setFormat("Done")
        elif state.terminal:
            row.bar.setRange(0, 100)
            row.bar.setValue(0)
            row.bar.setFormat(state.label.split(":")[0])

    def _set_error(self, row: _Row, error: str) -> None:
        if error == row.error:
            return
        row.error = error
        row.item.setToolTip(1, error)
        child = QTreeWidgetItem(row.item, ["", error])
        child.setToolTip(1, error)
        child.setFirstColumnSpanned(True)
        child.setText(0, error)
        row.item.setExpanded(True)

    # -- clocks ------------------------------------------------------------------
    def _update_clocks(self) -> None:
        for row in self._rows.values():
            if not row.state.terminal:
                self._update_clock(row)

    def _update_clock(self, row: _Row) -> None:
        elapsed = time.monotonic() - row.started
        text = _clock(elapsed)
        if row.state in ACTIVE and row.expected_s:
            left = row.expected_s - elapsed
            text += f" · ~{_clock(left)} left" if left > 0 else " · taking longer than usual"
        row.item.setText(3, text)

    # -- actions ------------------------------------------------------------------
    def _current_job(self) -> str | None:
        item = self.tree.currentItem()
        while item is not None and item.parent() is not None:
            item = item.parent()
        return item.data(0, Qt.ItemDataRole.UserRole) if item is not None else None

    def _cancel_current(self) -> None:
        job_id = self._current_job()
        if job_id and not self._rows[job_id].state.terminal:
            self.cancel_requested.emit(job_id)

    def retry_allowed(self, job_id: str) -> bool:
        row = self._rows.get(job_id)
        # A job that stopped with an error in a non-final state (download refused,
        # stuck at fal) can be retried too: it continues rather than resubmits.
        return row is not None and (row.state in RETRYABLE or bool(row.error))

    def _menu(self, pos: QPoint) -> None:
        item = self.tree.itemAt(pos)
        while item is not None and item.parent() is not None:
            item = item.parent()
        if item is None:
            return
        job_id = item.data(0, Qt.ItemDataRole.UserRole)
        row = self._rows[job_id]
        menu = QMenu(self)
        if not row.state.terminal:
            menu.addAction("Cancel", lambda: self.cancel_requested.emit(job_id))
        if self.retry_allowed(job_id) and row.state is not JobState.DONE:
            menu.addAction("Retry", lambda: self.retry_requested.emit(job_id))
        if row.error:
            error = row.error
            menu.addAction("Copy message", lambda: QGuiApplication.clipboard().setText(error))
        if row.request_id:
            rid = row.request_id
            menu.addAction("Copy request id", lambda: QGuiApplication.clipboard().setText(rid))
        if not menu.isEmpty():
            menu.popup(self.tree.viewport().mapToGlobal(pos))
