"""The jobs of a session as the panel shows them: one item per job, one list model.

The journal is the truth about a job; `JobListModel` is the one in-memory
copy that the job manager updates (from the runner's events) and asks (what
is queued, what can be retried), and that the job list view only displays,
as qutebrowser's downloads do (item + manager + list model + passive view).
Rows are jobs, newest on top; a row's children are its error and log lines.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from PySide6.QtCore import (
    QAbstractItemModel,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    Qt,
    Signal,
)

from qcut_ai.core.events import JobEvent
from qcut_ai.core.job_state import ACTIVE_STATES, RETRYABLE_STATES, JobState, monotonic_at

COLUMNS = ("Model", "Prompt", "State", "Progress", "Started", "Elapsed / ETA", "")
MODEL_COLUMN, PROMPT_COLUMN, STATE_COLUMN, PROGRESS_COLUMN = 0, 1, 2, 3
STARTED_COLUMN, CLOCK_COLUMN, ACTION_COLUMN = 4, 5, 6
PROMPT_CHARS = 48  # the column shows the start; the tooltip the whole prompt
MAX_LOG_LINES = 200  # per job; fal can stream many lines for a long job
# Jobs that ended well kept in the list; older ones leave it for History, which
# lists every job. Each row costs the view two widgets and a share of every
# insert's layout, so a long session kept getting slower per job.
KEEP_DONE = 50
JOB_ID_ROLE = Qt.ItemDataRole.UserRole
PROGRESS_ROLE = Qt.ItemDataRole.UserRole + 1  # (value, maximum, text); maximum 0 = busy
_PARENT = Qt.ItemDataRole.UserRole + 2

Index = QModelIndex | QPersistentModelIndex


def elide(text: str, limit: int = PROMPT_CHARS) -> str:
    """One line of at most `limit` characters, ending in an ellipsis when cut."""
    line = " ".join(text.split())
    return line if len(line) <= limit else line[: limit - 1].rstrip() + "…"


def wall_at(stamp: str | None) -> datetime | None:
    """A journal timestamp in local time (None if absent or unreadable)."""
    if not stamp:
        return None
    try:
        return datetime.fromisoformat(stamp).astimezone()
    except ValueError:
        return None


def clock(seconds: float) -> str:
    seconds = max(0, int(seconds))
    return f"{seconds // 60}:{seconds % 60:02d}" if seconds >= 60 else f"{seconds} s"


@dataclass
class JobItem:
    """What the panel knows of one job besides the journal: its live state and lines."""

    job_id: str
    model_name: str
    state: JobState = JobState.QUEUED
    queue_position: int | None = None
    started: float = field(default_factory=time.monotonic)
    expected_s: float | None = None
    error: str = ""
    request_id: str | None = None
    details: str = ""
    prompt: str = ""
    # A live job can run on fal's bill; offline preview rehearsals cost nothing.
    paid: bool = False
    started_wall: datetime = field(default_factory=lambda: datetime.now().astimezone())
    bytes_done: int | None = None
    bytes_total: int | None = None
    lines: list[str] = field(default_factory=list)  # the error first, then fal's logs

    def apply(self, event: JobEvent) -> list[str]:
        """Take one event of this job (its state, position, bytes, error); the lines it
        brings (a new error, new log lines), for the caller to add with `add_lines`."""
        if event.model_name and self.model_name in ("", "?"):
            self.model_name = event.model_name
        if event.submitted_at:
            self.started = monotonic_at(event.submitted_at) or self.started
            self.started_wall = wall_at(event.submitted_at) or self.started_wall
        if event.expected_s is not None:
            self.expected_s = event.expected_s
        if event.request_id:
            self.request_id = event.request_id
        self.state = event.state
        self.queue_position = event.queue_position if event.state is JobState.IN_QUEUE else None
        if event.bytes_done is not None:
            self.bytes_done, self.bytes_total = event.bytes_done, event.bytes_total
        new: list[str] = []
        if event.error:
            new += self.set_error(event.error)
        elif event.state is JobState.DONE:
            self.error = ""
        room = MAX_LOG_LINES - len(self.lines) - len(new)
        return new + list(event.logs[: max(0, room)])

    def set_error(self, error: str) -> list[str]:
        """Record an error; the line to show for it (none when it is already shown)."""
        if error == self.error:
            return []
        self.error = error
        return [error]

    @property
    def started_text(self) -> str:
        """The local time the job started, with the date when it was not today."""
        today = datetime.now().astimezone().date()
        fmt = "%H:%M:%S" if self.started_wall.date() == today else "%Y-%m-%d %H:%M"
        return self.started_wall.strftime(fmt)

    @property
    def state_text(self) -> str:
        text = self.state.label
        if self.state is JobState.IN_QUEUE and self.queue_position is not None:
            text += f" (position {self.queue_position})"
        return text

    @property
    def progress(self) -> tuple[int, int, str]:
        """(value, maximum, text) of the row's bar; maximum 0 means busy with no figure."""
        if self.state is JobState.DOWNLOADING and self.bytes_done is not None:
            text = f"{self.bytes_done / 1e6:.1f} MB"
            if self.bytes_total:
                return int(100 * self.bytes_done / self.bytes_total), 100, text
            return 0, 0, text
        if self.state in ACTIVE_STATES:
            return 0, 0, ""
        if self.state is JobState.DONE:
            return 100, 100, "Done"
        if self.state.terminal:
            return 0, 100, self.state.label.split(":")[0]
        return 0, 100, ""

    def clock_text(self, now: float | None = None) -> str:
        elapsed = (time.monotonic() if now is None else now) - self.started
        text = clock(elapsed)
        if self.state in ACTIVE_STATES and self.expected_s:
            left = self.expected_s - elapsed
            text += f" · ~{clock(left)} left" if left > 0 else " · taking longer than usual"
        return text

    @property
    def retry_allowed(self) -> bool:
        # A job that stopped with an error in a non-final state (download refused,
        # stuck at fal) can be retried too: it continues rather than resubmits.
        return self.state is not JobState.DONE and (
            self.state in RETRYABLE_STATES or bool(self.error)
        )


