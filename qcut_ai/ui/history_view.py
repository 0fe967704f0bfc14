"""HistoryView: the project's recent generations, one row per batch, with "Run again".

The journal is read in a worker (the project database may be large or busy);
a batch is the one prompt and settings sent to one or more models, and each
model's row says how its job ended.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from pydantic import ValidationError
from PySide6.QtCore import Qt, QThreadPool, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from qcut_ai.core.errors import QcutError
from qcut_ai.core.jobs import JobState
from qcut_ai.core.requests import GenerationRequest
from qcut_ai.engine.journal import JobRecord
from qcut_ai.jobs.runnables import FunctionRunnable, start_task
from qcut_ai.services.paths import ProjectPaths

RECENT_JOBS = 600
RECENT_BATCHES = 100
_COLUMNS = ("Generation", "State", "Details", "When", "Cost")
_WHERE = Qt.ItemDataRole.UserRole + 1


def _money(usd: float | None) -> str:
    return "price unknown" if usd is None else f"${usd:.2f}"


@dataclass(frozen=True)
class HistoryJob:
    """One model's run within a batch, as the history shows it."""

    job_id: str
    model_id: str
    model_name: str
    state: JobState
    error: str | None
    estimate_usd: float | None
    download_path: str | None


@dataclass(frozen=True)
class HistoryBatch:
    """One prompt sent to one or more models; `request` is None if it can no longer be read."""

    batch_id: str
    created_at: str
    request: GenerationRequest | None
    jobs: tuple[HistoryJob, ...]

    @property
    def model_ids(self) -> list[str]:
        return list(dict.fromkeys(job.model_id for job in self.jobs))

    @property
    def cost_text(self) -> str:
        """The batch's estimated cost, saying how many models had no known price."""
        known = [j.estimate_usd for j in self.jobs if j.estimate_usd is not None]
        unknown = len(self.jobs) - len(known)
        if not known:
            return _money(None)
        total = _money(sum(known))
        return f"{total} + {unknown} price unknown" if unknown else total


def _request_of(raw: dict[str, Any]) -> GenerationRequest | None:
    try:
        return GenerationRequest.model_validate(raw)
    except ValidationError:
        return None  # written by another version of the app; shown, but not re-runnable


def group_batches(records: Iterable[JobRecord], limit: int = RECENT_BATCHES) -> list[HistoryBatch]:
    """Journal rows (any order) grouped by batch, newest batch first, models in their order."""
    rows: dict[str, list[JobRecord]] = {}
    for record in records:
        rows.setdefault(record.batch_id, []).append(record)
    batches = []
    for batch_id, members in rows.items():
        members.sort(key=lambda r: r.position)
        jobs = tuple(
            HistoryJob(
                r.id, r.model_id, r.model_name, r.state, r.error, r.estimate_usd, r.download_path
            )
            for r in members
        )
        created = min(r.created_at for r in members)
        batches.append(HistoryBatch(batch_id, created, _request_of(members[0].request), jobs))
    batches.sort(key=lambda b: b.created_at, reverse=True)
    return batches[:limit]


def load_history(project: ProjectPaths) -> list[HistoryBatch]:
    """The project's recent batches; a project never generated in has none (no file is made)."""
    if not project.database.exists():
        return []
    from qcut_ai.engine.journal import JobJournal
    from qcut_ai.library.db import open_project_db

    db = open_project_db(project)
    try:
        records = JobJournal(db).recent(limit=RECENT_JOBS)
    finally:
        db.close()
    return group_batches(records)


