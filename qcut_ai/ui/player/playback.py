"""Playback: the QtMultimedia side of the preview player.

Only this module imports `PySide6.QtMultimedia`, which ships in PySide6-Addons.
A host editor that has PySide6-Essentials alone can still import the player:
`preview_player.open_playback` returns None when this import fails.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QObject, QUrl, Signal
from PySide6.QtMultimedia import (
    QAudioOutput,
    QMediaDevices,
    QMediaPlayer,
    QtAudio,
    QVideoFrame,
    QVideoSink,
)

from qcut_ai.core.errors import MediaError

_Error = QMediaPlayer.Error
_Status = QMediaPlayer.MediaStatus
_Playing = QMediaPlayer.PlaybackState.PlayingState
_Stopped = QMediaPlayer.PlaybackState.StoppedState

# What each backend error means for the person holding the file, and what to do about it.
_REASONS: dict[_Error, tuple[str, str]] = {
    _Error.FormatError: (
        "the file is damaged or in a format this player cannot decode",
        "Check it in another player, or import or generate it again.",
    ),
    _Error.ResourceError: (
        "the file could not be read",
        "Check that it is complete and readable, or relink it from the library.",
    ),
    _Error.AccessDeniedError: (
        "permission to read the file was denied",
        "Check the file's permissions, then select it again.",
    ),
    _Error.NetworkError: (
        "the network location did not answer",
        "Check the connection to the drive that holds it, then select it again.",
    ),
}


def playback_error(path: str, error: QMediaPlayer.Error, detail: str) -> MediaError:
    """The error to show when the backend cannot play `path`: named file, reason, remedy."""
    reason, hint = _REASONS.get(
        error, ("the player reported a problem", "Check the file in another player.")
    )
    detail = detail.strip().rstrip(".")
    extra = f" ({detail})" if detail else ""
    return MediaError(f"{Path(path).name} cannot be played: {reason}{extra}.", hint=hint)


class Playback(QObject):
    """One QMediaPlayer with its sound output and a video-frame feed, for one file at a time.

    Sound goes to the system's default output and follows it when it changes; a
    machine with no audio device plays without sound. Video frames come from a
    QVideoSink rather than a QVideoWidget, so the picture is painted by plain
    widget code that works on every platform plugin, offscreen included.

    Signals:
        loaded(int): the file opened; its duration in ms
        playing_changed(bool): playback started (True) or paused or stopped (False)
        position_changed(int): the position in ms
        duration_changed(int): the duration in ms, once the backend knows it
        failed(str): one sentence naming the file and what to do
        frame_arrived(object): a QVideoFrame to paint (none while stopped)
    """

    loaded = Signal(int)
    playing_changed = Signal(bool)
    position_changed = Signal(int)
    duration_changed = Signal(int)
    failed = Signal(str)
    frame_arrived = Signal(object)

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.player = QMediaPlayer(self)
        self.audio = QAudioOutput(self)
        self.sink = QVideoSink(self)
        self.player.setVideoSink(self.sink)
        self._devices = QMediaDevices(self)
        self._devices.audioOutputsChanged.connect(self._follow_default_output)
        self._follow_default_output()
        self._path = ""
        self._opening = False
        self._resume_after_scrub = False
        # A bound method of this QObject: frames decoded on a backend thread are
        # delivered queued on the GUI thread.
        self.sink.videoFrameChanged.connect(self._on_frame)
        self.player.mediaStatusChanged.connect(self._on_status)
        self.player.playbackStateChanged.connect(self._on_playback_state)
        self.player.positionChanged.connect(self._on_position)
        self.player.durationChanged.connect(self._on_duration)
        self.player.errorOccurred.connect(self._on_error)

    # -- commands -------------------------------------------------------------------
    def open(self, path: str) -> None:
        """Start opening `path` (asynchronous: `loaded` or `failed` follows)."""
        self.player.stop()
        self._path = path
        self._opening = True
        self.player.setSource(QUrl.fromLocalFile(path))

    def close(self) -> None:
        """Stop and let go of the current file, quietly: its last news is of no interest."""
        self._opening = False
        self._path = ""
        self.blockSignals(True)
        try:
            self.player.stop()
            self.player.setSource(QUrl())
        finally:
            self.blockSignals(False)

    def play(self) -> None:
        self.player.play()

    def pause(self) -> None:
        self.player.pause()

    def stop(self) -> None:
        self.player.stop()

    def seek(self, ms: int) -> None:
        """Go to `ms`; a stopped player is paused first so the frame there is shown."""
        if self.player.playbackState() == _Stopped:
            self.player.pause()
        self.player.setPosition(max(0, min(ms, self.duration())))

    def set_rate(self, rate: float) -> None:
        """Play at `rate` times normal speed (the shuttle's 2×, 4×, 8×); 1.0 is normal."""
        if self.player.playbackRate() != rate:
            self.player.setPlaybackRate(rate)

    def step(self, frames: int, fps: float) -> None:
        """Pause, then move `frames` frames on (negative: back), landing on frame starts."""
        if self.is_playing():
            self.player.pause()
        frame = round(self.position() * fps / 1000) + frames
        self.seek(round(frame * 1000 / fps))

    def begin_scrub(self) -> None:
        """The seek handle was grabbed: hold the picture so it follows the handle."""
        self._resume_after_scrub = self.is_playing()
        if self._resume_after_scrub:
            self.player.pause()

    def end_scrub(self) -> None:
        """The handle was let go: play on from there if it was playing before."""
        if self._resume_after_scrub:
            self.player.play()
        self._resume_after_scrub = False

    def set_sound(self, *, muted: bool, volume: int, looping: bool) -> None:
        """Mute, volume (0-100, as a slider shows it) and whether to play over and over."""
        self.audio.setMuted(muted)
        # Ears hear loudness logarithmically: half way on the slider should sound half as loud.
        scale = QtAudio.VolumeScale
        linear = QtAudio.convertVolume(
            volume / 100, scale.LogarithmicVolumeScale, scale.LinearVolumeScale
        )
        self.audio.setVolume(linear)
        self.player.setLoops(QMediaPlayer.Loops.Infinite if looping else QMediaPlayer.Loops.Once)

    # -- queries ----------------------------------------------------------------------
    @property
    def path(self) -> str:
        return self._path

    def position(self) -> int:
        return self.player.position()

    def duration(self) -> int:
        return self.player.duration()

    def is_playing(self) -> bool:
        return self.player.playbackState() == _Playing

    def is_stopped(self) -> bool:
        return self.player.playbackState() == _Stopped

    def is_muted(self) -> bool:
        return self.audio.isMuted()

    def looping(self) -> bool:
        return self.player.loops() == QMediaPlayer.Loops.Infinite

    # -- backend events ---------------------------------------------------------------
    def _on_status(self, status: QMediaPlayer.MediaStatus) -> None:
        # LoadedMedia comes again after a seek while paused; only the first one means "opened".
        if self._opening and status in (_Status.LoadedMedia, _Status.BufferedMedia):
            self._opening = False
            self.loaded.emit(self.player.duration())

    def _on_position(self, ms: int) -> None:
        self.position_changed.emit(ms)
        # Without a sound output, a file without a picture has no clock to end by: its
        # position stops at the end while the backend says "playing". Finish it here.
        silent_audio = self.player.audioOutput() is None and not self.player.hasVideo()
        if silent_audio and self.is_playing() and 0 < self.duration() <= ms:
            if self.looping():
                self.player.setPosition(0)
            else:
                self.player.stop()

    def _on_duration(self, ms: int) -> None:
        self.duration_changed.emit(ms)

    def _on_playback_state(self, state: QMediaPlayer.PlaybackState) -> None:
        self.playing_changed.emit(state == _Playing)

    def _on_error(self, error: QMediaPlayer.Error, detail: str) -> None:
        if error == _Error.NoError or not self._path:
            return
        self._opening = False
        self.failed.emit(playback_error(self._path, error, detail).user_text())

    def _on_frame(self, frame: QVideoFrame) -> None:
        # Stopped shows the poster: frames still queued from before Stop stay unseen.
        if frame.isValid() and not self.is_stopped():
            self.frame_arrived.emit(frame)

    def _follow_default_output(self) -> None:
        device = QMediaDevices.defaultAudioOutput()
        if device.isNull():
            # No sound card: no sound thread either (the picture keeps time on its own),
            # rather than one that fails and warns on every start.
            self.player.setAudioOutput(None)  # type: ignore[arg-type]
        else:
            self.audio.setDevice(device)
            self.player.setAudioOutput(self.audio)
