"""How one model row is painted: name and badges on top, vendor, ranges and price below."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QModelIndex, QPersistentModelIndex, QRect, QSize, Qt
from PySide6.QtGui import QColor, QFont, QFontMetrics, QPainter, QPalette
from PySide6.QtWidgets import (
    QApplication,
    QStyle,
    QStyledItemDelegate,
    QStyleOptionViewItem,
)

from qcut_ai.core.catalog import ModelSpec, Tier

SPEC_ROLE = Qt.ItemDataRole.UserRole + 1
SEARCH_ROLE = Qt.ItemDataRole.UserRole + 2
PRICE_ROLE = Qt.ItemDataRole.UserRole + 3
SUMMARY_ROLE = Qt.ItemDataRole.UserRole + 4
GROUP_ROLE = Qt.ItemDataRole.UserRole + 5  # the group a model row is listed under
HEADING_ROLE = Qt.ItemDataRole.UserRole + 6  # set on a group's heading row only
NEW_ROLE = Qt.ItemDataRole.UserRole + 7  # added by the last catalogue sync
FAVOURITE_ROLE = Qt.ItemDataRole.UserRole + 8

TIER_COLOURS = {
    Tier.BUDGET: "#2e7d32",
    Tier.FAST: "#1565c0",
    Tier.STANDARD: "#546e7a",
    Tier.PREMIUM: "#8e24aa",
}
AUDIO_COLOUR = "#00838f"
NEW_COLOUR = "#d84315"
FAVOURITE_COLOUR = "#e57373"
RECOMMENDED_COLOUR = "#f4b400"
_PAD = 6
_GAP = 4

Index = QModelIndex | QPersistentModelIndex


def _badge(painter: QPainter, right: int, top: int, text: str, colour: str) -> int:
    """Paints a rounded badge ending at `right`; returns where the next one should end."""
    metrics = painter.fontMetrics()
    width = metrics.horizontalAdvance(text) + 10
    height = metrics.height() + 2
    box = QRect(right - width, top, width, height)
    painter.setPen(Qt.PenStyle.NoPen)
    painter.setBrush(QColor(colour))
    painter.drawRoundedRect(box, 4, 4)
    painter.setPen(QColor("#ffffff"))
    painter.drawText(box, Qt.AlignmentFlag.AlignCenter, text)
    return box.left() - _GAP


class ModelRowDelegate(QStyledItemDelegate):
    """Two lines per model; the style paints the tick box, selection and focus."""

    def sizeHint(self, option: QStyleOptionViewItem, index: Index) -> QSize:
        metrics = QFontMetrics(option.font)
        if index.data(HEADING_ROLE) is not None:
            return QSize(260, metrics.height() + _PAD + 2)
        return QSize(260, metrics.height() * 2 + 3 * _PAD)

    def paint(self, painter: QPainter, option: QStyleOptionViewItem, index: Index) -> None:
        spec = index.data(SPEC_ROLE)
        heading = index.data(HEADING_ROLE)
        if heading is not None:
            self._paint_heading(painter, option, str(heading))
            return
        if not isinstance(spec, ModelSpec):
            super().paint(painter, option, index)
            return
        opt = QStyleOptionViewItem(option)
        self.initStyleOption(opt, index)
        opt.text = ""
        widget: Any = opt.widget
        style = widget.style() if widget is not None else QApplication.style()
        style.drawControl(QStyle.ControlElement.CE_ItemViewItem, opt, painter, widget)
        check = style.subElementRect(QStyle.SubElement.SE_ItemViewItemCheckIndicator, opt, widget)
        rect: QRect = opt.rect
        left = max(check.right(), rect.left()) + _PAD + 2
        area = QRect(left, rect.top() + _PAD, rect.right() - _PAD - left, rect.height() - 2 * _PAD)
        selected = bool(opt.state & QStyle.StateFlag.State_Selected)
        palette: QPalette = opt.palette
        text_role = QPalette.ColorRole.HighlightedText if selected else QPalette.ColorRole.Text
        main = palette.color(text_role)
        dim = QColor(main)
        dim.setAlpha(170)

        painter.save()
        base_font: QFont = opt.font
        line = QFontMetrics(base_font).height()
        small = QFont(base_font)
        small.setPointSizeF(max(6.0, base_font.pointSizeF() * 0.85))
        painter.setFont(small)
        right = area.right()
        if index.data(NEW_ROLE):
            right = _badge(painter, right, area.top(), "new", NEW_COLOUR)
        if spec.audio:
            right = _badge(painter, right, area.top(), "♪ audio", AUDIO_COLOUR)
        right = _badge(painter, right, area.top(), spec.tier.value, TIER_COLOURS[spec.tier])

        bold = QFont(base_font)
        bold.setBold(True)
        painter.setFont(bold)
        star = (" ★" if spec.recommended else "") + (" ♥" if index.data(FAVOURITE_ROLE) else "")
        name_box = QRect(area.left(), area.top(), max(0, right - area.left()), line)
        name = painter.fontMetrics().elidedText(
            spec.name, Qt.TextElideMode.ElideRight, name_box.width() - 20
        )
        painter.setPen(main)
        painter.drawText(name_box, Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter, name)
        if star:
            offset = painter.fontMetrics().horizontalAdvance(name)
            painter.setPen(QColor(RECOMMENDED_COLOUR))
            star_box = name_box.adjusted(offset, 0, 0, 0)
            left_middle = Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter
            painter.drawText(star_box, left_middle, star)

        painter.setFont(small)
        price = str(index.data(PRICE_ROLE) or "")
        lower = QRect(area.left(), area.top() + line + _PAD // 2, area.width(), line)
        price_width = painter.fontMetrics().horizontalAdvance(price)
        painter.setPen(main)
        painter.drawText(lower, Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter, price)
        summary_box = lower.adjusted(0, 0, -(price_width + 2 * _GAP), 0)
        summary = painter.fontMetrics().elidedText(
            str(index.data(SUMMARY_ROLE) or ""), Qt.TextElideMode.ElideRight, summary_box.width()
        )
        painter.setPen(dim)
        painter.drawText(
            summary_box, Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter, summary
        )
        painter.restore()

    @staticmethod
    def _paint_heading(painter: QPainter, option: QStyleOptionViewItem, title: str) -> None:
        """A group's title, small and dim, with a rule under it."""
        rect: QRect = option.rect
        painter.save()
        font = QFont(option.font)
        font.setBold(True)
        font.setPointSizeF(max(6.0, font.pointSizeF() * 0.85))
        painter.setFont(font)
        colour = option.palette.color(QPalette.ColorRole.Text)
        colour.setAlpha(150)
        painter.setPen(colour)
        text_box = rect.adjusted(_PAD, 0, -_PAD, -2)
        painter.drawText(
            text_box, Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignBottom, title.upper()
        )
        painter.drawLine(rect.left() + _PAD, rect.bottom(), rect.right() - _PAD, rect.bottom())
        painter.restore()
