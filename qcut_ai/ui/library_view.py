"""The library grid: a QListView over MediaListModel with lazy, off-thread thumbnails."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from PySide6.QtCore import (
    QAbstractListModel,
    QMimeData,
    QModelIndex,
    QPersistentModelIndex,
    QSize,
    Qt,
    Signal,
)
from PySide6.QtGui import QColor, QImage, QPixmap
from PySide6.QtWidgets import QAbstractItemView, QListView, QWidget

from qcut_ai.core.media import MediaItem
from qcut_ai.jobs.library_service import LibraryService
from qcut_ai.ui.mime import MEDIA_MIME, encode_items

THUMB = QSize(160, 90)
ItemRole = Qt.ItemDataRole.UserRole + 1
Index = QModelIndex | QPersistentModelIndex


def _placeholder() -> QPixmap:
    pix = QPixmap(THUMB)
    pix.fill(QColor("#2a2d33"))
    return pix


def _duration_text(seconds: float | None) -> str:
    if seconds is None:
        return ""
    whole = round(seconds)
    return f"{whole // 60}:{whole % 60:02d}"


class MediaListModel(QAbstractListModel):
    """Library items for views. Thumbnails are requested when a row is first shown."""

    def __init__(self, service: LibraryService, parent: Any = None) -> None:
        super().__init__(parent)
        self.service = service
        self.items: list[MediaItem] = []
        self._pixmaps: dict[str, QPixmap] = {}
        self._placeholder = _placeholder()
        service.thumbnail_ready.connect(self._on_thumbnail)

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.items)

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or index.row() >= len(self.items):
            return None
        item = self.items[index.row()]
        if role == Qt.ItemDataRole.DisplayRole:
            badge = _duration_text(item.probe.duration)
            return f"{item.name}\n{badge}" if badge else item.name
        if role == Qt.ItemDataRole.DecorationRole:
            thumb = item.thumbnail
            if thumb and thumb in self._pixmaps:
                return self._pixmaps[thumb]
            if thumb:
                self.service.request_thumbnail(thumb, THUMB)
            return self._placeholder
        if role == Qt.ItemDataRole.ToolTipRole:
            lines = [item.name]
            if item.model_name:
                lines.append(f"Model: {item.model_name}")
            if item.prompt:
                lines.append(f"Prompt: {item.prompt}")
            if item.request_id:
                lines.append(f"Request: {item.request_id}")
            if item.cost_estimate_usd is not None:
                lines.append(f"Estimated cost: ${item.cost_estimate_usd:.2f}")
            if item.missing:
                lines.append("File missing: use Relink")
            return "\n".join(lines)
        if role == ItemRole:
            return item
        return None

    def flags(self, index: Index) -> Qt.ItemFlag:
        base = super().flags(index)
        if index.isValid() and not self.items[index.row()].missing:
            return base | Qt.ItemFlag.ItemIsDragEnabled
        return base

    def mimeTypes(self) -> list[str]:
        return [MEDIA_MIME, "text/uri-list"]

    def mimeData(self, indexes: Sequence[QModelIndex]) -> QMimeData:
        rows = sorted({i.row() for i in indexes if i.isValid()})
        return encode_items([self.items[r] for r in rows if not self.items[r].missing])

    def supportedDragActions(self) -> Qt.DropAction:
        return Qt.DropAction.CopyAction

    def set_items(self, items: list[MediaItem]) -> None:
        self.beginResetModel()
        self.items = list(items)
        self.endResetModel()

    def add_item(self, item: MediaItem) -> None:
        if any(existing.id == item.id for existing in self.items):
            return
        self.beginInsertRows(QModelIndex(), 0, 0)
        self.items.insert(0, item)
        self.endInsertRows()

    def _on_thumbnail(self, path: str, image: QImage) -> None:
        # QPixmap is made here, on the GUI thread; workers only produce QImage.
        self._pixmaps[path] = QPixmap.fromImage(image)
        for row, item in enumerate(self.items):
            if item.thumbnail == path:
                idx = self.index(row)
                self.dataChanged.emit(idx, idx, [Qt.ItemDataRole.DecorationRole])


class LibraryView(QListView):
    """Grid of clips; drag starts the media MIME payload.

    Signals: item_selected(object), item_activated(object), items_dragged(object)
    """

    item_selected = Signal(object)
    item_activated = Signal(object)
    items_dragged = Signal(object)

    def __init__(self, model: MediaListModel, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("libraryView")
        self.setAccessibleName("Media library")
        self.setModel(model)
        self.setViewMode(QListView.ViewMode.IconMode)
        self.setIconSize(THUMB)
        self.setGridSize(QSize(THUMB.width() + 24, THUMB.height() + 52))
        # Uniform sizes keep layout O(visible): Qt never asks every row for a size hint.
        self.setUniformItemSizes(True)
        self.setResizeMode(QListView.ResizeMode.Adjust)
        self.setMovement(QListView.Movement.Static)
        self.setWordWrap(True)
        self.setTextElideMode(Qt.TextElideMode.ElideRight)
        self.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        self.setDragEnabled(True)
        self.setDragDropMode(QAbstractItemView.DragDropMode.DragOnly)
        self.activated.connect(self._on_activated)

    def selectionChanged(self, selected: Any, deselected: Any) -> None:
        super().selectionChanged(selected, deselected)
        items = self.selected_items()
        if items:
            self.item_selected.emit(items[0])

    def selected_items(self) -> list[MediaItem]:
        return [i.data(ItemRole) for i in self.selectedIndexes()]

    def _on_activated(self, index: QModelIndex) -> None:
        self.item_activated.emit(index.data(ItemRole))

    def startDrag(self, supported: Qt.DropAction) -> None:
        items = self.selected_items()
        if items:
            self.items_dragged.emit(items)
        super().startDrag(supported)
