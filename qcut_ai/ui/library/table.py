"""The library's list view with columns: name, duration, resolution, fps, codec, model,
cost, rating, created. Sortable (in SQL: a header click re-queries), resizable, movable.

`MediaTableModel` shows the rows of the panel's MediaListModel as columns, so
both views share one page of items, one thumbnail cache and one drag payload.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import (
    QAbstractTableModel,
    QMimeData,
    QModelIndex,
    QPersistentModelIndex,
    Qt,
    Signal,
)
from PySide6.QtGui import QColor, QIcon, QKeyEvent, QPixmap
from PySide6.QtWidgets import QAbstractItemView, QHeaderView, QTableView, QWidget

from qcut_ai.core.bins import COLOUR_LABELS
from qcut_ai.ui.library.item_text import duration_text, model_label, stars
from qcut_ai.ui.library.model import ItemRole, MediaListModel

Index = QModelIndex | QPersistentModelIndex
# (column title, the MediaQuery sort it asks for)
COLUMNS: tuple[tuple[str, str], ...] = (
    ("Name", "name"),
    ("Duration", "duration"),
    ("Resolution", "resolution"),
    ("FPS", "fps"),
    ("Codec", "codec"),
    ("Model", "model"),
    ("Cost", "cost"),
    ("Rating", "rating"),
    ("Created", "created"),
)

if TYPE_CHECKING:
    # The media records are pydantic models, loaded after the first paint.
    from qcut_ai.core.media import MediaItem


def cell_text(item: MediaItem, column: int) -> str:
    p = item.probe
    key = COLUMNS[column][1]
    if key == "name":
        return item.display_name
    if key == "duration":
        return duration_text(p.duration)
    if key == "resolution":
        return f"{p.width}×{p.height}" if p.width and p.height else ""
    if key == "fps":
        return f"{p.fps:g}" if p.fps else ""
    if key == "codec":
        return p.video_codec or p.audio_codec or ""
    if key == "model":
        return model_label(item)
    if key == "cost":
        return f"${item.cost_estimate_usd:.2f}" if item.cost_estimate_usd is not None else ""
    if key == "rating":
        return stars(item.rating) + (" ♥" if item.favourite else "")
    return item.created_at[:16].replace("T", " ")


class MediaTableModel(QAbstractTableModel):
    """The list model's rows, one column per field (changes follow the list model)."""

    def __init__(self, source: MediaListModel, parent: Any = None) -> None:
        super().__init__(parent)
        self.source = source
        # Only the view on screen asks for more pages: a hidden list would fetch them all.
        self.shown = False
        self._swatches: dict[str, QIcon] = {}
        source.modelAboutToBeReset.connect(self.beginResetModel)
        source.modelReset.connect(self.endResetModel)
        source.rowsAboutToBeInserted.connect(
            lambda _p, first, last: self.beginInsertRows(QModelIndex(), first, last)
        )
        source.rowsInserted.connect(self.endInsertRows)
        source.rowsAboutToBeRemoved.connect(
            lambda _p, first, last: self.beginRemoveRows(QModelIndex(), first, last)
        )
        source.rowsRemoved.connect(self.endRemoveRows)
        source.dataChanged.connect(
            lambda top, bottom, *_: self.dataChanged.emit(
                self.index(top.row(), 0), self.index(bottom.row(), len(COLUMNS) - 1)
            )
        )

    @property
    def items(self) -> list[MediaItem]:
        return self.source.items

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else self.source.rowCount()

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(COLUMNS)

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = 0) -> Any:
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return COLUMNS[section][0]
        return None

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or index.row() >= len(self.items):
            return None
        item = self.items[index.row()]
        if role == Qt.ItemDataRole.DisplayRole:
            return cell_text(item, index.column())
        if role == Qt.ItemDataRole.EditRole and index.column() == 0:
            return item.display_name
        if role == Qt.ItemDataRole.DecorationRole and index.column() == 0:
            return self._swatch(item.colour)
        if role == ItemRole:
            return item
        if role == Qt.ItemDataRole.ToolTipRole and index.column() == 0:
            return self.source.data(self.source.index(index.row()), role)
        return None

    def _swatch(self, colour: str | None) -> QIcon | None:
        if colour not in COLOUR_LABELS:
            return None
        if colour not in self._swatches:
            pixmap = QPixmap(10, 10)
            pixmap.fill(QColor(COLOUR_LABELS[colour]))
            self._swatches[colour] = QIcon(pixmap)
        return self._swatches[colour]

    def setData(self, index: Index, value: Any, role: int = Qt.ItemDataRole.EditRole) -> bool:
        if index.column() != 0:
            return False
        return self.source.setData(self.source.index(index.row()), value, role)

    def flags(self, index: Index) -> Qt.ItemFlag:
        flags = self.source.flags(self.source.index(index.row()))
        if index.column() != 0:
            flags &= ~Qt.ItemFlag.ItemIsEditable
        return flags

    def mimeTypes(self) -> list[str]:
        return self.source.mimeTypes()

    def mimeData(self, indexes: Sequence[QModelIndex]) -> QMimeData:
        rows = sorted({i.row() for i in indexes if i.isValid()})
        return self.source.mimeData([self.source.index(r) for r in rows])

    def supportedDragActions(self) -> Qt.DropAction:
        return Qt.DropAction.CopyAction

    def canFetchMore(self, parent: Index = QModelIndex()) -> bool:  # noqa: B008
        return self.shown and not parent.isValid() and self.source.service.can_fetch_more()

    def fetchMore(self, parent: Index = QModelIndex()) -> None:  # noqa: B008
        self.source.fetchMore(parent)


