"""How a library item is presented: badges, summaries, tooltip, details pane and painted tile."""

from __future__ import annotations

import html
import json
from datetime import datetime
from pathlib import Path
from typing import Any

from PySide6.QtCore import QModelIndex, QPersistentModelIndex, QRect, QRectF, QSize, Qt
from PySide6.QtGui import QColor, QFontMetrics, QPainter, QPixmap
from PySide6.QtWidgets import (
    QLabel,
    QScrollArea,
    QStyle,
    QStyledItemDelegate,
    QStyleOptionViewItem,
    QVBoxLayout,
    QWidget,
)

from qcut_ai.core.media import MediaItem, MediaKind, Origin

GRID_THUMB = QSize(160, 90)
LIST_THUMB = QSize(96, 54)
# Provenance arguments already shown under their own heading.
_SHOWN_ELSEWHERE = {"prompt", "negative_prompt", "seed"}


def duration_text(seconds: float | None) -> str:
    """`m:ss` (or `h:mm:ss`), "" when the item has no duration."""
    if seconds is None:
        return ""
    whole = max(0, round(seconds))
    hours, rest = divmod(whole, 3600)
    minutes, secs = divmod(rest, 60)
    return f"{hours}:{minutes:02d}:{secs:02d}" if hours else f"{minutes}:{secs:02d}"


def size_text(size: int) -> str:
    value = float(size)
    for unit in ("bytes", "KB", "MB", "GB"):
        if value < 1024 or unit == "GB":
            return f"{value:.0f} {unit}" if unit == "bytes" else f"{value:.1f} {unit}"
        value /= 1024
    return f"{size} bytes"


def model_label(item: MediaItem) -> str:
    """The model's display name, "" for items without one."""
    if item.model_name:
        return item.model_name  # painted for every badge: the stored JSON stays unparsed
    prov = item.provenance
    return (prov.model_name if prov else "") or item.model or ""


def stars(rating: int) -> str:
    return "★" * rating + "☆" * (5 - rating) if rating else ""


def summary_line(item: MediaItem) -> str:
    """Model · duration · resolution · rating, for the list view's second line."""
    p = item.probe
    parts = [
        model_label(item) or ("Imported" if item.origin == Origin.IMPORTED else ""),
        duration_text(p.duration),
        f"{p.width}×{p.height}" if p.width and p.height else "",
        stars(item.rating),
        "Missing" if item.missing else "",
    ]
    return " · ".join(part for part in parts if part)


def _when(iso: str | None) -> str:
    if not iso:
        return ""
    try:
        return datetime.fromisoformat(iso).astimezone().strftime("%Y-%m-%d %H:%M")
    except ValueError:
        return iso


def _value(value: Any) -> str:
    if isinstance(value, str):
        return value
    return json.dumps(value, ensure_ascii=False)


def _format_line(item: MediaItem) -> str:
    p = item.probe
    parts = [item.kind.value.capitalize()]
    if p.width and p.height:
        parts.append(f"{p.width}×{p.height}")
    if p.fps and item.kind == MediaKind.VIDEO:
        parts.append(f"{p.fps:g} fps")
    codecs = " + ".join(c for c in (p.video_codec, p.audio_codec) if c)
    if codecs:
        parts.append(codecs)
    return " · ".join(parts)


