"""The library's item model: the rows of the current query, with lazy thumbnails."""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import (
    QAbstractListModel,
    QMimeData,
    QModelIndex,
    QPersistentModelIndex,
    QSize,
    Qt,
    Signal,
)
from PySide6.QtGui import (
    QColor,
    QImage,
    QPixmap,
)

from qcut_ai.jobs.library_service import LibraryService
from qcut_ai.ui.library.item_text import (
    duration_text,
    model_label,
    parse_tags,
    summary_line,
    tooltip_html,
)
from qcut_ai.ui.library.tile import GRID_THUMB
from qcut_ai.ui.mime import MEDIA_MIME, encode_items

if TYPE_CHECKING:
    # The media records are pydantic models, loaded after the first paint.
    from qcut_ai.core.media import MediaItem

THUMB = GRID_THUMB
PIXMAP_CACHE_ENTRIES = 400  # posters (and hovered filmstrips) kept decoded, latest used first
ItemRole = Qt.ItemDataRole.UserRole + 1
BadgesRole = Qt.ItemDataRole.UserRole + 2  # list[str]: duration, model, "Missing"
TagsRole = Qt.ItemDataRole.UserRole + 3  # the tags as typed in place: "coast, night"
EMPTY_NAME = "A name cannot be empty: type at least one character."
Index = QModelIndex | QPersistentModelIndex