class LibraryTable(QTableView):
    """Clips in columns; a header click asks for that order (the query sorts, in SQL).

    Signals:
        sort_requested(str, bool): a MediaQuery sort and whether it is descending
        items_dragged(object): list[MediaItem] (ready items only) whose drag started
        item_activated(object): a MediaItem double-clicked or Enter
        preview_requested(object): Space on a MediaItem
        remove_requested(object): Delete on list[MediaItem]
    """

    sort_requested = Signal(str, bool)
    items_dragged = Signal(object)
    item_activated = Signal(object)
    preview_requested = Signal(object)
    remove_requested = Signal(object)

    def __init__(self, model: MediaTableModel, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("libraryTable")
        self.setAccessibleName("Media library list")
        self.table_model = model
        self.setModel(model)
        # A table, not a tree: QTreeView fetches a page on every layout, a table only
        # when the last row scrolls into view. Fixed row heights keep layout O(visible).
        rows = self.verticalHeader()
        rows.hide()
        rows.setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
        rows.setDefaultSectionSize(self.fontMetrics().height() + 8)
        self.setShowGrid(False)
        self.setWordWrap(False)
        self.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        self.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.setDragEnabled(True)
        self.setDragDropMode(QAbstractItemView.DragDropMode.DragOnly)
        self.setDefaultDropAction(Qt.DropAction.CopyAction)
        header = self.horizontalHeader()
        header.setSectionsMovable(True)
        header.setSectionsClickable(True)
        header.setSortIndicatorShown(True)
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        header.setStretchLastSection(False)
        header.resizeSection(0, 220)
        header.setSortIndicator(-1, Qt.SortOrder.AscendingOrder)
        # Not setSortingEnabled: Qt would sort the page it holds; the query sorts all rows.
        header.sectionClicked.connect(self._clicked)
        self.activated.connect(lambda index: self.item_activated.emit(index.data(ItemRole)))

    def _clicked(self, section: int) -> None:
        header = self.horizontalHeader()
        descending = header.sortIndicatorOrder() == Qt.SortOrder.DescendingOrder
        self.sort_requested.emit(COLUMNS[section][1], descending)

    def show_sort(self, sort: str | None, descending: bool) -> None:
        """Show which column the rows are sorted by (none when the filter bar's order rules)."""
        keys = [key for _, key in COLUMNS]
        order = Qt.SortOrder.DescendingOrder if descending else Qt.SortOrder.AscendingOrder
        header = self.horizontalHeader()
        header.blockSignals(True)
        header.setSortIndicator(keys.index(sort) if sort in keys else -1, order)
        header.blockSignals(False)

    def selected_items(self) -> list[MediaItem]:
        rows = sorted({i.row() for i in self.selectionModel().selectedRows()})
        items = self.table_model.items
        return [items[r] for r in rows if r < len(items)]

    def edit_in_place(self, item: MediaItem, field: str = "name") -> bool:
        """Open the Name cell of `item` for editing; tags are edited on tiles only."""
        row = self.table_model.source.row_of(item.id)
        if row is None or field != "name" or not self.isVisible():
            return False
        index = self.table_model.index(row, 0)
        self.scrollTo(index)
        self.setCurrentIndex(index)
        self.edit(index)
        return self.state() == QAbstractItemView.State.EditingState

    def keyPressEvent(self, event: QKeyEvent) -> None:
        plain = event.modifiers() in (
            Qt.KeyboardModifier.NoModifier,
            Qt.KeyboardModifier.KeypadModifier,
        )
        items = self.selected_items()
        if plain and event.key() == Qt.Key.Key_F2 and items:
            self.edit_in_place(items[0])
            return
        if plain and event.key() == Qt.Key.Key_Space and items:
            self.preview_requested.emit(items[0])
            return
        if plain and event.key() in (Qt.Key.Key_Delete, Qt.Key.Key_Backspace) and items:
            self.remove_requested.emit(items)
            return
        super().keyPressEvent(event)

    def startDrag(self, supported: Qt.DropAction) -> None:
        items = [i for i in self.selected_items() if not i.missing]
        if items:
            self.items_dragged.emit(items)
            super().startDrag(supported)
