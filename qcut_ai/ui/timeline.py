"""The demo host's timeline: it takes the panel's drag payload where it is aimed.

It shows a `core.timeline.Timeline` value. A drop lands at the pointer's time
and track, snapped to the clip edges within a few pixels, shown beforehand
by a ghost of the clip; clips can be dragged along and between tracks; Ctrl+Z
and Ctrl+Shift+Z undo and redo. The value is what `qcut-ai export --timeline`
and the File menu's export write, and what importing an `.otio` file gives.
"""

from __future__ import annotations

from dataclasses import dataclass
from fractions import Fraction

from PySide6.QtCore import QPointF, QRectF, Qt, Signal
from PySide6.QtGui import (
    QColor,
    QDragEnterEvent,
    QDragLeaveEvent,
    QDragMoveEvent,
    QDropEvent,
    QKeyEvent,
    QKeySequence,
    QMouseEvent,
    QPainter,
    QPaintEvent,
    QPen,
)
from PySide6.QtWidgets import QWidget

from qcut_ai.core.frame_rate import frames_in, seconds_of
from qcut_ai.core.timeline import Timeline, TimelineClip
from qcut_ai.core.timeline_edit import clip_from_payload, edges, free_start, move, snap
from qcut_ai.ui.mime import decode_items

TRACK_HEIGHT = 44
HEADER = 24
LEFT = 8
PIXELS_PER_SECOND = 24.0
SNAP_PIXELS = 8  # a drop this close to a clip's edge lands on it
UNDO_DEPTH = 100


@dataclass(frozen=True)
class Clip:
    """A placed clip as the view shows it, in seconds."""

    media_id: int | None
    name: str
    path: str
    track: int
    start: float
    duration: float


@dataclass(frozen=True)
class Ghost:
    """Where a drop or a move would land: the drop indicator."""

    track: int
    frame: int
    length: int


