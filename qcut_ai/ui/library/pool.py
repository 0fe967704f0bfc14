"""The library as an editor's media pool: bins beside the clips, a list with columns,
tile sizes, colour labels, editing in place, Ctrl+F to search.

`MediaPool` builds these parts for a LibraryPanel and wires them to its
service, view and menu; the panel only places the widgets.
"""

from __future__ import annotations

import base64
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QByteArray, QObject, QPoint, Qt, QTimer
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import QSlider, QStackedWidget

from qcut_ai.core.media_query import MediaQuery
from qcut_ai.jobs.bin_service import BinService
from qcut_ai.jobs.library_view_prefs import ViewPrefs
from qcut_ai.ui.library.bin_list import BinList
from qcut_ai.ui.library.bin_menu import BinMenu
from qcut_ai.ui.library.table import LibraryTable, MediaTableModel
from qcut_ai.ui.library.tile import GRID_THUMB, THUMB_WIDTHS

if TYPE_CHECKING:
    from qcut_ai.core.media import MediaItem
    from qcut_ai.ui.library.panel import LibraryPanel

# Column resizes and moves come in bursts while dragging: saved once it settles.
SAVE_DELAY_MS = 400


class MediaPool(QObject):
    """Bins, the column list, the tile-size slider and their remembered state for a panel."""

    def __init__(self, panel: LibraryPanel) -> None:
        super().__init__(panel)
        self.panel = panel
        service = panel.service
        self.bins = BinService(service, self)
        self.bin_list = BinList(panel)
        self.table = LibraryTable(MediaTableModel(panel.model, self), panel)
        self.table.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        self.menu = BinMenu(self.bins, service.runners, panel)
        self.menu.project = lambda: panel.project
        self.prefs = ViewPrefs(service.runners, self)
        self.slider = QSlider(Qt.Orientation.Horizontal, panel)
        self.slider.setObjectName("libraryThumbSize")
        self.slider.setAccessibleName("Thumbnail size")
        self.slider.setToolTip("Thumbnail size")
        self.slider.setRange(*THUMB_WIDTHS)
        self.slider.setValue(GRID_THUMB.width())
        self.slider.setMaximumWidth(140)
        self.views = QStackedWidget(panel)
        self.views.setObjectName("libraryViews")
        self.views.addWidget(panel.view)
        self.views.addWidget(self.table)
        self.shown_bin: int | None = None
        self.column_sort: tuple[str, bool] | None = None  # set by a header click
        self._restoring = False
        self._selected_ids: list[int] = []
        self._save_timer = QTimer(self)
        self._save_timer.setSingleShot(True)
        self._save_timer.setInterval(SAVE_DELAY_MS)
        self._save_timer.timeout.connect(self.save_columns)
        self.find = QShortcut(QKeySequence(QKeySequence.StandardKey.Find), panel)
        self.find.setContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
        self.find.activated.connect(self.focus_search)
        self._wire()
        self.prefs.load()

    def _wire(self) -> None:
        panel, bins, bin_list, table = self.panel, self.bins, self.bin_list, self.table
        actions = panel.library_actions
        actions.menu_extensions.append(self.menu.add_bin_entries)
        actions.inline_editor = self.edit_in_place
        bins.bins_loaded.connect(bin_list.set_bins)
        bin_list.bin_chosen.connect(self.show_bin)
        bin_list.create_requested.connect(bins.create)
        bin_list.rename_requested.connect(bins.rename)
        bin_list.delete_requested.connect(bins.delete)
        bin_list.items_dropped.connect(bins.move_ids)
        bin_list.error_reported.connect(panel.error_reported)
        self.menu.error_reported.connect(panel.error_reported)
        panel.model.edit_refused.connect(panel.error_reported)
        panel.service.facets_loaded.connect(lambda _f: bins.load())
        table.sort_requested.connect(self.sort_by_column)
        table.items_dragged.connect(panel.items_dragged)
        table.item_activated.connect(panel.item_activated)
        table.preview_requested.connect(panel.view.preview_requested)
        table.remove_requested.connect(panel.view.remove_requested)
        table.customContextMenuRequested.connect(self._table_menu)
        table.selectionModel().selectionChanged.connect(self._table_selected)
        header = table.horizontalHeader()
        header.sectionResized.connect(self._columns_changed)
        header.sectionMoved.connect(self._columns_changed)
        self.slider.valueChanged.connect(self._thumb_size)
        self.slider.sliderReleased.connect(self._save_thumb_size)
        self.prefs.loaded.connect(self._restore)
        # A reload resets the rows; the list keeps the clips the user had selected.
        panel.model.modelAboutToBeReset.connect(self._remember_selection)
        panel.model.modelReset.connect(self._restore_selection)

    # -- what is shown ---------------------------------------------------------------
    def query(self, base: MediaQuery | None = None) -> MediaQuery:
        """The filter bar's query, in the chosen bin, in a column's order when one was clicked."""
        query = (base or self.panel.filters.query()).with_(bin=self.shown_bin)
        if self.column_sort is not None:
            sort, descending = self.column_sort
            query = query.with_(sort=sort, descending=descending)
        return query

    def refresh(self, base: MediaQuery | None = None) -> None:
        self.panel.service.refresh(self.query(base))

    def show_bin(self, bin_id: int | None) -> None:
        self.shown_bin = bin_id
        self.refresh()

    def sort_by_column(self, sort: str, descending: bool) -> None:
        self.column_sort = (sort, descending)
        self.table.show_sort(sort, descending)
        self.refresh()

    def use_bar_order(self) -> None:
        """The filter bar's Sort was chosen: it orders the rows again, not the column."""
        self.column_sort = None
        self.table.show_sort(None, False)
        self.refresh()

    def set_mode(self, mode: str) -> None:
        self.table.table_model.shown = mode == "table"
        self.panel.model.shown = mode != "table"
        if mode == "table":
            self.views.setCurrentWidget(self.table)
        else:
            self.panel.view.set_mode(mode)
            self.views.setCurrentWidget(self.panel.view)
        self.slider.setVisible(mode == "grid")

    def active_view(self) -> Any:
        return self.table if self.views.currentWidget() is self.table else self.panel.view

    def selected_items(self) -> list[MediaItem]:
        items: list[MediaItem] = self.active_view().selected_items()
        return items

    def edit_in_place(self, item: MediaItem, field: str) -> bool:
        if field == "tags" and self.active_view() is self.table:
            return False  # no tags column: the dialog edits them
        return bool(self.active_view().edit_in_place(item, field))

    def focus_search(self) -> None:
        self.panel.search.setFocus(Qt.FocusReason.ShortcutFocusReason)
        self.panel.search.selectAll()

    def _table_menu(self, pos: QPoint) -> None:
        index = self.table.indexAt(pos)
        if not index.isValid():
            return
        if not self.table.selectionModel().isSelected(index):
            self.table.setCurrentIndex(index)
        self.panel.library_actions.popup(
            self.table.selected_items(), self.table.viewport().mapToGlobal(pos)
        )

    def _table_selected(self, *_args: Any) -> None:
        items = self.table.selected_items()
        self.panel.details.show_item(items[0] if items else None)
        if items:
            self.panel.item_selected.emit(items[0])

    def _remember_selection(self) -> None:
        self._selected_ids = [i.id for i in self.table.selected_items()]

    def _restore_selection(self) -> None:
        wanted, self._selected_ids = set(self._selected_ids), []
        rows = [r for r, i in enumerate(self.panel.model.items) if i.id in wanted]
        selection = self.table.selectionModel()
        flags = selection.SelectionFlag.Select | selection.SelectionFlag.Rows
        for row in rows:
            selection.select(self.table.table_model.index(row, 0), flags)

    # -- remembered per user -----------------------------------------------------------
    def _thumb_size(self, width: int) -> None:
        self.panel.view.set_thumb_width(width)
        if not self.slider.isSliderDown() and not self._restoring:
            self._save_thumb_size()

    def _save_thumb_size(self) -> None:
        self.prefs.save({"thumb_width": self.slider.value()})

    def _columns_changed(self, *_args: Any) -> None:
        if not self._restoring:
            self._save_timer.start()

    def save_columns(self) -> None:
        self._save_timer.stop()
        state = bytes(self.table.horizontalHeader().saveState().data())
        self.prefs.save({"columns": base64.b64encode(state).decode("ascii")})

    def _restore(self, values: dict[str, Any]) -> None:
        self._restoring = True
        try:
            width = values.get("thumb_width")
            if isinstance(width, int):
                self.slider.setValue(width)
            columns = values.get("columns")
            if isinstance(columns, str) and columns:
                state = QByteArray(base64.b64decode(columns.encode("ascii")))
                self.table.horizontalHeader().restoreState(state)
                self.table.show_sort(None, False)  # the order is the query's, not the state's
        except ValueError:
            pass  # a damaged value: the defaults stay
        finally:
            self._restoring = False

    def shutdown(self) -> None:
        if self._save_timer.isActive():
            self.save_columns()
        if self.menu.dialog is not None:
            self.menu.dialog.reject()
