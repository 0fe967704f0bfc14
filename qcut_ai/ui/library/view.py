"""The library's grid/list view: lazy thumbnails, hover scrubbing, drag and drop."""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import (
    QEvent,
    QMimeData,
    QModelIndex,
    QPersistentModelIndex,
    QSize,
    Qt,
    Signal,
)
from PySide6.QtGui import (
    QDragEnterEvent,
    QDragMoveEvent,
    QDropEvent,
    QKeyEvent,
    QMouseEvent,
    QPixmap,
)
from PySide6.QtWidgets import QAbstractItemView, QListView, QWidget

from qcut_ai.core.media_kinds import STRIP_FRAME_WIDTH
from qcut_ai.ui.library.model import ItemRole, MediaListModel
from qcut_ai.ui.library.tile import LIST_THUMB, THUMB_WIDTHS, MediaDelegate
from qcut_ai.ui.mime import MEDIA_MIME

if TYPE_CHECKING:
    # The media records are pydantic models, loaded after the first paint.
    from qcut_ai.core.media import MediaItem

Index = QModelIndex | QPersistentModelIndex


class LibraryView(QListView):
    """Grid or list of clips: hover scrubs the filmstrip, drag carries the media MIME payload.

    Signals:
        item_selected(object): the first selected MediaItem
        item_activated(object): a MediaItem double-clicked or Enter
        items_dragged(object): list[MediaItem] (ready items only) whose drag started
        preview_requested(object): Space on a MediaItem
        rename_requested(object): F2 on a MediaItem
        remove_requested(object): Delete on list[MediaItem]
        files_dropped(object): list[Path] dropped from the file manager
    """

    item_selected = Signal(object)
    item_activated = Signal(object)
    items_dragged = Signal(object)
    preview_requested = Signal(object)
    rename_requested = Signal(object)
    remove_requested = Signal(object)
    files_dropped = Signal(object)

    def __init__(self, model: MediaListModel, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("libraryView")
        self.setAccessibleName("Media library")
        self.media_model = model
        self.setModel(model)
        self.delegate = MediaDelegate(self)
        self.setItemDelegate(self.delegate)
        self.hover_row: int | None = None
        self.hover_fraction = 0.0
        self.mode = ""
        self._selected_id: int | None = None
        self.set_mode("grid")
        self.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        self.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.setMouseTracking(True)
        self.viewport().setMouseTracking(True)
        self.activated.connect(lambda index: self.item_activated.emit(index.data(ItemRole)))
        model.modelReset.connect(self._on_reset)

    def _on_reset(self) -> None:
        # A reset drops the selection without a selectionChanged signal.
        self._selected_id = None
        self.hover_row = None

    def set_mode(self, mode: str) -> None:
        """Show a "grid" of tiles or a "list" with one clip and its details per line."""
        grid = mode == "grid"
        self.mode = "grid" if grid else "list"
        self.setViewMode(QListView.ViewMode.IconMode if grid else QListView.ViewMode.ListMode)
        self.setIconSize(self.delegate.grid_thumb if grid else LIST_THUMB)
        self.setGridSize(self.delegate.cell_size() if grid else QSize())
        # Uniform sizes keep layout O(visible): Qt never asks every row for a size hint.
        self.setUniformItemSizes(True)
        self.setResizeMode(QListView.ResizeMode.Adjust)
        self.setMovement(QListView.Movement.Static)
        self.setWrapping(grid)
        self.setWordWrap(False)
        self.setSpacing(0)
        # setViewMode and a static movement switch dragging and dropping off; turn them back on.
        self.setDragEnabled(True)
        self.setAcceptDrops(True)
        self.viewport().setAcceptDrops(True)
        self.setDragDropMode(QAbstractItemView.DragDropMode.DragDrop)
        self.setDefaultDropAction(Qt.DropAction.CopyAction)

    def set_thumb_width(self, width: int) -> int:
        """Grid tiles `width` pixels wide (16:9 pictures), within THUMB_WIDTHS; the width used."""
        width = min(max(int(width), THUMB_WIDTHS[0]), THUMB_WIDTHS[1])
        self.delegate.grid_thumb = QSize(width, round(width * 9 / 16))
        self.media_model.set_thumb_size(self.delegate.grid_thumb)
        if self.mode == "grid":
            self.setIconSize(self.delegate.grid_thumb)
            self.setGridSize(self.delegate.cell_size())
        return width

    def edit_in_place(self, item: MediaItem, field: str = "name") -> bool:
        """Open an editor on `item`'s tile for its "name" or "tags"; False when not shown."""
        row = self.media_model.row_of(item.id)
        if row is None or not self.isVisible():
            return False
        index = self.media_model.index(row)
        self.scrollTo(index)
        self.delegate.editing = field
        self.setCurrentIndex(index)
        self.edit(index)
        return self.state() == QAbstractItemView.State.EditingState

    def showEvent(self, event: Any) -> None:
        self.media_model.device_pixel_ratio = self.devicePixelRatioF()
        super().showEvent(event)

    # -- selection and activation -----------------------------------------------
    def selectionChanged(self, selected: Any, deselected: Any) -> None:
        super().selectionChanged(selected, deselected)
        items = self.selected_items()
        first = items[0].id if items else None
        # A reload that restores the same selection is not a new choice.
        if first is not None and first != self._selected_id:
            self.item_selected.emit(items[0])
        self._selected_id = first

    def selected_items(self) -> list[MediaItem]:
        rows = sorted({i.row() for i in self.selectedIndexes()})
        return [self.media_model.items[r] for r in rows if r < len(self.media_model.items)]

    def current_item(self) -> MediaItem | None:
        index = self.currentIndex()
        if index.isValid() and self.selectionModel().isSelected(index):
            item: MediaItem = index.data(ItemRole)
            return item
        items = self.selected_items()
        return items[0] if items else None

    def select_ids(self, ids: Iterable[int]) -> None:
        """Select the rows of these media ids (after a reload)."""
        wanted = set(ids)
        rows = [r for r, i in enumerate(self.media_model.items) if i.id in wanted]
        # Restoring a selection is not a new choice: item_selected stays quiet.
        self._selected_id = self.media_model.items[rows[0]].id if rows else None
        selection = self.selectionModel()
        selection.clearSelection()
        for row in rows:
            index = self.media_model.index(row)
            selection.select(index, selection.SelectionFlag.Select)
            selection.setCurrentIndex(index, selection.SelectionFlag.Select)

    def keyPressEvent(self, event: QKeyEvent) -> None:
        key, mods = event.key(), event.modifiers()
        plain = mods in (Qt.KeyboardModifier.NoModifier, Qt.KeyboardModifier.KeypadModifier)
        if key in (Qt.Key.Key_Delete, Qt.Key.Key_Backspace) and plain:
            if self.selected_items():
                self.remove_requested.emit(self.selected_items())
            return
        if key == Qt.Key.Key_Space and plain:
            item = self.current_item()
            if item is not None:
                self.preview_requested.emit(item)
            return
        if key == Qt.Key.Key_F2 and plain:
            item = self.current_item()
            if item is not None:
                self.rename_requested.emit(item)
            return
        super().keyPressEvent(event)

    # -- hover scrubbing --------------------------------------------------------
    def mouseMoveEvent(self, event: QMouseEvent) -> None:
        self._hover(event.position().toPoint())
        super().mouseMoveEvent(event)

    def viewportEvent(self, event: QEvent) -> bool:
        if event.type() == QEvent.Type.Leave:
            self._set_hover(None, 0.0)
        return super().viewportEvent(event)

    def _hover(self, pos: Any) -> None:
        index = self.indexAt(pos)
        if not index.isValid():
            self._set_hover(None, 0.0)
            return
        thumb = self.delegate.thumb_rect(self.visualRect(index))
        if not thumb.contains(pos):
            self._set_hover(None, 0.0)
            return
        fraction = (pos.x() - thumb.left()) / max(1, thumb.width())
        self._set_hover(index.row(), min(max(fraction, 0.0), 0.999))

    def _set_hover(self, row: int | None, fraction: float) -> None:
        previous = self.hover_row
        self.hover_row, self.hover_fraction = row, fraction
        for r in {previous, row}:
            if r is not None and r < self.media_model.rowCount():
                self.viewport().update(self.visualRect(self.media_model.index(r)))

    def scrub_frame(self, row: int) -> tuple[QPixmap, int, int] | None:
        """The filmstrip, frame index and frame count shown for `row`, or None for the poster."""
        if row != self.hover_row or row >= len(self.media_model.items):
            return None
        item = self.media_model.items[row]
        strip = self.media_model.pixmap(item.filmstrip, None) if not item.missing else None
        if strip is None or strip.isNull():
            return None
        frames = max(1, round(strip.width() / STRIP_FRAME_WIDTH))
        return strip, min(frames - 1, int(self.hover_fraction * frames)), frames

    # -- drag out, drop in ------------------------------------------------------
    def startDrag(self, supported: Qt.DropAction) -> None:
        items = [i for i in self.selected_items() if not i.missing]
        if items:
            self.items_dragged.emit(items)
            super().startDrag(supported)

    @staticmethod
    def dropped_files(mime: QMimeData) -> list[Path]:
        """Local files in a drop from outside (our own drags are never re-imported)."""
        if mime.hasFormat(MEDIA_MIME) or not mime.hasUrls():
            return []
        return [Path(u.toLocalFile()) for u in mime.urls() if u.isLocalFile()]

    def dragEnterEvent(self, event: QDragEnterEvent) -> None:
        self._accept_files(event)

    def dragMoveEvent(self, event: QDragMoveEvent) -> None:
        self._accept_files(event)

    def _accept_files(self, event: QDragMoveEvent) -> None:
        if self.dropped_files(event.mimeData()):
            event.setDropAction(Qt.DropAction.CopyAction)
            event.accept()
        else:
            event.ignore()

    def dropEvent(self, event: QDropEvent) -> None:
        files = self.dropped_files(event.mimeData())
        if not files:
            event.ignore()
            return
        event.setDropAction(Qt.DropAction.CopyAction)
        event.accept()
        self.files_dropped.emit(files)
