"""TakeCell: one take in the compare grid: its picture, what made it, and a solo button.

A cell of a running batch says how its job stands until the clip lands, then
opens the clip in its own Playback; the transport (transport.py) drives every
cell's playback together.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QMimeData, QPoint, QSize, Qt, Signal
from PySide6.QtGui import QDrag, QMouseEvent, QResizeEvent
from PySide6.QtWidgets import QFrame, QHBoxLayout, QLabel, QPushButton, QVBoxLayout, QWidget

from qcut_ai.core.comparison import Take
from qcut_ai.core.media import MediaItem
from qcut_ai.ui.compare.frame_scaler import FrameScaler
from qcut_ai.ui.library.item_text import duration_text, stars
from qcut_ai.ui.mime import encode_items
from qcut_ai.ui.player.preview_player import open_playback
from qcut_ai.ui.player.video_view import VideoView

if TYPE_CHECKING:
    from qcut_ai.ui.player.playback import Playback

_FALLBACK_FPS = 30.0


def take_facts(take: Take) -> str:
    """Duration · resolution · cost · generation time · rating, as far as known."""
    item = take.item
    if item is None:
        return ""
    parts = [duration_text(item.duration)]
    if item.probe.width and item.probe.height:
        parts.append(f"{item.probe.width}×{item.probe.height}")
    cost = item.cost_estimate_usd
    parts.append(f"${cost:.2f}" if cost is not None else "price unknown")
    if take.generation_s is not None:
        parts.append(f"made in {take.generation_s:.0f} s")
    parts.append(stars(item.rating) if item.rating else "unrated")
    return " · ".join(p for p in parts if p)


def waiting_text(take: Take) -> str:
    if take.error:
        return f"{take.model_name}: {take.error}"
    state = take.state.label.lower() if take.state is not None else "waiting"
    return f"{take.model_name} is {state}…" if take.waiting else f"{take.model_name}: no clip"


class _Picture(VideoView):
    """The cell's picture; dragging it carries the clip (the library's drag payload)."""

    def __init__(self, cell: TakeCell) -> None:
        super().__init__(cell)
        self._cell = cell
        self._press: QPoint | None = None

    def mousePressEvent(self, event: QMouseEvent) -> None:
        self._press = event.position().toPoint()
        super().mousePressEvent(event)

    def mouseMoveEvent(self, event: QMouseEvent) -> None:
        item = self._cell.take.item
        if self._press is None or item is None:
            return
        if (event.position().toPoint() - self._press).manhattanLength() < 8:
            return
        self._press = None
        drag = QDrag(self)
        drag.setMimeData(self._cell.drag_payload(item))
        drag.exec(Qt.DropAction.CopyAction)

    def mouseReleaseEvent(self, event: QMouseEvent) -> None:
        if self._press is not None:
            self._cell.clicked.emit(self._cell.index)
        self._press = None
        super().mouseReleaseEvent(event)

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        ratio = self.devicePixelRatioF()
        size = event.size()
        self._cell.frame_size = QSize(round(size.width() * ratio), round(size.height() * ratio))


class TakeCell(QFrame):
    """One take. Signals (each with the take's index): clicked, pick_clicked,
    solo_clicked, frame_shown (a newer frame arrived)."""

    clicked = Signal(int)
    pick_clicked = Signal(int)
    solo_clicked = Signal(int)
    frame_shown = Signal(int)

    def __init__(self, index: int, take: Take, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName(f"compareCell{index + 1}")
        self.setFrameShape(QFrame.Shape.StyledPanel)
        self.index = index
        self.take = take
        self.playback: Playback | None = None
        self.ready = False  # the clip has opened and can be driven
        self.frame_us: int | None = None  # start time of the frame on screen
        self.frame_size = QSize(320, 180)  # what decoded frames are scaled to
        self.pending: Any = None  # the newest decoded frame not yet painted
        self.scaler = FrameScaler()
        self.title = QLabel(self)
        self.title.setObjectName("compareCellTitle")
        self.facts = QLabel(self)
        self.facts.setObjectName("compareCellFacts")
        self.picture = _Picture(self)
        self.solo_button = QPushButton("Solo", self)
        self.solo_button.setObjectName("compareSolo")
        self.solo_button.setCheckable(True)
        self.solo_button.setToolTip("Hear this take alone (the others are muted)")
        self.solo_button.clicked.connect(lambda: self.solo_clicked.emit(self.index))
        self.pick_button = QPushButton("Pick", self)
        self.pick_button.setObjectName("comparePick")
        self.pick_button.setToolTip(f"Mark this take the winner ({index + 1})")
        self.pick_button.clicked.connect(lambda: self.pick_clicked.emit(self.index))
        top = QHBoxLayout()
        top.addWidget(self.title, 1)
        top.addWidget(self.pick_button)
        top.addWidget(self.solo_button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(3, 3, 3, 3)
        layout.addLayout(top)
        layout.addWidget(self.picture, 1)
        layout.addWidget(self.facts)
        self.show_take(take)

    @property
    def item(self) -> MediaItem | None:
        return self.take.item

    @property
    def fps(self) -> float:
        item = self.take.item
        return (item.probe.fps if item is not None else None) or _FALLBACK_FPS

    @property
    def duration_ms(self) -> int:
        if self.playback is not None and self.ready and self.playback.duration() > 0:
            return self.playback.duration()
        item = self.take.item
        return round((item.duration or 0) * 1000) if item is not None else 0

    @staticmethod
    def drag_payload(item: MediaItem) -> QMimeData:
        """What dragging the take carries: the library's own payload, so a timeline takes it."""
        return encode_items([item])

    def show_take(self, take: Take, winner: bool = False) -> None:
        """Show `take`; a clip that has just landed starts opening."""
        landed_now = take.item is not None and self.take.item is None
        self.take = take
        mark = "  ★ pick" if winner else ""
        self.title.setText(f"{self.index + 1}  {take.model_name}{mark}")
        self.facts.setText(take_facts(take))
        self.solo_button.setEnabled(take.item is not None and take.item.probe.has_audio)
        if take.item is None:
            self.picture.show_text(waiting_text(take))
        elif landed_now or self.playback is None:
            self._open(take.item)

    def _open(self, item: MediaItem) -> None:
        if self.playback is None:
            self.playback = open_playback(self)
            if self.playback is None:
                self.picture.show_text("Playback needs PySide6-Addons (QtMultimedia).")
                return
            self.playback.loaded.connect(self._on_loaded)
            self.playback.frame_arrived.connect(self._on_frame_arrived)
            self.playback.failed.connect(self.picture.show_text)
        self.picture.show_text("Opening…")
        self.playback.open(item.path)

    def _on_loaded(self, _duration_ms: int) -> None:
        self.ready = True
        if self.playback is not None:
            self.playback.seek(0)  # the first frame stands for the clip until it plays

    def _on_frame_arrived(self, frame: Any) -> None:
        # The frame's time stamp says where this take's player is (the sync measure);
        # its picture waits for the pacer (pacer.py), which converts the newest one.
        if not self.ready:
            return  # a frame of the file before, still on its way
        self.frame_us = int(frame.startTime())
        self.pending = frame
        self.frame_shown.emit(self.index)

    def paint_pending(self) -> None:
        """Turn the newest frame into the cell's picture (on the GUI thread, by the pacer)."""
        frame, self.pending = self.pending, None
        if (
            frame is not None
            and (picture := self.scaler.picture(frame, self.frame_size)) is not None
        ):
            self.picture.show_frame(picture)

    def frame_number(self) -> int | None:
        """The number of the frame on screen (from its own time stamp), once one is."""
        if self.frame_us is None or self.frame_us < 0:
            return None
        return round(self.frame_us * self.fps / 1_000_000)

    def release(self) -> None:
        if self.playback is not None:
            self.playback.close()
