"""How a library item is painted in the grid and the list: poster, badges, name, stars."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from PySide6.QtCore import (
    QAbstractItemModel,
    QModelIndex,
    QPersistentModelIndex,
    QRect,
    QRectF,
    QSize,
    Qt,
)
from PySide6.QtGui import QColor, QFontMetrics, QPainter, QPixmap
from PySide6.QtWidgets import (
    QLineEdit,
    QStyle,
    QStyledItemDelegate,
    QStyleOptionViewItem,
    QWidget,
)

from qcut_ai.core.bins import COLOUR_LABELS
from qcut_ai.ui.library.item_text import duration_text, model_label, stars, summary_line

if TYPE_CHECKING:
    # The media records are pydantic models, loaded after the first paint.
    from qcut_ai.core.media import MediaItem

GRID_THUMB = QSize(160, 90)
LIST_THUMB = QSize(96, 54)
# The thumbnail-size slider's range (tile widths in pixels; 16:9 pictures).
THUMB_WIDTHS = (96, 320)


def _fit(source: QSize, box: QRect) -> QRectF:
    """`source` scaled to fit inside `box`, centred (letterboxed)."""
    scaled = source.scaled(box.size(), Qt.AspectRatioMode.KeepAspectRatio)
    x = box.left() + (box.width() - scaled.width()) / 2
    y = box.top() + (box.height() - scaled.height()) / 2
    return QRectF(x, y, scaled.width(), scaled.height())


class MediaDelegate(QStyledItemDelegate):
    """Paints a library tile (grid) or row (list): picture or scrubbed frame, badges, text.

    `view` is the LibraryView: its `mode`, `media_model`, `hover_row` and
    `scrub_frame(row)` say what to draw.
    """

    def __init__(self, view: Any) -> None:
        super().__init__(view)
        self.view = view
        self.grid_thumb = QSize(GRID_THUMB)
        # What an editor opened in place edits: "name" (F2) or "tags".
        self.editing = "name"

    def cell_size(self) -> QSize:
        return QSize(self.grid_thumb.width() + 16, self.grid_thumb.height() + 46)

    def sizeHint(
        self, option: QStyleOptionViewItem, index: QModelIndex | QPersistentModelIndex
    ) -> QSize:
        if self.view.mode == "grid":
            return self.cell_size()
        return QSize(LIST_THUMB.width() + 120, LIST_THUMB.height() + 8)

    def thumb_rect(self, cell: QRect) -> QRect:
        if self.view.mode == "grid":
            size = self.grid_thumb
            left = cell.left() + (cell.width() - size.width()) // 2
            return QRect(left, cell.top() + 6, size.width(), size.height())
        return QRect(cell.left() + 4, cell.top() + 4, LIST_THUMB.width(), LIST_THUMB.height())

    def paint(
        self,
        painter: QPainter,
        option: QStyleOptionViewItem,
        index: QModelIndex | QPersistentModelIndex,
    ) -> None:
        items = self.view.media_model.items
        if not index.isValid() or index.row() >= len(items):
            return
        item: MediaItem = items[index.row()]
        cell: QRect = option.rect
        selected = bool(option.state & QStyle.StateFlag.State_Selected)
        palette = option.palette
        painter.save()
        painter.setRenderHint(QPainter.RenderHint.SmoothPixmapTransform)
        if selected:
            painter.fillRect(cell.adjusted(1, 1, -1, -1), palette.highlight())
        elif index.row() == self.view.hover_row:
            painter.fillRect(cell.adjusted(1, 1, -1, -1), QColor(255, 255, 255, 18))
        thumb = self.thumb_rect(cell)
        painter.fillRect(thumb, QColor("#15171a"))
        self._paint_picture(painter, thumb, item, index.row())
        self._paint_badges(painter, thumb, item)
        paint_marks(painter, thumb, item)
        painter.setFont(option.font)
        main = palette.highlightedText().color() if selected else palette.text().color()
        metrics = QFontMetrics(option.font)
        line = metrics.height()
        if self.view.mode == "grid":
            text = QRect(cell.left() + 6, thumb.bottom() + 4, cell.width() - 12, line)
            second = ", ".join(item.tags) or stars(item.rating)
        else:
            left = thumb.right() + 8
            text = QRect(left, cell.top() + 4, cell.right() - left - 4, line)
            second = summary_line(item)
        flags = Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter
        painter.setPen(main)
        elide = Qt.TextElideMode.ElideRight
        painter.drawText(text, flags, metrics.elidedText(item.display_name, elide, text.width()))
        painter.setPen(main if selected else QColor("#8a8f98"))
        text.translate(0, line + 2)
        painter.drawText(text, flags, metrics.elidedText(second, elide, text.width()))
        if self.view.mode == "list" and item.tags:
            text.translate(0, line + 2)
            painter.drawText(
                text, flags, metrics.elidedText(", ".join(item.tags), elide, text.width())
            )
        painter.restore()

    def _paint_picture(self, painter: QPainter, thumb: QRect, item: MediaItem, row: int) -> None:
        scrub = self.view.scrub_frame(row)
        if scrub is not None:
            strip, frame, frames = scrub
            width = strip.width() / frames
            source = QRectF(frame * width, 0, width, strip.height())
            target = _fit(source.size().toSize(), thumb)
            painter.drawPixmap(target, strip, source)
            # Where in the clip the cursor is, as a thin bar under the frame.
            bar = QRectF(thumb.left(), thumb.bottom() - 2, thumb.width() * (frame + 1) / frames, 3)
            painter.fillRect(bar, QColor("#3d7bd9"))
        else:
            pixmap: QPixmap | None = self.view.media_model.pixmap(item.thumbnail)
            if pixmap is not None and not pixmap.isNull():
                source = QRectF(pixmap.rect())  # device pixels: sharp on high-DPI screens
                painter.drawPixmap(_fit(pixmap.size(), thumb), pixmap, source)
        if item.missing:
            painter.fillRect(thumb, QColor(0, 0, 0, 150))

    def _paint_badges(self, painter: QPainter, thumb: QRect, item: MediaItem) -> None:
        font = painter.font()
        font.setPointSizeF(max(6.0, font.pointSizeF() * 0.8))
        painter.setFont(font)
        metrics = QFontMetrics(font)

        def badge(text: str, corner: str, colour: str) -> None:
            # Leave room for the badge in the other top corner.
            text = metrics.elidedText(text, Qt.TextElideMode.ElideRight, thumb.width() - 40)
            w, h = metrics.horizontalAdvance(text) + 8, metrics.height() + 2
            x = thumb.left() + 3 if "left" in corner else thumb.right() - w - 2
            y = thumb.top() + 3 if "top" in corner else thumb.bottom() - h - 2
            if corner == "centre":
                x, y = thumb.center().x() - w // 2, thumb.center().y() - h // 2
            painter.setPen(Qt.PenStyle.NoPen)
            painter.setBrush(QColor(colour))
            painter.drawRoundedRect(QRect(x, y, w, h), 3, 3)
            painter.setPen(QColor("#ffffff"))
            painter.drawText(QRect(x, y, w, h), Qt.AlignmentFlag.AlignCenter, text)

        if self.view.mode == "grid" and model_label(item):
            badge(model_label(item), "top-left", "#cc2b3a57")
        if duration_text(item.probe.duration):
            badge(duration_text(item.probe.duration), "bottom-right", "#cc000000")
        if item.missing:
            badge("Missing", "centre", "#e0b3261e")

    # -- editing in place ------------------------------------------------------------
    def text_rect(self, cell: QRect, font_height: int, line: int = 0) -> QRect:
        """Where the name (line 0) or the tags (line 1) are written in a cell."""
        thumb = self.thumb_rect(cell)
        if self.view.mode == "grid":
            top = thumb.bottom() + 4 + line * (font_height + 2)
            return QRect(cell.left() + 2, top - 2, cell.width() - 4, font_height + 6)
        left = thumb.right() + 8
        top = cell.top() + 4 + (line if line == 0 else 2) * (font_height + 2)
        return QRect(left, top - 2, cell.right() - left - 2, font_height + 6)

    def createEditor(
        self,
        parent: QWidget,
        option: QStyleOptionViewItem,
        index: QModelIndex | QPersistentModelIndex,
    ) -> QWidget:
        editor = QLineEdit(parent)
        editor.setObjectName("libraryTagsEditor" if self.editing == "tags" else "libraryNameEditor")
        editor.setPlaceholderText("Tags, separated by commas" if self.editing == "tags" else "")
        editor.setFrame(True)
        return editor

    def updateEditorGeometry(
        self,
        editor: QWidget,
        option: QStyleOptionViewItem,
        index: QModelIndex | QPersistentModelIndex,
    ) -> None:
        height = QFontMetrics(option.font).height()
        editor.setGeometry(self.text_rect(option.rect, height, 1 if self.editing == "tags" else 0))

    def setEditorData(self, editor: QWidget, index: QModelIndex | QPersistentModelIndex) -> None:
        from qcut_ai.ui.library.model import TagsRole

        role = TagsRole if self.editing == "tags" else Qt.ItemDataRole.EditRole
        assert isinstance(editor, QLineEdit)
        editor.setText(str(index.data(role) or ""))
        editor.selectAll()

    def setModelData(
        self,
        editor: QWidget,
        model: QAbstractItemModel,
        index: QModelIndex | QPersistentModelIndex,
    ) -> None:
        from qcut_ai.ui.library.model import TagsRole

        assert isinstance(editor, QLineEdit)
        role = TagsRole if self.editing == "tags" else Qt.ItemDataRole.EditRole
        model.setData(index, editor.text(), role)


def paint_marks(painter: QPainter, thumb: QRect, item: MediaItem) -> None:
    """The colour label (a bar down the picture's left edge), the rating as stars in the
    bottom-left corner and a heart in the top-right one for a favourite."""
    if item.colour in COLOUR_LABELS:
        painter.fillRect(
            QRect(thumb.left(), thumb.top(), 4, thumb.height()), QColor(COLOUR_LABELS[item.colour])
        )
    font = painter.font()
    font.setPointSizeF(max(6.0, font.pointSizeF() * 0.85))
    painter.setFont(font)
    metrics = QFontMetrics(font)
    h = metrics.height() + 2
    if item.rating:
        text = stars(item.rating)
        w = metrics.horizontalAdvance(text) + 8
        box = QRect(thumb.left() + 6, thumb.bottom() - h - 2, w, h)
        painter.setPen(Qt.PenStyle.NoPen)
        painter.setBrush(QColor("#cc000000"))
        painter.drawRoundedRect(box, 3, 3)
        painter.setPen(QColor("#f5c518"))
        painter.drawText(box, Qt.AlignmentFlag.AlignCenter, text)
    if item.favourite:
        w = metrics.horizontalAdvance("♥") + 8
        box = QRect(thumb.right() - w - 2, thumb.top() + 3, w, h)
        painter.setPen(Qt.PenStyle.NoPen)
        painter.setBrush(QColor("#cc000000"))
        painter.drawRoundedRect(box, 3, 3)
        painter.setPen(QColor("#e0445a"))
        painter.drawText(box, Qt.AlignmentFlag.AlignCenter, "♥")