class JobListModel(QAbstractItemModel):
    """The session's jobs, newest first, with their error and log lines as children.

    Only the newest `keep_done` jobs that ended well stay; `retired` counts those
    that moved on to History (`retired_changed(int)` says when it grows). Jobs that
    run, failed or were cancelled always stay: the user may still act on them.
    """

    retired_changed = Signal(int)

    def __init__(self, parent: QObject | None = None, *, keep_done: int = KEEP_DONE) -> None:
        super().__init__(parent)
        self.keep_done = keep_done
        self.retired = 0
        self._items: dict[str, JobItem] = {}  # in the order they were added
        self._order: list[str] = []  # display order: newest first
        # Rows the user cleared: a late event of theirs (a worker handing back its
        # record) must not bring them back.
        self._cleared: set[str] = set()

    # -- what others ask ------------------------------------------------------------
    def item(self, job_id: str) -> JobItem | None:
        return self._items.get(job_id)

    def job_ids(self) -> list[str]:
        """Every job shown, in the order they were added."""
        return list(self._items)

    def state_of(self, job_id: str) -> JobState | None:
        item = self._items.get(job_id)
        return item.state if item else None

    def error_of(self, job_id: str) -> str:
        item = self._items.get(job_id)
        return item.error if item else ""

    def job_at(self, index: Index) -> str | None:
        """The job of a row or of one of its lines."""
        if not index.isValid():
            return None
        row = index.internalId() - 1 if index.internalId() else index.row()
        return self._order[row] if 0 <= row < len(self._order) else None

    # -- changes -----------------------------------------------------------------
    def add(
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
    ) -> JobItem:
        """A row for a new job, or for one resumed from the journal (once per job)."""
        existing = self._items.get(job_id)
        if existing is not None:
            return existing
        self._cleared.discard(job_id)
        item = JobItem(job_id, model_name, state=state, details=details, prompt=prompt, paid=paid)
        item.started = monotonic_at(submitted_at) or item.started
        item.started_wall = wall_at(submitted_at) or item.started_wall
        if error:
            item.lines += item.set_error(error)
        self.beginInsertRows(QModelIndex(), 0, 0)
        self._items[job_id] = item
        self._order.insert(0, job_id)
        self.endInsertRows()
        return item

    def apply_event(self, event: JobEvent) -> None:
        if event.job_id in self._cleared:
            return
        item = self._items.get(event.job_id) or self.add(event.job_id, event.model_name or "?")
        self._changed(item, item.apply(event))
        if event.state is JobState.DONE:
            self.retire_done()

    def set_state(self, job_id: str, state: JobState) -> None:
        """A job's final state from its worker's record (its events may not have said it)."""
        item = self._items.get(job_id)
        if item is None:
            return
        item.state = state
        if state is JobState.DONE:
            self.retire_done()

    def retire_done(self) -> list[str]:
        """Drop the rows of jobs that ended well beyond the newest `keep_done`."""
        done = [job_id for job_id in self._order if self._items[job_id].state is JobState.DONE]
        gone = done[self.keep_done :]
        if gone:
            self._remove(gone)
            self.retired += len(gone)
            self.retired_changed.emit(self.retired)
        return gone

    def remove_finished(self) -> list[str]:
        """Drop the rows of jobs that ended (the journal and History keep them)."""
        gone = [job_id for job_id in self._order if self._items[job_id].state.terminal]
        self._remove(gone)
        return gone

    def _remove(self, gone: list[str]) -> None:
        for job_id in gone:
            row = self._order.index(job_id)
            self.beginRemoveRows(QModelIndex(), row, row)
            del self._order[row]
            del self._items[job_id]
            self._cleared.add(job_id)
            self.endRemoveRows()

    def running(self) -> int:
        """How many jobs shown have not ended yet."""
        return sum(1 for i in self._items.values() if not i.state.terminal)

    def paid_running(self) -> int:
        """How many jobs still running may be billed by fal."""
        return sum(1 for i in self._items.values() if i.paid and not i.state.terminal)

    def set_error(self, job_id: str, error: str) -> None:
        item = self._items.get(job_id)
        if item is not None:
            self._changed(item, item.set_error(error))

    def tick(self) -> None:
        """Elapsed / ETA move on: repaint that column of the jobs still running."""
        for row, job_id in enumerate(self._order):
            if not self._items[job_id].state.terminal:
                index = self.index(row, CLOCK_COLUMN)
                self.dataChanged.emit(index, index, [Qt.ItemDataRole.DisplayRole])

    def _changed(self, item: JobItem, new_lines: list[str]) -> None:
        row = self._order.index(item.job_id)
        parent = self.index(row, 0)
        if new_lines:
            first = len(item.lines)
            self.beginInsertRows(parent, first, first + len(new_lines) - 1)
            item.lines.extend(new_lines)
            self.endInsertRows()
        self.dataChanged.emit(self.index(row, 0), self.index(row, len(COLUMNS) - 1))

    # -- the model ----------------------------------------------------------------
    def index(self, row: int, column: int, parent: Index = QModelIndex()) -> QModelIndex:  # noqa: B008
        if not self.hasIndex(row, column, parent):
            return QModelIndex()
        if not parent.isValid():
            return self.createIndex(row, column, 0)
        # A line's internal id is its job row + 1 (0 marks a job row).
        return self.createIndex(row, column, parent.row() + 1)

    def parent(self, index: Index = QModelIndex()) -> QModelIndex:  # type: ignore[override]  # noqa: B008
        if not index.isValid() or index.internalId() == 0:
            return QModelIndex()
        return self.createIndex(index.internalId() - 1, 0, 0)

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        if not parent.isValid():
            return len(self._order)
        if parent.internalId() != 0 or parent.column() != 0:
            return 0
        return len(self._items[self._order[parent.row()]].lines)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return len(COLUMNS)

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return COLUMNS[section]
        return None

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        if index.internalId():
            return self._line_data(index, role)
        item = self._items[self._order[index.row()]]
        column = index.column()
        if role == JOB_ID_ROLE:
            return item.job_id
        if role == PROGRESS_ROLE and column == PROGRESS_COLUMN:
            return item.progress
        if role == Qt.ItemDataRole.DisplayRole:
            return (
                item.model_name,
                elide(item.prompt),
                item.state_text,
                "",
                item.started_text,
                item.clock_text(),
                "",
            )[column]
        if role == Qt.ItemDataRole.ToolTipRole:
            if column == MODEL_COLUMN and item.details:
                return item.details
            if column == PROMPT_COLUMN and item.prompt:
                return item.prompt
            if column == STATE_COLUMN and item.error:
                return item.error
        return None

    def _line_data(self, index: Index, role: int) -> Any:
        item = self._items[self._order[index.internalId() - 1]]
        line = item.lines[index.row()]
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.ToolTipRole):
            return line if index.column() == 0 else ""  # the view spans it over the row
        if role == JOB_ID_ROLE:
            return item.job_id
        return None
