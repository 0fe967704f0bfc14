"""HistoryView: the project's generations, one row per batch, with "Run again".

The journal is read in a worker (the project database may be large or busy),
one page of batches at a time: the newest first, older ones as the list is
scrolled to its end. A batch is the one prompt and settings sent to one or
more models, and each model's row says how its job ended.
"""

from __future__ import annotations

from collections import Counter
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import Qt, Signal
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

from qcut_ai.core.batches import (
    HISTORY_PAGE,
    HistoryBatch,
    money_text,
    settings_text,
    when_text,
)
from qcut_ai.core.project import ProjectPaths
from qcut_ai.core.successors import rerun_models
from qcut_ai.jobs.reads import KeptReads
from qcut_ai.jobs.tasks import TaskRunner, default_runners

if TYPE_CHECKING:
    from qcut_ai.core.catalog_index import Catalog
    from qcut_ai.core.requests import GenerationRequest
    from qcut_ai.jobs.reads import HistoryPage


def _catalog() -> Catalog:
    from qcut_ai.core.catalog import load_catalog  # loaded after the window's first paint

    return load_catalog()


_COLUMNS = ("Generation", "State", "Details", "When", "Cost")
_WHERE = Qt.ItemDataRole.UserRole + 1


class HistoryView(QWidget):
    """Recent generations of the open project, grouped by batch.

    Select a batch to act on all its models, or one model's row for just that model.

    Signals:
        run_again_requested(list, object): model ids and the GenerationRequest to run as is
        edit_requested(list, object): model ids and the GenerationRequest to edit first
        history_loaded(int): the number of batches now shown (after a reload or an older
            page)
        load_failed(str): the history could not be read, in one sentence
    """

    run_again_requested = Signal(list, object)
    edit_requested = Signal(list, object)
    compare_requested = Signal(str)  # a batch id: compare (or reopen the comparison of) its takes
    history_loaded = Signal(int)
    load_failed = Signal(str)

    def __init__(self, parent: QWidget | None = None, *, runner: TaskRunner | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("historyView")
        self.setAccessibleName("Generation history")
        self.project: ProjectPaths | None = None
        self.batches: list[HistoryBatch] = []
        self._runner = runner or default_runners().database
        self._reads = KeptReads()  # on connections kept on the runner's thread
        self._runner.at_shutdown(self._reads.close)
        self._cursor: str | None = None  # where the next older page starts; None: no more
        self._shown_for: ProjectPaths | None = None  # whose batches `batches` are

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
        # Scrolled to the end (or a page too short to scroll): the next page.
        scroll = self.tree.verticalScrollBar()
        scroll.valueChanged.connect(self._near_end)
        scroll.rangeChanged.connect(self._near_end)
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
        self.compare_button = QPushButton("Compare takes", self)
        self.compare_button.setObjectName("historyCompare")
        self.compare_button.clicked.connect(self._compare)
        buttons.addWidget(self.compare_button)
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
        """Reload the history in a worker (as many batches as are shown, at least a page);
        answers for an older project are dropped."""
        self._runner.cancel(("history-older", id(self)))
        if self.project is None:
            self._runner.cancel(("history", id(self)))
            self._cursor = None
            self._show([], "Open a project to see its generations.")
            return
        self.status.setText("Loading history…")
        self.refresh_button.setEnabled(False)
        project, reads = self.project, self._reads
        shown = len(self.batches) if self._shown_for == project else 0
        limit = max(HISTORY_PAGE, shown)
        self._runner.start(
            lambda _abort, _progress: reads.history_page(project, limit=limit),
            lambda page: self._on_loaded(project, page),
            self._on_failed,
            key=("history", id(self)),  # newest answer wins
            receiver=self,
            name="load history",
        )

    def loading(self) -> bool:
        """True while a history load has not answered."""
        return self._runner.has(("history", id(self))) or self._runner.has(
            ("history-older", id(self))
        )

    def has_older(self) -> bool:
        """True when the journal holds batches older than those shown."""
        return self._cursor is not None

    def load_older(self) -> None:
        """Append the next page of older batches, read in a worker (once at a time)."""
        project, before, reads = self.project, self._cursor, self._reads
        if project is None or before is None or self.loading():
            return
        shown = [batch.batch_id for batch in self.batches]
        self._runner.start(
            lambda _abort, _progress: reads.history_page(
                project, limit=HISTORY_PAGE, before=before, shown=shown
            ),
            lambda page: self._on_older(project, page),
            self._on_older_failed,
            key=("history-older", id(self)),
            receiver=self,
            name="load older history",
        )

    def _near_end(self, *_: int) -> None:
        scroll = self.tree.verticalScrollBar()
        if self.has_older() and scroll.value() >= scroll.maximum():
            self.load_older()

    def selection(self) -> tuple[list[str], GenerationRequest] | None:
        """Model ids and request of the selected batch (or model row), if it can be run;
        a model fal retired since gives way to its successor (`rerun_notes` says so)."""
        items = self.tree.selectedItems()
        if not items:
            return None
        batch_index, job_index = items[0].data(0, _WHERE)
        batch = self.batches[batch_index]
        if batch.request is None:
            return None
        ids = batch.model_ids if job_index is None else [batch.jobs[job_index].model_id]
        rerun = rerun_models(ids, _catalog())
        if not rerun.model_ids:
            return None
        return list(rerun.model_ids), batch.request.model_copy(deep=True)

    def rerun_notes(self) -> tuple[str, ...]:
        """Why Run again uses other models than the selection ran on (retired since)."""
        items = self.tree.selectedItems()
        if not items:
            return ()
        batch_index, job_index = items[0].data(0, _WHERE)
        batch = self.batches[batch_index]
        ids = batch.model_ids if job_index is None else [batch.jobs[job_index].model_id]
        return rerun_models(ids, _catalog()).notes

    def run_again(self) -> None:
        chosen = self.selection()
        if chosen is not None:
            self.run_again_requested.emit(*chosen)

    def edit_and_run(self) -> None:
        chosen = self.selection()
        if chosen is not None:
            self.edit_requested.emit(*chosen)

    def _compare(self) -> None:
        if place := self._selected_place():
            self.compare_requested.emit(place[0])

    # -- answers from the worker -----------------------------------------------------------
    def _on_loaded(self, project: ProjectPaths, page: HistoryPage) -> None:
        self._shown_for, self._cursor = project, page.cursor
        batches = page.batches
        self._show(batches, "" if batches else "No generations yet in this project.")
        self.history_loaded.emit(len(batches))
        self._near_end()

    def _on_older(self, project: ProjectPaths, page: HistoryPage) -> None:
        if project != self.project or project != self._shown_for:
            return  # the project changed meanwhile; its reload supersedes this page
        self._cursor = page.cursor
        first = len(self.batches)
        self.batches = [*self.batches, *page.batches]
        for index, batch in enumerate(page.batches, first):
            item = self._batch_item(index, batch)
            self.tree.addTopLevelItem(item)
            item.setExpanded(True)
        self.history_loaded.emit(len(self.batches))
        self._near_end()

    def _on_older_failed(self, message: str) -> None:
        # What is shown stays; the sentence says why no older batches came.
        self.status.setText(message)
        self.status.setVisible(True)
        self.load_failed.emit(message)

    def _on_failed(self, message: str) -> None:
        self._cursor = None
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
                when_text(batch.created_at),
                batch.cost_text,
            ]
        )
        item.setData(0, _WHERE, (index, None))
        names = ", ".join(job.model_name for job in batch.jobs)
        item.setToolTip(0, f"{prompt}\n\nModels: {names}" if prompt else f"Models: {names}")
        catalog = _catalog()
        for position, job in enumerate(batch.jobs):
            detail = job.error or (Path(job.download_path).name if job.download_path else "")
            name = job.model_name
            if job.model_id in catalog and not catalog.get(job.model_id).active:
                name = f"{name} ({catalog.get(job.model_id).retired_text})"
            child = QTreeWidgetItem(
                [name, job.state.label, detail, "", money_text(job.estimate_usd)]
            )
            child.setData(0, _WHERE, (index, position))
            child.setToolTip(2, detail)
            item.addChild(child)
        return item

    def _update_buttons(self) -> None:
        runnable = self.selection() is not None
        self.run_again_button.setEnabled(runnable)
        self.edit_button.setEnabled(runnable)
        notes = self.rerun_notes()
        self.run_again_button.setToolTip(
            " ".join(notes) if notes else "Run the same prompt and settings on the same models."
        )
        if notes:
            self.status.setText(" ".join(notes))
            self.status.setVisible(True)