def settings_text(request: GenerationRequest | None) -> str:
    """The request's options in a few words: `5 s · 1080p · 16:9 · audio · seed 7`."""
    if request is None:
        return "Saved by another version: cannot be run again"
    parts: list[str] = []
    if request.duration is not None:
        parts.append(f"{request.duration} s")
    parts += [v for v in (request.resolution, request.aspect_ratio) if v]
    if request.generate_audio is not None:
        parts.append("audio" if request.generate_audio else "no audio")
    if request.seed is not None:
        parts.append(f"seed {request.seed}")
    inputs = [
        name
        for name, value in (
            ("image", request.image),
            ("last frame", request.end_image),
            ("audio file", request.audio),
            ("video", request.video),
        )
        if value
    ]
    parts += inputs
    if request.negative_prompt:
        parts.append("negative prompt")
    if request.extras:
        parts.append(f"{len(request.extras)} extra setting(s)")
    return " · ".join(parts) or "model defaults"


def _when(stamp: str) -> str:
    try:
        return datetime.fromisoformat(stamp).astimezone().strftime("%Y-%m-%d %H:%M")
    except ValueError:
        return stamp


class HistoryView(QWidget):
    """Recent generations of the open project, grouped by batch.

    Select a batch to act on all its models, or one model's row for just that model.

    Signals:
        run_again_requested(list, object): model ids and the GenerationRequest to run as is
        edit_requested(list, object): model ids and the GenerationRequest to edit first
        history_loaded(int): the number of batches now shown
        load_failed(str): the history could not be read, in one sentence
    """

    run_again_requested = Signal(list, object)
    edit_requested = Signal(list, object)
    history_loaded = Signal(int)
    load_failed = Signal(str)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("historyView")
        self.setAccessibleName("Generation history")
        self.project: ProjectPaths | None = None
        self.batches: list[HistoryBatch] = []
        self._generation = 0
        self._tasks: set[FunctionRunnable] = set()

        self.status = QLabel(self)
        self.status.setObjectName("historyStatus")
        self.status.setWordWrap(True)
        self.tree = QTreeWidget(self)
        self.tree.setObjectName("historyTree")
        self.tree.setAccessibleName("Recent generations")
        self.tree.setHeaderLabels(list(_COLUMNS))
        self.tree.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.tree.setUniformRowHeights(True)
        self.tree.setColumnWidth(0, 260)
        self.tree.setColumnWidth(2, 180)
        header = self.tree.header()
        for column in (1, 3, 4):
            header.setSectionResizeMode(column, QHeaderView.ResizeMode.ResizeToContents)
        self.tree.itemSelectionChanged.connect(self._update_buttons)
        self.run_again_button = QPushButton("Run again", self)
        self.run_again_button.setObjectName("historyRunAgain")
        self.run_again_button.setToolTip("Run the same prompt and settings on the same models.")
        self.run_again_button.clicked.connect(self.run_again)
        self.edit_button = QPushButton("Edit and run…", self)
        self.edit_button.setObjectName("historyEditRun")
        self.edit_button.setToolTip("Load the prompt and settings into the form to change them.")
        self.edit_button.clicked.connect(self.edit_and_run)
        self.refresh_button = QPushButton("Refresh", self)
        self.refresh_button.setObjectName("historyRefresh")
        self.refresh_button.clicked.connect(self.refresh)

        buttons = QHBoxLayout()
        buttons.addWidget(self.run_again_button)
        buttons.addWidget(self.edit_button)
        buttons.addStretch(1)
        buttons.addWidget(self.refresh_button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.status)
        layout.addWidget(self.tree, 1)
        layout.addLayout(buttons)
        self.set_project(None)

    # -- public API ------------------------------------------------------------------
    def set_project(self, project: ProjectPaths | None) -> None:
        self.project = project
        self.refresh()

    def refresh(self) -> None:
        """Reload the history in a worker; answers for an older project are dropped."""
        self._generation += 1
        if self.project is None:
            self._show([], "Open a project to see its generations.")
            return
        self.status.setText("Loading history…")
        self.refresh_button.setEnabled(False)
        project, generation = self.project, self._generation

        def work(_emit: object, _abort: object) -> tuple[int, list[HistoryBatch] | str]:
            # A user-facing error travels with its generation, so a stale one is dropped too.
            try:
                return generation, load_history(project)
            except QcutError as exc:
                return generation, exc.user_text()

        start_task(
            QThreadPool.globalInstance(), work, self._on_loaded, self._on_failed, self._tasks
        )

    def selection(self) -> tuple[list[str], GenerationRequest] | None:
        """Model ids and request of the selected batch (or model row), if it can be run."""
        items = self.tree.selectedItems()
        if not items:
            return None
        batch_index, job_index = items[0].data(0, _WHERE)
        batch = self.batches[batch_index]
        if batch.request is None:
            return None
        ids = batch.model_ids if job_index is None else [batch.jobs[job_index].model_id]
        return ids, batch.request.model_copy(deep=True)

    def run_again(self) -> None:
        chosen = self.selection()
        if chosen is not None:
            self.run_again_requested.emit(*chosen)

    def edit_and_run(self) -> None:
        chosen = self.selection()
        if chosen is not None:
            self.edit_requested.emit(*chosen)

    # -- answers from the worker -----------------------------------------------------------
    def _on_loaded(self, answer: tuple[int, list[HistoryBatch] | str]) -> None:
        generation, batches = answer
        if generation != self._generation:
            return
        if isinstance(batches, str):
            self._on_failed(batches)
            return
        self._show(batches, "" if batches else "No generations yet in this project.")
        self.history_loaded.emit(len(batches))

    def _on_failed(self, message: str) -> None:
        self._show([], message)
        self.load_failed.emit(message)

    # -- drawing -------------------------------------------------------------------------------
    def _show(self, batches: list[HistoryBatch], note: str) -> None:
        # A refresh keeps the selected batch (or model row) selected.
        kept = self._selected_place()
        self.batches = batches
        self.tree.clear()
        current: QTreeWidgetItem | None = None
        for index, batch in enumerate(batches):
            item = self._batch_item(index, batch)
            self.tree.addTopLevelItem(item)
            item.setExpanded(True)
            if kept is not None and kept[0] == batch.batch_id:
                row = kept[1]
                current = item.child(row) if row is not None else item
        current = current or self.tree.topLevelItem(0)
        if current is not None:
            self.tree.setCurrentItem(current)
        self.status.setText(note)
        self.status.setVisible(bool(note))
        self.refresh_button.setEnabled(self.project is not None)
        self._update_buttons()

    def _selected_place(self) -> tuple[str, int | None] | None:
        items = self.tree.selectedItems()
        if not items:
            return None
        batch_index, job_index = items[0].data(0, _WHERE)
        return self.batches[batch_index].batch_id, job_index

    def _batch_item(self, index: int, batch: HistoryBatch) -> QTreeWidgetItem:
        request = batch.request
        prompt = (request.prompt or "").strip() if request else ""
        counts = Counter(job.state.label.lower() for job in batch.jobs)
        state = " · ".join(f"{n} {label}" for label, n in counts.items())
        item = QTreeWidgetItem(
            [
                prompt or "(no prompt)",
                state,
                settings_text(request),
                _when(batch.created_at),
                batch.cost_text,
            ]
        )
        item.setData(0, _WHERE, (index, None))
        names = ", ".join(job.model_name for job in batch.jobs)
        item.setToolTip(0, f"{prompt}\n\nModels: {names}" if prompt else f"Models: {names}")
        for position, job in enumerate(batch.jobs):
            detail = job.error or (Path(job.download_path).name if job.download_path else "")
            child = QTreeWidgetItem(
                [job.model_name, job.state.label, detail, "", _money(job.estimate_usd)]
            )
            child.setData(0, _WHERE, (index, position))
            child.setToolTip(2, detail)
            item.addChild(child)
        return item

    def _update_buttons(self) -> None:
        runnable = self.selection() is not None
        self.run_again_button.setEnabled(runnable)
        self.edit_button.setEnabled(runnable)
