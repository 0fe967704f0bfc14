"""PreviewPlayer: the selected library item, played for real in the panel's preview pane.

Pictures are read in a worker and files open asynchronously (`playback.py`),
so selecting an item never blocks the GUI thread.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, Qt, Signal
from PySide6.QtGui import QHideEvent, QImage, QKeyEvent
from PySide6.QtWidgets import QLabel, QVBoxLayout, QWidget

from qcut_ai.core.media_kinds import MediaKind
from qcut_ai.jobs.tasks import TaskRunner, default_runners
from qcut_ai.ui.player.controls import PlayerControls, clock
from qcut_ai.ui.player.keys import key_action
from qcut_ai.ui.player.shuttle import Shuttle
from qcut_ai.ui.player.video_view import PreviewStills, VideoView, load_stills

if TYPE_CHECKING:
    from qcut_ai.core.media import MediaItem
    from qcut_ai.ui.player.playback import Playback

__all__ = ["NEEDS_ADDONS", "PreviewPlayer", "clock", "open_playback"]

NO_PICTURE = "No preview picture has been made for this item yet."
NEEDS_ADDONS = "Playback needs PySide6-Addons (QtMultimedia); only the poster is shown."
_FALLBACK_FPS = 30.0
_PLAYABLE = (MediaKind.VIDEO, MediaKind.AUDIO)


def open_playback(parent: QObject) -> Playback | None:
    """A Playback owned by `parent`, or None when QtMultimedia (PySide6-Addons) is absent."""
    try:
        from qcut_ai.ui.player.playback import Playback
    except ImportError:
        return None
    return Playback(parent)


class PreviewPlayer(QWidget):
    """Previews one library item: video and audio play for real, images show scaled to fit.

    The poster (or waveform) shows until playback starts, and again after Stop.
    Keys, while the player (or the library, which passes them on) has focus,
    see `keys.key_action`: Space plays and pauses; J/K/L shuttle; Left/Right
    step one frame back or forward (pausing first; a frame is 1/fps of the
    clip, or 1/30 s when its rate is unknown); I/O mark In and Out (Shift
    goes to them); M mutes; Up/Down change the volume. Time is shown as
    timecode at the clip's rate. Hiding the player pauses it.

    States: "empty" (nothing selected), "loading", "ready" (stopped, paused or
    at the end; also a still image), "playing", "missing" (the file is gone)
    and "error" (the file cannot be played).

    Signals:
        state_changed(str): the new state
        marks_changed(object): (in_ms, out_ms), either None when not marked
    """

    state_changed = Signal(str)
    marks_changed = Signal(object)

    def __init__(self, parent: QWidget | None = None, *, runner: TaskRunner | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("previewPlayer")
        self.setAccessibleName("Clip preview")
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        self.item: MediaItem | None = None
        self.state = "empty"
        self.playback: Playback | None = None
        self._backend_tried = False
        self._generation = 0
        self._runner = runner or default_runners().media
        self._poster: QImage | None = None
        self._media_ready = False
        self._duration_ms: int | None = None
        self._want_play = False  # play was asked for while the file was still opening
        self.in_ms: int | None = None
        self.out_ms: int | None = None
        self.shuttle = Shuttle(self)

        self.title = QLabel(self)
        self.title.setObjectName("previewTitle")
        self.title.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.picture = VideoView(self)
        self.controls = controls = PlayerControls(self)
        self.play_button, self.stop_button = controls.play_button, controls.stop_button
        self.position = controls.position
        self.notice = QLabel(NEEDS_ADDONS, self)
        self.notice.setObjectName("previewNotice")
        self.notice.setWordWrap(True)
        self.notice.setEnabled(False)  # drawn dimmed: a note, not a control
        self.notice.hide()

        controls.play_clicked.connect(self.toggle_play)
        controls.stop_clicked.connect(self.stop)
        controls.seek_requested.connect(self.seek)
        self.shuttle.speed_changed.connect(controls.show_speed)
        for changed in (controls.muted_toggled, controls.volume_changed, controls.loop_toggled):
            changed.connect(self._apply_sound)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 4)
        layout.addWidget(self.title)
        layout.addWidget(self.picture, 1)
        layout.addWidget(controls)
        layout.addWidget(self.notice)
        self.show_item(None)

    # -- public API ------------------------------------------------------------------
    def show_item(self, item: MediaItem | None) -> None:
        """Show `item` (None clears the player); whatever played before stops.

        Showing the item that is already loaded keeps its place, so Space in the
        library after selecting a clip plays it rather than reloading it.
        """
        current = self.item
        if (
            item is not None
            and current is not None
            and (item.id, item.path, item.missing) == (current.id, current.path, current.missing)
            and self.state in ("loading", "ready", "playing")
        ):
            self.item = item
            self.title.setText(item.display_name)
            return
        self._generation += 1
        self._release()
        self.item = item
        self._set_marks(None, None)
        self.title.setText(item.display_name if item is not None else "")
        self.title.setToolTip(item.path if item is not None else "")
        self.controls.clear_time()  # a still has no time; a clip's shows once known
        if item is None:
            self.picture.show_text("Select a clip to preview it.")
            self._set_state("empty")
            return
        self._show_time(0)
        if item.missing:
            self._show_missing()
            return
        self.picture.show_text("Loading…")
        self._set_state("loading")
        generation = self._generation
        self._runner.start(
            lambda _abort, _progress: load_stills(item, generation),
            self._on_stills,
            self._on_failed,
            key=("preview", id(self)),  # a newer clip's stills replace these
            receiver=self,
            name="preview stills",
        )

    def toggle_play(self) -> None:
        """Play from where it is, or pause there. While the file opens, play once it has.
        While shuttling, stop there."""
        if self.shuttle.speed:
            self.shuttle.stop()
            return
        live = self._live()
        if live is not None and self.state == "playing":
            live.pause()
        elif live is not None and self.state == "ready":
            live.play()
        elif self.state == "loading" and self.item is not None:
            self._want_play = self.item.kind in _PLAYABLE and not self._want_play

    def stop(self) -> None:
        """Stop and go back to the start: the poster is shown again."""
        self._want_play = False
        self.shuttle.release()
        live = self._live()
        if live is not None:
            live.stop()
            self._show_start()
            self._show_time(0)
            self._set_state("ready")

    def seek(self, ms: int) -> None:
        """Show the picture at `ms` (playing goes on from there; stopped turns to paused)."""
        if live := self._live():
            live.seek(ms)

    def step_frames(self, count: int) -> None:
        """Pause, then move `count` frames forward (negative: back)."""
        self.shuttle.stop()
        if (live := self._live()) and self.item is not None:
            live.step(count, self.item.probe.fps or _FALLBACK_FPS)

    def jump(self, ms: int) -> None:
        """Move `ms` forward (negative: back), playing or not."""
        if live := self._live():
            live.seek(live.position() + ms)

    def shuttle_forward(self) -> None:
        """L: play forward, faster each press."""
        if live := self._live():
            self.shuttle.forward(live)

    def shuttle_reverse(self) -> None:
        """J: play backwards, faster each press."""
        if live := self._live():
            self.shuttle.reverse(live)

    def halt(self) -> None:
        """K: stop shuttling or playing, and stay on this frame."""
        if self.shuttle.speed:
            self.shuttle.stop()
        elif (live := self._live()) and self.state == "playing":
            live.pause()

    def mark_in(self) -> None:
        """I: the In point at the playhead (an Out before it is cleared)."""
        if self._live() is not None:
            here = self.position_ms
            out = self.out_ms if self.out_ms is not None and self.out_ms > here else None
            self._set_marks(here, out)

    def mark_out(self) -> None:
        """O: the Out point at the playhead (an In after it is cleared)."""
        if self._live() is not None:
            here = self.position_ms
            start = self.in_ms if self.in_ms is not None and self.in_ms < here else None
            self._set_marks(start, here)

    def go_to_in(self) -> None:
        if self.in_ms is not None:
            self.shuttle.stop()
            self.seek(self.in_ms)

    def go_to_out(self) -> None:
        if self.out_ms is not None:
            self.shuttle.stop()
            self.seek(self.out_ms)

    @property
    def marked_range(self) -> tuple[int, int] | None:
        """(in, out) in ms when both are marked; a mark alone runs to the clip's edge."""
        if self.in_ms is None and self.out_ms is None:
            return None
        end = self.out_ms if self.out_ms is not None else self.duration_ms
        return (self.in_ms or 0, end if end is not None else self.in_ms or 0)

    def _set_marks(self, in_ms: int | None, out_ms: int | None) -> None:
        if (in_ms, out_ms) == (self.in_ms, self.out_ms):
            return
        self.in_ms, self.out_ms = in_ms, out_ms
        fps = self.item.probe.fps if self.item is not None else None
        self.controls.show_marks(in_ms, out_ms, fps)
        self.marks_changed.emit((in_ms, out_ms))

    @property
    def playable(self) -> bool:
        """True once a video or audio file has opened and can be played."""
        return self._live() is not None

    @property
    def position_ms(self) -> int:
        live = self._live()
        return live.position() if live is not None else 0

    @property
    def duration_ms(self) -> int | None:
        """The backend's duration once known, else the probed one, in ms."""
        duration = self.item.duration if self.item is not None else None
        return self._duration_ms or (round(duration * 1000) if duration else None)

    # -- loading ------------------------------------------------------------------------
    def _live(self) -> Playback | None:
        """The playback, when a file is open in it."""
        return self.playback if self._media_ready else None

    def _release(self) -> None:
        """Forget the current item; the playback stops and lets go of its file."""
        self.shuttle.release()
        self._want_play = self._media_ready = False
        self._duration_ms, self._poster = None, None
        self.notice.hide()
        if self.playback is not None:
            self.playback.close()

    def _backend(self) -> Playback | None:
        # Made on first use: an app that never previews a clip never loads FFmpeg.
        if not self._backend_tried:
            self._backend_tried = True
            self.playback = playback = open_playback(self)
            if playback is not None:
                playback.loaded.connect(self._on_media_loaded)
                playback.playing_changed.connect(self._on_playing_changed)
                playback.position_changed.connect(self._show_time)
                playback.duration_changed.connect(self._on_duration)
                playback.failed.connect(self._on_failed)
                playback.frame_arrived.connect(self.picture.show_frame)
                self.controls.scrub_started.connect(playback.begin_scrub)
                self.controls.scrub_finished.connect(playback.end_scrub)
                self._apply_sound()
        return self.playback

    def _on_stills(self, result: PreviewStills) -> None:
        if result.generation != self._generation or self.item is None:
            return  # the selection moved on while this item loaded
        if result.missing:
            self._show_missing()
            return
        self._poster = result.poster
        self.picture.show_still(result.poster, NO_PICTURE)
        playback = self._backend() if self.item.kind in _PLAYABLE else None
        if playback is not None:
            playback.open(self.item.path)  # "ready" follows once it has opened
            return
        self.notice.setVisible(self.item.kind in _PLAYABLE)
        self._set_state("ready")

    def _show_missing(self) -> None:
        assert self.item is not None
        self.picture.show_text(
            f"File missing: {self.item.path} was moved or deleted. Relink it from the library."
        )
        self._set_state("missing")

    def _show_start(self) -> None:
        self.picture.show_still(self._poster, NO_PICTURE)
        if self._poster is None and self.item is not None and self.item.kind is MediaKind.VIDEO:
            self.seek(0)  # no poster yet: the first frame stands in for it

    # -- playback events ------------------------------------------------------------------
    def _on_media_loaded(self, duration_ms: int) -> None:
        self._media_ready = True
        self._duration_ms = duration_ms or None
        self._set_state("ready")
        self._show_start()
        self._show_time(0)
        if self._want_play and self.playback is not None:
            self._want_play = False
            self.playback.play()

    def _on_playing_changed(self, playing: bool) -> None:
        if self._media_ready:
            self._set_state("playing" if playing else "ready")

    def _on_duration(self, duration_ms: int) -> None:
        if duration_ms > 0 and (live := self._live()):
            self._duration_ms = duration_ms
            self._show_time(live.position())

    def _on_failed(self, sentence: str) -> None:
        self._want_play = self._media_ready = False
        self.picture.show_text(sentence)
        self._set_state("error")

    def _apply_sound(self, _value: object = None) -> None:
        if self.playback is not None:
            c = self.controls
            muted, looping = c.mute_button.isChecked(), c.loop_button.isChecked()
            self.playback.set_sound(muted=muted, volume=c.volume.value(), looping=looping)

    def _show_time(self, position_ms: int) -> None:
        if self.item is not None and self.item.kind in _PLAYABLE:
            self.controls.show_time(position_ms, self.duration_ms, self.item.probe.fps)

    def _set_state(self, state: str) -> None:
        self.controls.set_playable(state in ("ready", "playing") and self.playable)
        self.controls.set_playing(state == "playing")
        if state != self.state:
            self.state = state
            self.state_changed.emit(state)

    # -- events ---------------------------------------------------------------------------
    def keyPressEvent(self, event: QKeyEvent) -> None:
        action = key_action(self, event)
        if action is None:
            super().keyPressEvent(event)
            return
        event.accept()
        action()

    def hideEvent(self, event: QHideEvent) -> None:
        # A hidden player must not go on playing where nobody sees it.
        self._want_play = False
        if self.state == "playing" and self.playback is not None:
            self.playback.pause()
        super().hideEvent(event)
