"""The job list: one row per job with state, queue position, progress, elapsed / ETA and errors.

A passive view over the job manager's `JobListModel`: it shows rows, turns
clicks into signals, and never holds a job's state itself.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QModelIndex, QPersistentModelIndex, QPoint, Qt, QTimer, Signal
from PySide6.QtGui import QGuiApplication, QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QMenu,
    QMessageBox,
    QProgressBar,
    QPushButton,
    QToolButton,
    QTreeView,
    QVBoxLayout,
    QWidget,
)

from qcut_ai.core.events import JobEvent
from qcut_ai.core.job_state import JobState
from qcut_ai.jobs.job_items import (
    ACTION_COLUMN,
    PROGRESS_COLUMN,
    PROGRESS_ROLE,
    PROMPT_COLUMN,
    JobListModel,
)

# (parent, how many paid jobs run) -> whether to cancel them all; tests replace it.
CancelAllConfirm = Callable[[QWidget, int], bool]


def confirm_uncertain_retry(parent: QWidget) -> bool:
    """An uncertain submit may already run at fal: retry only on the user's word."""
    answer = QMessageBox.question(
        parent,
        "Retry an uncertain job?",
        "fal may already be running this job (check fal.ai/dashboard/requests). "
        "Retrying may pay for it twice. Retry anyway?",
    )
    return answer == QMessageBox.StandardButton.Yes


def confirm_cancel_paid(parent: QWidget, paid: int) -> bool:
    """Cancelling paid jobs at fal throws away what they have cost so far: ask first."""
    noun = "job is" if paid == 1 else "jobs are"
    answer = QMessageBox.question(
        parent,
        "Cancel all jobs?",
        f"{paid} paid {noun} running at fal. Cancelling stops them there; what they have "
        "used so far may still be charged. Cancel all?",
    )
    return answer == QMessageBox.StandardButton.Yes


