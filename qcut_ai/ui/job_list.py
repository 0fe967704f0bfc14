"""The job list: one row per job with state, queue position, progress, elapsed and errors."""

from __future__ import annotations

import time

from PySide6.QtCore import QPoint, Qt, Signal
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QMenu,
    QPushButton,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from qcut_ai.core.jobs import JobState
from qcut_ai.engine.events import JobEvent

COLUMNS = ("Model", "State", "Progress", "Elapsed")


class JobListWidget(QWidget):
    """Shows live jobs.

    Signals: cancel_requested(str), cancel_all_requested()
    """

    cancel_requested = Signal(str)
    cancel_all_requested = Signal()

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
        self.summary = QLabel("No jobs", self)
        self.summary.setObjectName("batchSummary")
        cancel_all = QPushButton("Cancel all", self)
        cancel_all.setObjectName("cancelAllButton")
        cancel_all.clicked.connect(self.cancel_all_requested)
        top = QHBoxLayout()
        top.addWidget(self.summary, 1)
        top.addWidget(cancel_all)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(top)
        layout.addWidget(self.tree)
        self._rows: dict[str, QTreeWidgetItem] = {}
        self._started: dict[str, float] = {}
        self._states: dict[str, JobState] = {}

    def row(self, job_id: str) -> QTreeWidgetItem | None:
        return self._rows.get(job_id)

    def state_of(self, job_id: str) -> JobState | None:
        return self._states.get(job_id)

    def add_job(self, job_id: str, model_name: str) -> None:
        item = QTreeWidgetItem([model_name, JobState.QUEUED.label, "", ""])
        item.setData(0, Qt.ItemDataRole.UserRole, job_id)
        self.tree.insertTopLevelItem(0, item)
        self._rows[job_id] = item
        self._states[job_id] = JobState.QUEUED
        self._started[job_id] = time.monotonic()

    def set_batch_progress(self, done: int, total: int) -> None:
        self.summary.setText(f"Batch ({done}/{total})" if total else "No jobs")

    def apply_event(self, event: JobEvent) -> None:
        item = self._rows.get(event.job_id)
        if item is None:
            self.add_job(event.job_id, event.model_name or "?")
            item = self._rows[event.job_id]
        self._states[event.job_id] = event.state
        state = event.state.label
        if event.state is JobState.IN_QUEUE and event.queue_position is not None:
            state += f" (position {event.queue_position})"
        item.setText(1, state)
        if event.bytes_done is not None:
            total = event.bytes_total or 0
            pct = (
                f"{100 * event.bytes_done / total:.0f}%"
                if total
                else f"{event.bytes_done // 1024} KB"
            )
            item.setText(2, pct)
        elif event.state is JobState.DONE:
            item.setText(2, "100%")
        elapsed = time.monotonic() - self._started.get(event.job_id, time.monotonic())
        item.setText(3, f"{elapsed:.0f} s")
        if event.request_id:
            item.setToolTip(0, f"Request id: {event.request_id}")
        if event.error:
            item.setText(2, "")
            item.setToolTip(1, event.error)
            QTreeWidgetItem(item, ["", event.error])
        for line in event.logs:
            QTreeWidgetItem(item, ["", line])

    def _menu(self, pos: QPoint) -> None:
        item = self.tree.itemAt(pos)
        while item is not None and item.parent() is not None:
            item = item.parent()
        if item is None:
            return
        job_id = item.data(0, Qt.ItemDataRole.UserRole)
        menu = QMenu(self)
        state = self._states.get(job_id)
        if state is not None and not state.terminal:
            menu.addAction("Cancel", lambda: self.cancel_requested.emit(job_id))
        error = item.toolTip(1)
        if error:
            menu.addAction("Copy message", lambda: QGuiApplication.clipboard().setText(error))
        menu.popup(self.tree.viewport().mapToGlobal(pos))