class TimelineWidget(QWidget):
    """Tracks of clips at their real lengths.

    Signals:
        clip_added(object): a `Clip` that a drop placed
        timeline_changed(object): the new `Timeline` after any edit, undo or import
    """

    clip_added = Signal(object)
    timeline_changed = Signal(object)

    def __init__(self, tracks: int = 3, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("timeline")
        self.setAccessibleName("Timeline")
        self.setAcceptDrops(True)
        self.setFocusPolicy(Qt.FocusPolicy.ClickFocus)
        self.timeline = Timeline.empty(video=tracks)
        self.ghost: Ghost | None = None
        self._undo: list[Timeline] = []
        self._redo: list[Timeline] = []
        self._grab: tuple[int, TimelineClip, int] | None = None  # track, clip, grab offset
        self.setMinimumHeight(HEADER + tracks * TRACK_HEIGHT + 8)

    # -- the value -----------------------------------------------------------------
    @property
    def tracks(self) -> int:
        return len(self.timeline.tracks)

    @property
    def rate(self) -> Fraction:
        return self.timeline.rate

    @property
    def clips(self) -> list[Clip]:
        """Every clip, track by track, in seconds."""
        shown = []
        for index, track in enumerate(self.timeline.tracks):
            for c in track.clips:
                start = float(seconds_of(c.record_start, self.rate))
                shown.append(
                    Clip(c.media_id, c.name, c.path, index, start, float(c.source_seconds))
                )
        return shown

    def set_timeline(self, timeline: Timeline) -> None:
        """Show `timeline` (an import); the one before it can be had back with undo."""
        self._commit(timeline)

    def undo(self) -> bool:
        if not self._undo:
            return False
        self._redo.append(self.timeline)
        self._show(self._undo.pop())
        return True

    def redo(self) -> bool:
        if not self._redo:
            return False
        self._undo.append(self.timeline)
        self._show(self._redo.pop())
        return True

    def _commit(self, timeline: Timeline) -> None:
        if timeline == self.timeline:
            return
        self._undo = [*self._undo[-UNDO_DEPTH + 1 :], self.timeline]
        self._redo.clear()
        self._show(timeline)

    def _show(self, timeline: Timeline) -> None:
        self.timeline = timeline
        seconds = float(timeline.duration_seconds) + 30  # room to drop after the end
        self.setMinimumWidth(int(LEFT + seconds * PIXELS_PER_SECOND))
        self.update()
        self.timeline_changed.emit(timeline)

    # -- geometry -------------------------------------------------------------------
    def track_at(self, y: float) -> int:
        return max(0, min(self.tracks - 1, int((y - HEADER) // TRACK_HEIGHT)))

    def frame_at(self, x: float) -> int:
        return max(0, frames_in(max(0.0, x - LEFT) / PIXELS_PER_SECOND, self.rate))

    def x_of(self, frame: int) -> float:
        return LEFT + float(seconds_of(frame, self.rate)) * PIXELS_PER_SECOND

    def clip_rect(self, clip: Clip) -> QRectF:
        return QRectF(
            LEFT + clip.start * PIXELS_PER_SECOND,
            HEADER + clip.track * TRACK_HEIGHT + 4,
            max(4.0, clip.duration * PIXELS_PER_SECOND),
            TRACK_HEIGHT - 8,
        )

    def _tolerance(self) -> int:
        return max(1, frames_in(SNAP_PIXELS / PIXELS_PER_SECOND, self.rate))

    def _landing(
        self, pos: QPointF, length: int, *, offset: int = 0, leave_out: TimelineClip | None = None
    ) -> Ghost:
        """Where a clip of `length` frames held `offset` frames from its start would land."""
        track = self.track_at(pos.y())
        wanted = max(0, self.frame_at(pos.x()) - offset)
        snapped = snap(wanted, length, edges(self.timeline, leave_out=leave_out), self._tolerance())
        start = free_start(self.timeline, track, snapped, length, leave_out=leave_out)
        return Ghost(track, start, length)

    def _clip_under(self, pos: QPointF) -> tuple[int, TimelineClip] | None:
        track = self.track_at(pos.y())
        if not HEADER <= pos.y() < HEADER + self.tracks * TRACK_HEIGHT:
            return None
        frame = self.frame_at(pos.x())
        for clip in self.timeline.tracks[track].clips:
            if clip.record_start <= frame < clip.record_end(self.rate):
                return track, clip
        return None

    # -- dropping from the panel --------------------------------------------------
    def _payload_clips(self, event: QDropEvent | QDragMoveEvent) -> list[TimelineClip]:
        found = (clip_from_payload(i, self.rate) for i in decode_items(event.mimeData()))
        return [c for c in found if c is not None]

    def dragEnterEvent(self, event: QDragEnterEvent) -> None:
        if self._payload_clips(event):
            event.acceptProposedAction()
        else:
            event.ignore()

    def dragMoveEvent(self, event: QDragMoveEvent) -> None:
        clips = self._payload_clips(event)
        if not clips:
            event.ignore()
            return
        length = sum(c.record_frames(self.rate) for c in clips)
        self.ghost = self._landing(event.position(), length)
        self.update()
        event.acceptProposedAction()

    def dragLeaveEvent(self, event: QDragLeaveEvent) -> None:
        self.ghost = None
        self.update()

    def dropEvent(self, event: QDropEvent) -> None:
        clips = self._payload_clips(event)
        self.ghost = None
        if not clips:
            event.ignore()
            self.update()
            return
        self.drop_clips(clips, event.position())
        event.acceptProposedAction()

    def drop_clips(self, clips: list[TimelineClip], pos: QPointF) -> list[Clip]:
        """Place `clips` one after another from where `pos` aims (snapped, never
        overlapping); one undo step takes them all back."""
        length = sum(c.record_frames(self.rate) for c in clips)
        landing = self._landing(pos, length)
        timeline, frame = self.timeline, landing.frame
        for clip in clips:
            frames = clip.record_frames(self.rate)
            start = free_start(timeline, landing.track, frame, frames)
            timeline = timeline.with_clip(landing.track, clip.at(start), append=False)
            frame = start + frames
        before = {id(c) for _t, c in self.timeline.clips()}
        self._commit(timeline)
        added = [
            shown
            for shown, (_t, c) in zip(self.clips, self.timeline.clips(), strict=True)
            if id(c) not in before
        ]
        for shown in added:
            self.clip_added.emit(shown)
        return added

    def add_items(self, items: list[dict[str, object]], track: int) -> list[Clip]:
        """Append payload items at the end of `track` (a host without a pointer)."""
        end = self.timeline.track_end(track)
        clips = [c for c in (clip_from_payload(i, self.rate) for i in items) if c is not None]
        y = HEADER + track * TRACK_HEIGHT + TRACK_HEIGHT / 2
        return self.drop_clips(clips, QPointF(self.x_of(end), y)) if clips else []

    # -- moving clips ------------------------------------------------------------------
    def mousePressEvent(self, event: QMouseEvent) -> None:
        under = self._clip_under(event.position())
        if event.button() != Qt.MouseButton.LeftButton or under is None:
            super().mousePressEvent(event)
            return
        track, clip = under
        self._grab = (track, clip, self.frame_at(event.position().x()) - clip.record_start)
        event.accept()

    def mouseMoveEvent(self, event: QMouseEvent) -> None:
        if self._grab is None:
            super().mouseMoveEvent(event)
            return
        _track, clip, offset = self._grab
        length = clip.record_frames(self.rate)
        self.ghost = self._landing(event.position(), length, offset=offset, leave_out=clip)
        self.update()

    def mouseReleaseEvent(self, event: QMouseEvent) -> None:
        if self._grab is None:
            super().mouseReleaseEvent(event)
            return
        track, clip, offset = self._grab
        self._grab, self.ghost = None, None
        length = clip.record_frames(self.rate)
        landing = self._landing(event.position(), length, offset=offset, leave_out=clip)
        if (landing.track, landing.frame) != (track, clip.record_start):
            self._commit(move(self.timeline, track, clip, landing.track, landing.frame))
        self.update()

    def keyPressEvent(self, event: QKeyEvent) -> None:
        if event.matches(QKeySequence.StandardKey.Undo):
            self.undo()
        elif event.matches(QKeySequence.StandardKey.Redo):
            self.redo()
        else:
            super().keyPressEvent(event)

    # -- painting ---------------------------------------------------------------------
    def paintEvent(self, event: QPaintEvent) -> None:
        p = QPainter(self)
        p.fillRect(self.rect(), QColor("#1b1d21"))
        p.setPen(QColor("#8a8f98"))
        for second in range(0, int(self.width() / PIXELS_PER_SECOND) + 1, 5):
            x = LEFT + second * PIXELS_PER_SECOND
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
        if self.ghost is not None:
            self._paint_ghost(p, self.ghost)
        p.end()

    def _paint_ghost(self, p: QPainter, ghost: Ghost) -> None:
        x = self.x_of(ghost.frame)
        width = max(4.0, self.x_of(ghost.frame + ghost.length) - x)
        rect = QRectF(x, HEADER + ghost.track * TRACK_HEIGHT + 4, width, TRACK_HEIGHT - 8)
        p.fillRect(rect, QColor(255, 255, 255, 50))
        p.setPen(QPen(QColor("#f0c040"), 2))
        p.drawRect(rect)
        p.drawLine(int(x), HEADER, int(x), HEADER + self.tracks * TRACK_HEIGHT)