class MediaListModel(QAbstractListModel):
    """Library items for views, a page at a time.

    The service delivers a query's first page; the view asks for the next
    ones (canFetchMore/fetchMore) as it scrolls to the end. Thumbnails are
    decoded in workers when a row is first painted.

    Names and tags edited in place are written through the service; the row
    keeps what it shows until the write comes back, so a refused edit loses
    nothing.

    Signals:
        edit_refused(str): one sentence saying why an edit typed in place was not kept
    """

    edit_refused = Signal(str)

    def __init__(self, service: LibraryService, parent: Any = None) -> None:
        super().__init__(parent)
        self.service = service
        self.items: list[MediaItem] = []
        self.device_pixel_ratio = 1.0
        self.thumb_size = QSize(THUMB)  # what posters are decoded to fit (grows with the tiles)
        # False while the column list shows these rows instead: the hidden grid must not
        # fetch pages (the list asks through its own model).
        self.shown = True
        self._pixmaps: OrderedDict[str, QPixmap] = OrderedDict()
        self._placeholder = QPixmap(THUMB)
        self._placeholder.fill(QColor("#2a2d33"))
        service.thumbnail_ready.connect(self._on_thumbnail)
        service.more_loaded.connect(self.append_items)

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.items)

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or index.row() >= len(self.items):
            return None
        item = self.items[index.row()]
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.EditRole):
            return item.display_name
        if role == TagsRole:
            return ", ".join(item.tags)
        if role == Qt.ItemDataRole.DecorationRole:
            return self.pixmap(item.thumbnail) or self._placeholder
        if role == Qt.ItemDataRole.ToolTipRole:
            return tooltip_html(item)
        if role == Qt.ItemDataRole.AccessibleTextRole:
            return f"{item.display_name}, {summary_line(item)}"
        if role == ItemRole:
            return item
        if role == BadgesRole:
            badges = [duration_text(item.probe.duration), model_label(item)]
            return [b for b in badges if b] + (["Missing"] if item.missing else [])
        return None

    def setData(self, index: Index, value: Any, role: int = Qt.ItemDataRole.EditRole) -> bool:
        """An edit typed in place: a new name (EditRole) or tags (TagsRole)."""
        if not index.isValid() or index.row() >= len(self.items):
            return False
        item = self.items[index.row()]
        text = str(value)
        if role == TagsRole:
            tags = parse_tags(text)
            if tags != item.tags:
                self.service.set_tags([item.id], tags)
            return True
        if role != Qt.ItemDataRole.EditRole:
            return False
        if not text.strip():
            self.edit_refused.emit(EMPTY_NAME)
            return False
        if " ".join(text.split()) != item.display_name:
            self.service.rename(item.id, text)
        return True

    def flags(self, index: Index) -> Qt.ItemFlag:
        base = super().flags(index)
        if index.isValid():
            base |= Qt.ItemFlag.ItemIsEditable
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

    def canFetchMore(self, parent: Index = QModelIndex()) -> bool:  # noqa: B008
        return self.shown and not parent.isValid() and self.service.can_fetch_more()

    def fetchMore(self, parent: Index = QModelIndex()) -> None:  # noqa: B008
        if not parent.isValid():
            # The last row shown: the next page follows it even if rows above changed.
            self.service.fetch_more(len(self.items), self.items[-1] if self.items else None)

    # -- contents --------------------------------------------------------------
    def set_items(self, items: list[MediaItem]) -> bool:
        """Show `items`; True when the model was reset (selection and scroll start over).

        When the rows shown stay in the same order (rows only added or dropped
        at the end, as a reload of the same query gives) they update in place.
        """
        old, new = [i.id for i in self.items], [i.id for i in items]
        common = min(len(old), len(new))
        if not common or old[:common] != new[:common]:
            self.beginResetModel()
            self.items = list(items)
            self.endResetModel()
            return True
        if len(new) < len(old):
            self.beginRemoveRows(QModelIndex(), len(new), len(old) - 1)
            del self.items[len(new) :]
            self.endRemoveRows()
        self.items[:common] = items[:common]
        self.dataChanged.emit(self.index(0), self.index(common - 1))
        if len(new) > len(old):
            self._append(items[common:])
        return False

    def append_items(self, items: Iterable[MediaItem]) -> None:
        """Add the next page at the end (rows already shown are not repeated)."""
        shown = {i.id for i in self.items}
        self._append([i for i in items if i.id not in shown])

    def _append(self, items: list[MediaItem]) -> None:
        if items:
            first = len(self.items)
            self.beginInsertRows(QModelIndex(), first, first + len(items) - 1)
            self.items.extend(items)
            self.endInsertRows()

    def add_item(self, item: MediaItem) -> None:
        if self.row_of(item.id) is not None:
            self.update_items([item])
            return
        self.beginInsertRows(QModelIndex(), 0, 0)
        self.items.insert(0, item)
        self.endInsertRows()

    def update_items(self, items: Iterable[MediaItem]) -> None:
        for item in items:
            row = self.row_of(item.id)
            if row is not None:
                self.items[row] = item
                self.dataChanged.emit(self.index(row), self.index(row))

    def remove_ids(self, ids: Iterable[int]) -> None:
        gone = set(ids)
        for row in reversed(range(len(self.items))):
            if self.items[row].id in gone:
                self.beginRemoveRows(QModelIndex(), row, row)
                del self.items[row]
                self.endRemoveRows()

    def row_of(self, media_id: int) -> int | None:
        return next((r for r, i in enumerate(self.items) if i.id == media_id), None)

    # -- thumbnails ------------------------------------------------------------
    def set_thumb_size(self, size: QSize) -> None:
        """Posters are decoded to fit `size`; larger tiles decode them again, sharper."""
        if size.width() <= self.thumb_size.width():
            return
        self.thumb_size = QSize(size)
        for path, _pixmap in list(self._pixmaps.items()):
            if path not in {i.filmstrip for i in self.items}:
                del self._pixmaps[path]
                self.service.forget_thumbnail(path)
        if self.items:
            self.dataChanged.emit(
                self.index(0), self.index(len(self.items) - 1), [Qt.ItemDataRole.DecorationRole]
            )

    def pixmap(self, path: str | None, size: QSize | str | None = "tile") -> QPixmap | None:
        """The decoded picture at `path` ("tile": fit to the tiles' size now; None: whole),
        or None while a worker decodes it."""
        if not path:
            return None
        cached = self._pixmaps.get(path)
        if cached is None:
            fit = self.thumb_size if isinstance(size, str) else size
            wanted = fit * self.device_pixel_ratio if fit is not None else None
            self.service.request_thumbnail(path, wanted)
        else:
            self._pixmaps.move_to_end(path)
        return cached

    def _on_thumbnail(self, path: str, image: QImage) -> None:
        # QPixmap is made here, on the GUI thread; workers only produce QImage.
        pixmap = QPixmap.fromImage(image)
        pixmap.setDevicePixelRatio(self.device_pixel_ratio)
        self._pixmaps[path] = pixmap
        while len(self._pixmaps) > PIXMAP_CACHE_ENTRIES:
            old, _ = self._pixmaps.popitem(last=False)
            self.service.forget_thumbnail(old)  # decoded again if it scrolls back into view
        for row, item in enumerate(self.items):
            if path in (item.thumbnail, item.filmstrip):
                idx = self.index(row)
                self.dataChanged.emit(idx, idx, [Qt.ItemDataRole.DecorationRole])