class JobListWidget(QWidget):
    """Shows live and resumed jobs; never blocks (every action is a signal).

    Signals: cancel_requested(str), cancel_queued_requested(), cancel_all_requested(),
    retry_requested(str)
    `confirm_cancel_all` asks before "Cancel all" stops paid jobs (replaceable).
    """

    cancel_requested = Signal(str)
    cancel_queued_requested = Signal()
    cancel_all_requested = Signal()
    retry_requested = Signal(str)
    compare_requested = Signal(str)  # a job id: compare the takes of its batch
    history_requested = Signal()  # the summary's link to the jobs that left the list

    def __init__(self, parent: QWidget | None = None, *, model: JobListModel | None = None):
        super().__init__(parent)
        self.confirm_cancel_all: CancelAllConfirm = confirm_cancel_paid
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
        self.tree.setColumnWidth(0, 150)
        self.tree.setColumnWidth(PROMPT_COLUMN, 200)
        self.summary = QLabel("No jobs", self)
        self.summary.setObjectName("batchSummary")
        self.summary.setTextFormat(Qt.TextFormat.RichText)  # the link to History
        self.summary.linkActivated.connect(lambda _link: self.history_requested.emit())
        self._progress_text = "No jobs"
        cancel_queued = QPushButton("Cancel queued", self)
        cancel_queued.setObjectName("cancelQueuedButton")
        cancel_queued.setToolTip("Cancel the jobs not yet sent to fal")
        cancel_queued.clicked.connect(self.cancel_queued_requested)
        cancel_all = QPushButton("Cancel all", self)
        cancel_all.setObjectName("cancelAllButton")
        cancel_all.setToolTip("Cancel every job, at fal too")
        cancel_all.clicked.connect(self._cancel_all)
        self.cancel_all_button = cancel_all
        clear = QPushButton("Clear finished", self)
        clear.setObjectName("clearFinishedButton")
        clear.setToolTip("Remove finished jobs from this list (History keeps them)")
        clear.clicked.connect(self.clear_finished)
        self.clear_finished_button = clear
        self.cancel_queued_button = cancel_queued
        # In a narrow dock the secondary actions go into a "More" menu.
        more = QToolButton(self)
        more.setText("More")
        more.setObjectName("jobsMoreButton")
        more.setToolTip("Clear finished, cancel queued")
        more.setPopupMode(QToolButton.ToolButtonPopupMode.InstantPopup)
        menu = QMenu(more)
        menu.addAction("Clear finished", self.clear_finished)
        menu.addAction("Cancel queued", self.cancel_queued_requested.emit)
        more.setMenu(menu)
        more.hide()
        self.more_button = more
        top = QHBoxLayout()
        top.addWidget(self.summary, 1)
        top.addWidget(clear)
        top.addWidget(cancel_queued)
        top.addWidget(more)
        top.addWidget(cancel_all)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(top)
        layout.addWidget(self.tree)
        self._bars: dict[str, QProgressBar] = {}
        self._retry_buttons: dict[str, QPushButton] = {}
        self.model.rowsInserted.connect(self._on_rows_inserted)
        self.model.rowsRemoved.connect(self._on_rows_removed)
        self.model.dataChanged.connect(self._on_data_changed)
        self.model.retired_changed.connect(lambda _n: self._show_summary())
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
        prompt: str = "",
        paid: bool = False,
    ) -> None:
        """A row for a new job, or for one resumed from the journal."""
        self.model.add(
            job_id,
            model_name,
            state=state,
            submitted_at=submitted_at,
            error=error,
            details=details,
            prompt=prompt,
            paid=paid,
        )

    def apply_event(self, event: JobEvent) -> None:
        self.model.apply_event(event)

    def set_batch_progress(self, done: int, total: int) -> None:
        self._progress_text = f"Batch ({done}/{total})" if total else "No jobs"
        self._show_summary()

    def _show_summary(self) -> None:
        """The batch's progress, and where the finished jobs that left the list went."""
        retired = self.model.retired
        if not retired:
            self.summary.setText(self._progress_text)
            return
        noun = "job" if retired == 1 else "jobs"
        self.summary.setText(
            f"{self._progress_text} · {retired:,} earlier finished {noun} in "
            '<a href="history">History</a>'
        )

    def set_compact(self, compact: bool) -> None:
        """A narrow dock: Clear finished and Cancel queued move into the More menu."""
        self.clear_finished_button.setVisible(not compact)
        self.cancel_queued_button.setVisible(not compact)
        self.more_button.setVisible(compact)

    def clear_finished(self) -> None:
        """Remove finished rows from the list; the journal and History keep them."""
        self.model.remove_finished()

    def retry_button(self, job_id: str) -> QPushButton | None:
        """The row's Retry button while the job can be retried."""
        button = self._retry_buttons.get(job_id)
        return button if button is not None and self.retry_allowed(job_id) else None

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

    def _on_rows_removed(self, parent: QModelIndex, *_: object) -> None:
        if not parent.isValid():
            # The view deletes a removed row's widgets; forget them with it.
            for job_id in [j for j in self._bars if self.model.item(j) is None]:
                del self._bars[job_id]
                self._retry_buttons.pop(job_id, None)
            # Index widgets follow their rows, so the remaining rows keep theirs.
            for row in range(self.model.rowCount()):
                self._show_progress(self.model.index(row, PROGRESS_COLUMN))

    def _attach_bar(self, row: int) -> None:
        index = self.model.index(row, PROGRESS_COLUMN)
        job_id = self.model.job_at(index)
        if job_id is None or job_id in self._bars:
            return
        bar = QProgressBar(self.tree)
        bar.setTextVisible(True)
        bar.setMaximumHeight(16)
        self._bars[job_id] = bar
        self.tree.setIndexWidget(index, bar)
        retry = QPushButton("Retry")
        retry.setObjectName("retryJobButton")
        retry.setToolTip("Run this job again (only once fal is known to hold no result)")
        retry.setMaximumHeight(20)
        retry.clicked.connect(lambda: self.retry_requested.emit(job_id))
        self._retry_buttons[job_id] = retry
        # The view shows its index widgets whenever it lays them out, so the button sits
        # in a holder that stays, and only the button's visibility is the row's.
        holder = QWidget(self.tree)
        holder_layout = QHBoxLayout(holder)
        holder_layout.setContentsMargins(0, 0, 0, 0)
        retry.setParent(holder)
        holder_layout.addWidget(retry)
        self.tree.setIndexWidget(self.model.index(row, ACTION_COLUMN), holder)
        self._show_progress(index)

    def _on_data_changed(
        self, top_left: QModelIndex | QPersistentModelIndex, bottom_right: QModelIndex, *_: object
    ) -> None:
        column = PROGRESS_COLUMN
        if top_left.parent().isValid() or not top_left.column() <= column <= bottom_right.column():
            return
        for row in range(top_left.row(), bottom_right.row() + 1):
            self._show_progress(self.model.index(row, column))

    def _show_progress(self, index: QModelIndex) -> None:
        job_id = self.model.job_at(index)
        retry = self._retry_buttons.get(job_id) if job_id else None
        if retry is not None and job_id is not None:
            retry.setVisible(self.retry_allowed(job_id))
        bar = self._bars.get(job_id) if job_id else None
        value = self.model.data(index, PROGRESS_ROLE)
        if bar is None or value is None:
            return
        current, maximum, text = value
        bar.setRange(0, maximum)
        bar.setValue(current)
        bar.setFormat(text if text or maximum == 0 else "%p%")

    # -- actions ------------------------------------------------------------------------
    def _cancel_all(self) -> None:
        paid = self.model.paid_running()
        if paid and not self.confirm_cancel_all(self, paid):
            return
        self.cancel_all_requested.emit()

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