def details_rows(item: MediaItem) -> list[tuple[str, str]]:
    """Every fact worth showing about an item, as (label, text) rows in reading order."""
    prov = item.provenance
    rows: list[tuple[str, str]] = []
    if item.missing:
        rows.append(("Status", "File missing: use Relink to point at its new folder"))
    rows += [
        ("Format", _format_line(item)),
        ("Duration", duration_text(item.probe.duration)),
        ("Size", size_text(item.probe.size) if item.probe.size else ""),
        ("Origin", "Generated with AI" if item.origin == Origin.AI else "Imported from disk"),
        ("Model", model_label(item)),
        ("Endpoint", item.model or ""),
        ("Prompt", item.prompt or (prov.prompt if prov else "")),
    ]
    if prov is not None:
        rows.append(("Negative prompt", prov.negative_prompt))
        rows.append(("Seed", "" if prov.seed is None else str(prov.seed)))
        for key, value in prov.arguments.items():
            if key not in _SHOWN_ELSEWHERE:
                rows.append((key.replace("_", " ").capitalize(), _value(value)))
        for entry in prov.inputs:
            role = str(entry.get("role", "input")).replace("_", " ")
            rows.append((f"Input ({role})", Path(str(entry.get("path", ""))).name))
        if prov.parent_id is not None:
            relation = (prov.relation or "derived_from").replace("_", " ")
            rows.append(("Derived", f"{relation} item #{prov.parent_id}"))
    rows.append(("Request ID", item.request_id or ""))
    cost = item.cost_estimate_usd
    if cost is None and prov is not None:
        cost = prov.cost_estimate_usd
    if cost is not None:
        rows.append(("Estimated cost", f"${cost:.2f}"))
    elif item.origin == Origin.AI:
        rows.append(("Estimated cost", "unknown"))
    if prov is not None:
        rows += [
            ("Submitted", _when(prov.submitted_at)),
            ("Completed", _when(prov.completed_at)),
            ("App version", prov.app_version),
        ]
    rows += [
        ("Tags", ", ".join(item.tags)),
        ("Rating", stars(item.rating)),
        ("Favourite", "Yes" if item.favourite else ""),
        ("Added", _when(item.created_at)),
        ("File", item.path),
    ]
    return [(label, text) for label, text in rows if text]


def _rows_html(rows: list[tuple[str, str]]) -> str:
    cells = "".join(
        f"<tr><td style='color:#8a8f98; padding-right:8px; white-space:nowrap' valign='top'>"
        f"{html.escape(label)}</td><td>{html.escape(text)}</td></tr>"
        for label, text in rows
    )
    return f"<table cellspacing='2'>{cells}</table>"


def details_html(item: MediaItem) -> str:
    """The details pane's rich text: the name as a heading, then every row."""
    return f"<h3>{html.escape(item.display_name)}</h3>{_rows_html(details_rows(item))}"


def tooltip_html(item: MediaItem) -> str:
    """A compact tooltip: the same facts without the long settings and file rows."""
    wanted = {
        "Status",
        "Format",
        "Duration",
        "Model",
        "Prompt",
        "Request ID",
        "Estimated cost",
        "Tags",
        "Rating",
    }
    rows = [(label, text) for label, text in details_rows(item) if label in wanted]
    return f"<b>{html.escape(item.display_name)}</b>{_rows_html(rows)}"


class MediaDetailsPane(QScrollArea):
    """Shows the selected item's full provenance and cost as selectable text."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("mediaDetails")
        self.setAccessibleName("Media details")
        self.setWidgetResizable(True)
        self.label = QLabel(self)
        self.label.setObjectName("mediaDetailsText")
        self.label.setWordWrap(True)
        self.label.setTextFormat(Qt.TextFormat.RichText)
        self.label.setAlignment(Qt.AlignmentFlag.AlignTop | Qt.AlignmentFlag.AlignLeft)
        self.label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        body = QWidget(self)
        layout = QVBoxLayout(body)
        layout.setContentsMargins(8, 8, 8, 8)
        layout.addWidget(self.label)
        self.setWidget(body)
        self.item: MediaItem | None = None
        self.show_item(None)

    def show_item(self, item: MediaItem | None) -> None:
        self.item = item
        if item is None:
            self.label.setText("<i>Select a clip to see where it came from.</i>")
        else:
            self.label.setText(details_html(item))

    def text(self) -> str:
        """The pane's content as plain text (for tests and accessibility)."""
        if self.item is None:
            return ""
        lines = [self.item.display_name]
        lines += [f"{label}: {text}" for label, text in details_rows(self.item)]
        return "\n".join(lines)


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

    def cell_size(self) -> QSize:
        return QSize(GRID_THUMB.width() + 16, GRID_THUMB.height() + 46)

    def sizeHint(
        self, option: QStyleOptionViewItem, index: QModelIndex | QPersistentModelIndex
    ) -> QSize:
        if self.view.mode == "grid":
            return self.cell_size()
        return QSize(LIST_THUMB.width() + 120, LIST_THUMB.height() + 8)

    def thumb_rect(self, cell: QRect) -> QRect:
        if self.view.mode == "grid":
            left = cell.left() + (cell.width() - GRID_THUMB.width()) // 2
            return QRect(left, cell.top() + 6, GRID_THUMB.width(), GRID_THUMB.height())
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
        if item.favourite:
            badge("★", "top-right", "#ccb8860b")
        if item.missing:
            badge("Missing", "centre", "#e0b3261e")
