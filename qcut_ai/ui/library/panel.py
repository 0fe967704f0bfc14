"""LibraryPanel: the library section of the media panel, ready to drop into a layout.

It composes the filter bar, the grid/list view, the details pane and the
context menu over one LibraryService, so every query, write, import and
thumbnail decode runs in workers.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QItemSelectionModel, QPoint, Qt, Signal
from PySide6.QtWidgets import QHBoxLayout, QLabel, QSplitter, QVBoxLayout, QWidget

from qcut_ai.core.project import ProjectPaths
from qcut_ai.jobs.library_queries import ImportOutcome, LibraryFacets
from qcut_ai.jobs.library_service import LibraryService
from qcut_ai.jobs.tasks import Runners
from qcut_ai.ui.library.details_pane import MediaDetailsPane
from qcut_ai.ui.library.filters import LibraryFilterBar
from qcut_ai.ui.library.import_bar import ImportBar
from qcut_ai.ui.library.menu import LibraryActions
from qcut_ai.ui.library.model import MediaListModel
from qcut_ai.ui.library.pool import MediaPool
from qcut_ai.ui.library.view import LibraryView

if TYPE_CHECKING:
    # The media records are pydantic models, loaded after the first paint.
    from qcut_ai.core.media import MediaItem, RelinkResult


class LibraryPanel(QWidget):
    """Search, filter, browse, preview-select, tag, rate, relink, import and drag library media.

    Signals:
        item_selected(object): the MediaItem the user selected
        item_activated(object): a MediaItem double-clicked or Enter
        items_dragged(object): list[MediaItem] whose drag started (ready items only)
        preview_requested(object): a MediaItem to preview (Space or the menu)
        derive_requested(str, object): an action of `derive_actions` ("extend", "edit",
            "lipsync", "continue", "upscale", "animate", ...), and the MediaItem
        error_reported(str): a one-sentence error for the user
        items_imported(object): list[MediaItem] an import added (or found already present)
        items_appeared(object): list[MediaItem] another process added, now shown
        item_entered(object): a MediaItem new to this panel's library, once per item
            however it came (a generation, an import, another process)
    """

    item_selected = Signal(object)
    item_activated = Signal(object)
    items_dragged = Signal(object)
    preview_requested = Signal(object)
    derive_requested = Signal(str, object)
    error_reported = Signal(str)
    items_imported = Signal(object)
    items_appeared = Signal(object)
    item_entered = Signal(object)

    def __init__(
        self,
        thumbnail_dir: Path | None = None,
        parent: QWidget | None = None,
        *,
        runners: Runners | None = None,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("libraryPanel")
        self.setAccessibleName("Library")
        self.project: ProjectPaths | None = None
        self.service = LibraryService(self, thumbnail_dir=thumbnail_dir, runners=runners)
        self.model = MediaListModel(self.service, self)
        self.view = LibraryView(self.model, self)
        self.view.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        self.filters = LibraryFilterBar(self)
        self.search = self.filters.search
        self.details = MediaDetailsPane(self)
        self.details.loaded = lambda: self.model.items
        self.library_actions = LibraryActions(self.service, self)
        self.status = QLabel(self)
        self.status.setObjectName("libraryStatus")
        self.import_bar = ImportBar(self)
        self.import_bar.cancel_requested.connect(self.service.cancel_import)
        self.progress = self.import_bar.progress
        self._imports = 0
        self._announced: set[int] = set()
        self.pool = MediaPool(self)

        beside = QSplitter(Qt.Orientation.Horizontal, self)
        beside.setObjectName("libraryBinSplit")
        beside.addWidget(self.pool.bin_list)
        beside.addWidget(self.pool.views)
        beside.setStretchFactor(1, 1)
        beside.setSizes([120, 400])
        split = QSplitter(Qt.Orientation.Vertical, self)
        split.setObjectName("librarySplit")
        split.addWidget(beside)
        split.addWidget(self.details)
        split.setStretchFactor(0, 3)
        split.setStretchFactor(1, 2)
        split.setSizes([360, 200])
        split.setCollapsible(0, False)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(4)
        layout.addWidget(self.filters)
        layout.addWidget(self.import_bar)
        layout.addWidget(split, 1)
        footer = QHBoxLayout()
        footer.addWidget(self.status, 1)
        footer.addWidget(self.pool.slider)
        layout.addLayout(footer)
        self._wire()

    def _wire(self) -> None:
        service, view, actions = self.service, self.view, self.library_actions
        self.filters.query_changed.connect(self.pool.refresh)
        self.filters.mode_changed.connect(self.pool.set_mode)
        self.filters.sort.activated.connect(lambda _i: self.pool.use_bar_order())
        self.filters.import_requested.connect(actions.choose_import_files)
        service.items_loaded.connect(self._on_loaded)
        service.facets_loaded.connect(self._on_facets)
        service.items_changed.connect(self._on_changed)
        service.items_removed.connect(self._on_removed)
        service.items_appeared.connect(self._on_appeared)
        service.relinked.connect(self._on_relinked)
        service.import_progress.connect(self._on_import_progress)
        service.import_finished.connect(self._on_imported)
        service.failed.connect(self.error_reported)
        view.item_selected.connect(self.item_selected)
        view.item_activated.connect(self.item_activated)
        view.items_dragged.connect(self.items_dragged)
        view.preview_requested.connect(self._preview)
        view.rename_requested.connect(actions.rename)
        view.remove_requested.connect(lambda items: actions.confirm_remove(items, None))
        view.files_dropped.connect(self.import_paths)
        view.customContextMenuRequested.connect(self._menu)
        view.selectionModel().selectionChanged.connect(self._show_details)
        actions.preview_requested.connect(self.preview_requested)
        actions.derive_requested.connect(self.derive_requested)
        actions.files_chosen.connect(self.import_paths)
        actions.error_reported.connect(self.error_reported)
        self.model.modelReset.connect(self._update_status)
        self.model.rowsInserted.connect(self._update_status)
        self.model.rowsRemoved.connect(self._update_status)

    # -- public API -------------------------------------------------------------
    def open(self, project: ProjectPaths) -> None:
        self._announced.clear()
        """Show `project`'s library (missing files are flagged in the background)."""
        self.project = project
        self.model.set_items([])
        self.details.show_item(None)
        self.service.query = self.pool.query()
        self.service.open(project)

    def add_item(self, item: MediaItem) -> None:
        """A new generation: shown at once when no filter hides it, else by a re-query."""
        self._add_items([item])

    def _add_items(self, items: list[MediaItem]) -> None:
        # One facets (and bins) reload for the lot: an import's rows appear fifty at a time.
        for item in items:
            self._entered(item)
        if self.service.query.is_default():
            for item in items:
                self.model.add_item(item)
        else:
            self.service.refresh()
        self.service.load_facets()
        self._refresh_details()  # a source names what was just made from it

    def _entered(self, item: MediaItem) -> None:
        if item.id not in self._announced:
            self._announced.add(item.id)
            self.item_entered.emit(item)

    def _on_appeared(self, items: list[MediaItem]) -> None:
        new = [item for item in items if self.model.row_of(item.id) is None]
        if new:
            self._add_items(new)
            self.items_appeared.emit(new)

    def update_item(self, item: MediaItem) -> None:
        """A newer state of an item already listed (its filmstrip, its hash): updated in
        place where it is shown, with no re-query."""
        self._on_changed([item])

    def refresh(self) -> None:
        self.service.refresh()

    def import_paths(self, paths: Sequence[Path]) -> None:
        """Import files in a worker; progress shows above the view."""
        if not paths or self.project is None:
            if self.project is None:
                self.error_reported.emit("Open a project before importing files.")
            return
        self._imports += 1
        self.import_bar.start(len(paths))
        self.service.import_files(list(paths))

    def relink(self, folder: Path) -> None:
        self.service.relink(folder)

    def selected_items(self) -> list[MediaItem]:
        return self.pool.selected_items()

    def shutdown(self) -> None:
        """Close any open dialog and stop the library workers."""
        if self.library_actions.dialog is not None:
            self.library_actions.dialog.reject()
        self.pool.shutdown()
        self.service.shutdown()

    # -- reactions --------------------------------------------------------------
    def _menu(self, pos: QPoint) -> None:
        index = self.view.indexAt(pos)
        if not index.isValid():
            return
        selection = self.view.selectionModel()
        if not selection.isSelected(index):
            flags = QItemSelectionModel.SelectionFlag.ClearAndSelect
            selection.setCurrentIndex(index, flags)
        self.library_actions.popup(
            self.view.selected_items(), self.view.viewport().mapToGlobal(pos)
        )

    def _preview(self, item: MediaItem) -> None:
        if item.missing:
            self.error_reported.emit(
                f"The file of “{item.display_name}” is missing: use Relink to find it."
            )
        else:
            self.preview_requested.emit(item)

    def _on_loaded(self, items: list[MediaItem]) -> None:
        selected = [i.id for i in self.view.selected_items()]
        if self.model.set_items(items) and selected:
            self.view.select_ids(selected)
        self._refresh_details()
        self._update_status()

    def _on_facets(self, facets: LibraryFacets) -> None:
        self.library_actions.known_tags = list(facets.tags)
        self.filters.set_facets(facets)

    def _on_changed(self, items: list[MediaItem]) -> None:
        self.model.update_items(items)
        self._refresh_details()

    def _on_removed(self, ids: list[int]) -> None:
        self.model.remove_ids(ids)
        self._refresh_details()

    def _on_relinked(self, result: RelinkResult) -> None:
        if result.still_missing and not result.relinked:
            self.error_reported.emit(
                "None of the missing files were found in that folder: "
                "choose the folder they were moved to."
            )
        elif result.still_missing:
            self.error_reported.emit(
                f"{result.relinked} file(s) relinked; {result.still_missing} are still missing: "
                "choose the folder that holds them."
            )

    def _on_import_progress(self, done: int, total: int) -> None:
        self.progress.setRange(0, total)
        self.progress.setValue(done)

    def _on_imported(self, outcome: ImportOutcome) -> None:
        self._imports = max(0, self._imports - 1)
        self.import_bar.setVisible(self._imports > 0)
        for error in outcome.errors:
            self.error_reported.emit(error)
        if outcome.items:
            for item in outcome.items:
                self._entered(item)
            self.items_imported.emit(outcome.items)

    def _show_details(self, *_args: Any) -> None:
        items = self.view.selected_items()
        self.details.show_item(items[0] if items else None)

    def _refresh_details(self) -> None:
        shown = self.details.item
        if shown is None:
            return
        row = self.model.row_of(shown.id)
        self.details.show_item(self.model.items[row] if row is not None else None)

    def _update_status(self, *_args: Any) -> None:
        count = self.model.rowCount()
        if count and self.service.has_more:  # more come as the view scrolls
            self.status.setText(f"{count}+ items")
        elif count:
            self.status.setText(f"{count} item{'s' if count != 1 else ''}")
        elif self.service.query.is_default():
            self.status.setText("No media yet: generate a clip or drop files here to import.")
        else:
            self.status.setText("Nothing matches the search and filters.")
