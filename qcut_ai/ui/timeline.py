"""A simple demo timeline that accepts the panel's drag payload, proving the contract."""

from __future__ import annotations

from dataclasses import dataclass

from PySide6.QtCore import QRectF, Qt, Signal
from PySide6.QtGui import QColor, QDragEnterEvent, QDragMoveEvent, QDropEvent, QPainter, QPaintEvent
from PySide6.QtWidgets import QWidget

from qcut_ai.ui.mime import decode_items

TRACK_HEIGHT = 44
HEADER = 24
PIXELS_PER_SECOND = 24.0


@dataclass
class Clip:
    media_id: int
    name: str
    path: str
    track: int
    start: float
    duration: float


class TimelineWidget(QWidget):
    """Tracks of clips laid out at their durations. Signals: clip_added(object)."""

    clip_added = Signal(object)

    def __init__(self, tracks: int = 3, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("timeline")
        self.setAccessibleName("Timeline")
        self.setAcceptDrops(True)
        self.tracks = tracks
        self.clips: list[Clip] = []
        self.setMinimumHeight(HEADER + tracks * TRACK_HEIGHT + 8)

    def track_at(self, y: float) -> int:
        return max(0, min(self.tracks - 1, int((y - HEADER) // TRACK_HEIGHT)))

    def track_end(self, track: int) -> float:
        return max((c.start + c.duration for c in self.clips if c.track == track), default=0.0)

    def dragEnterEvent(self, event: QDragEnterEvent) -> None:
        if decode_items(event.mimeData()):
            event.acceptProposedAction()
        else:
            event.ignore()

    def dragMoveEvent(self, event: QDragMoveEvent) -> None:
        if decode_items(event.mimeData()):
            event.acceptProposedAction()

    def dropEvent(self, event: QDropEvent) -> None:
        items = decode_items(event.mimeData())
        if not items:
            event.ignore()
            return
        self.add_items(items, self.track_at(event.position().y()))
        event.acceptProposedAction()

    def add_items(self, items: list[dict[str, object]], track: int) -> list[Clip]:
        added = []
        for item in items:
            duration = item.get("duration")
            seconds = float(duration) if isinstance(duration, (int, float)) else 5.0
            clip = Clip(
                media_id=int(item.get("id", 0)),  # type: ignore[call-overload]
                name=str(item.get("name", "")),
                path=str(item.get("path", "")),
                track=track,
                start=self.track_end(track),
                duration=seconds,
            )
            self.clips.append(clip)
            added.append(clip)
            self.clip_added.emit(clip)
        self.update()
        return added

    def clip_rect(self, clip: Clip) -> QRectF:
        return QRectF(
            8 + clip.start * PIXELS_PER_SECOND,
            HEADER + clip.track * TRACK_HEIGHT + 4,
            max(4.0, clip.duration * PIXELS_PER_SECOND),
            TRACK_HEIGHT - 8,
        )

    def paintEvent(self, event: QPaintEvent) -> None:
        p = QPainter(self)
        p.fillRect(self.rect(), QColor("#1b1d21"))
        p.setPen(QColor("#8a8f98"))
        for second in range(0, int(self.width() / PIXELS_PER_SECOND) + 1, 5):
            x = 8 + second * PIXELS_PER_SECOND
            p.drawLine(int(x), HEADER - 6, int(x), HEADER)
            p.drawText(int(x) + 2, HEADER - 8, f"{second}s")
        for t in range(self.tracks):
            y = HEADER + t * TRACK_HEIGHT
            p.fillRect(0, y + 2, self.width(), TRACK_HEIGHT - 4, QColor("#23262b"))
        for clip in self.clips:
            r = self.clip_rect(clip)
            p.fillRect(r, QColor("#3d6fb6"))
            p.setPen(QColor("#ffffff"))
            p.drawText(r.adjusted(4, 0, -4, 0), Qt.AlignmentFlag.AlignVCenter, clip.name)
        p.end()
