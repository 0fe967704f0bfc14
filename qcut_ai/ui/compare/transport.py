"""SyncedTransport: one play/pause/seek/step for every take of a comparison.

Each cell keeps its own QMediaPlayer (decoding runs on QtMultimedia's threads,
never on the GUI thread). The transport holds the set's clock, a monotonic
timer started at Play, and a light follow timer checks each player against
it: a player more than a frame off is put back on the clock, and a clip
shorter than the set holds its last frame until the set ends or loops.
"""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtCore import QElapsedTimer, QObject, QTimer, Signal

from qcut_ai.ui.compare.cell import TakeCell

FOLLOW_MS = 40  # the follow check: often enough to catch a frame's slip at 25-60 fps
SETTLE_MS = 400  # a player just started or put back gets this long before it is judged
JUMP_MS = 1000
SEEK_FRAMES = 4  # a take further off than this is put back by a seek, nearer by its rate
NUDGE = 0.05  # how much faster or slower a take that slipped plays until it is back


class SyncedTransport(QObject):
    """Plays the cells together. Signals: position_changed(int), playing_changed(bool)."""

    position_changed = Signal(int)
    playing_changed = Signal(bool)

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.cells: list[TakeCell] = []
        self.playing = False
        self.looping = False
        self.in_ms: int | None = None
        self.out_ms: int | None = None
        self.solo: int | None = None
        self.max_spread_frames = 0  # the widest gap seen between cells' frames while playing
        self._clock = QElapsedTimer()
        self._origin_ms = 0
        self._paused_at = 0
        self._settle: dict[int, int] = {}  # cell index -> clock ms before which it is not judged
        self._follow = QTimer(self)
        self._follow.setInterval(FOLLOW_MS)
        self._follow.timeout.connect(self._on_follow)

    # -- the set ----------------------------------------------------------------------
    def set_cells(self, cells: Sequence[TakeCell]) -> None:
        self.cells = list(cells)
        self.apply_sound()

    def ready_cells(self) -> list[TakeCell]:
        return [c for c in self.cells if c.ready and c.playback is not None]

    def length_ms(self) -> int:
        return max((c.duration_ms for c in self.ready_cells()), default=0)

    def frame_ms(self) -> float:
        fps = max((c.fps for c in self.ready_cells()), default=30.0)
        return 1000.0 / fps

    def span(self) -> tuple[int, int]:
        """Where the set plays from and to: the In/Out range, or the whole of it."""
        start = self.in_ms or 0
        end = self.out_ms if self.out_ms is not None else self.length_ms()
        return start, max(start, end)

    def position(self) -> int:
        if self.playing:
            return self._origin_ms + int(self._clock.elapsed())
        return self._paused_at

    # -- commands ---------------------------------------------------------------------
    def toggle(self) -> None:
        self.pause() if self.playing else self.play()

    def play(self) -> None:
        cells = self.ready_cells()
        if self.playing or not cells:
            return
        start, end = self.span()
        at = self._paused_at
        if at >= end - self.frame_ms() or at < start:
            at = start
        self._origin_ms = at
        self._clock.start()
        self.playing = True
        for cell in cells:
            self._place(cell, at, play=True)
        self._follow.start()
        self.playing_changed.emit(True)

    def pause(self) -> None:
        if not self.playing:
            return
        at = self.position()
        self.playing = False
        self._follow.stop()
        self._paused_at = at
        for cell in self.ready_cells():
            assert cell.playback is not None
            cell.playback.pause()
        # Every cell lands on the same frame, not wherever its decoder happened to be.
        self.seek(at)
        self.playing_changed.emit(False)

    def seek(self, ms: int) -> None:
        at = max(0, min(ms, self.length_ms()))
        if self.playing:
            self._origin_ms = at
            self._clock.restart()
        else:
            self._paused_at = at
        for cell in self.ready_cells():
            self._place(cell, at, play=self.playing)
        self.position_changed.emit(at)

    def step(self, frames: int) -> None:
        """Pause, then move `frames` frames on (negative: back), landing on frame starts."""
        self.pause()
        frame_ms = self.frame_ms()
        frame = round(self.position() / frame_ms) + frames
        self.seek(round(frame * frame_ms))

    def jump(self, ms: int) -> None:
        self.seek(self.position() + ms)

    def mark_in(self) -> None:
        self.in_ms = self.position()
        if self.out_ms is not None and self.out_ms <= self.in_ms:
            self.out_ms = None

    def mark_out(self) -> None:
        self.out_ms = self.position()
        if self.in_ms is not None and self.in_ms >= self.out_ms:
            self.in_ms = None

    def clear_range(self) -> None:
        self.in_ms = self.out_ms = None

    def toggle_solo(self, index: int) -> None:
        """Hear only cell `index`; asking again for the one heard silences it."""
        self.solo = None if self.solo == index else index
        self.apply_sound()

    def apply_sound(self) -> None:
        for cell in self.cells:
            if cell.playback is not None:
                # Looping is the set's business: each player plays once and is restarted.
                cell.playback.set_sound(muted=cell.index != self.solo, volume=100, looping=False)
            cell.solo_button.setChecked(cell.index == self.solo)

    def join(self, cell: TakeCell) -> None:
        """A take that has just opened joins the set where it is."""
        self.apply_sound()
        self._place(cell, self.position(), play=self.playing)

    def stop_all(self) -> None:
        self._follow.stop()
        self.playing = False
        for cell in self.cells:
            cell.release()

    def spread_frames(self) -> int:
        """How many frames apart the running cells' pictures are now."""
        frames = [
            n
            for c in self.ready_cells()
            if not self._held(c, self.position()) and (n := c.frame_number()) is not None
        ]
        return max(frames) - min(frames) if len(frames) > 1 else 0

    # -- following the clock ------------------------------------------------------------
    def _held(self, cell: TakeCell, at: int) -> bool:
        """True when `at` lies past the cell's last frame: it shows that frame and waits."""
        return at >= cell.duration_ms - self.frame_ms()

    def _place(self, cell: TakeCell, at: int, *, play: bool) -> None:
        playback = cell.playback
        assert playback is not None
        if self._held(cell, at):
            playback.pause()
            playback.seek(max(0, cell.duration_ms - round(self.frame_ms())))
            return
        playback.player.setPlaybackRate(1.0)
        playback.seek(at)
        if play:
            playback.play()
            self._settle[cell.index] = int(self._clock.elapsed()) + SETTLE_MS
        else:
            playback.pause()

    def _on_follow(self) -> None:
        at = self.position()
        start, end = self.span()
        if at >= end:
            if self.looping:
                self.seek(start)
            else:
                self.pause()
                self.seek(end)
            return
        now = int(self._clock.elapsed())
        slip = self.frame_ms()
        for cell in self.ready_cells():
            assert cell.playback is not None
            if self._held(cell, at):
                if cell.playback.is_playing():
                    self._place(cell, at, play=False)
                continue
            if now < self._settle.get(cell.index, 0):
                continue
            off = cell.playback.position() - at
            if not cell.playback.is_playing() or abs(off) > SEEK_FRAMES * slip:
                self._place(cell, at, play=True)
                continue
            # A small slip is taken up by playing that take a little slower or faster:
            # a seek would stall it and slip it further.
            rate = 1.0 if abs(off) <= slip / 2 else (1 - NUDGE if off > 0 else 1 + NUDGE)
            if cell.playback.player.playbackRate() != rate:
                cell.playback.player.setPlaybackRate(rate)
        self.max_spread_frames = max(self.max_spread_frames, self.spread_frames())
        self.position_changed.emit(at)
