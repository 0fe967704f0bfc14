"""PlayerControls: the preview player's transport bar."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QHBoxLayout, QLabel, QSlider, QToolButton, QVBoxLayout, QWidget

from qcut_ai.core.timecode import timecode


def clock(seconds: float | None) -> str:
    """`m:ss`, or an em dash when the duration is unknown."""
    if seconds is None:
        return "—"
    whole = max(0, round(seconds))
    return f"{whole // 60}:{whole % 60:02d}"


class PlayerControls(QWidget):
    """Play/Pause, Stop, a seek slider that scrubs, the time, Loop, Mute and volume.

    None of the controls takes keyboard focus: the keys belong to the player,
    which owns the shortcuts. The seek slider reports every user change (drag,
    click on the groove) but ignores the player moving it along.

    Signals:
        play_clicked(): Play/Pause pressed
        stop_clicked(): Stop pressed
        scrub_started(): the seek handle was grabbed
        seek_requested(int): the user moved the seek slider to this many ms
        scrub_finished(): the seek handle was let go
        muted_toggled(bool): Mute pressed
        volume_changed(int): the volume slider moved (0-100)
        loop_toggled(bool): Loop pressed
    """

    play_clicked = Signal()
    stop_clicked = Signal()
    scrub_started = Signal()
    seek_requested = Signal(int)
    scrub_finished = Signal()
    muted_toggled = Signal(bool)
    volume_changed = Signal(int)
    loop_toggled = Signal(bool)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.play_button = self._button("Play", "previewPlay", self.play_clicked.emit)
        self.stop_button = self._button("Stop", "previewStop", self.stop_clicked.emit)
        self.loop_button = self._button("Loop", "previewLoop", self.loop_toggled.emit, True)
        self.loop_button.setToolTip("Play the clip over and over")
        self.mute_button = self._button("Mute", "previewMute", self.muted_toggled.emit, True)
        self.mute_button.setToolTip("Mute (M)")
        self.seek = self._slider("previewSeek", "Position")
        self.seek.setRange(0, 0)
        self.seek.setPageStep(1000)
        self.volume = self._slider("previewVolume", "Volume")
        self.volume.setRange(0, 100)
        self.volume.setValue(100)
        self.volume.setMaximumWidth(90)
        self.position = QLabel(self)
        self.position.setObjectName("previewPosition")
        self.position.setToolTip("Timecode at the clip's frame rate: hours:minutes:seconds:frames")
        self.speed = QLabel(self)
        self.speed.setObjectName("previewSpeed")
        self.speed.hide()
        self.marks = QLabel(self)
        self.marks.setObjectName("previewMarks")
        self.marks.setWordWrap(True)
        self.marks.hide()
        self._following = False  # True while the player, not the user, moves the handle

        self.seek.sliderPressed.connect(self.scrub_started)
        self.seek.sliderReleased.connect(self.scrub_finished)
        self.seek.valueChanged.connect(self._on_seek)
        self.volume.valueChanged.connect(self.volume_changed)

        # The timecode sits beside the seek bar: it needs its full width, the buttons below
        # share theirs.
        bar = QHBoxLayout()
        bar.setContentsMargins(0, 0, 0, 0)
        bar.addWidget(self.seek, 1)
        bar.addWidget(self.position)
        row = QHBoxLayout()
        row.setContentsMargins(0, 0, 0, 0)
        for button in (self.play_button, self.stop_button, self.loop_button):
            row.addWidget(button)
        row.addStretch(1)
        row.addWidget(self.speed)
        row.addWidget(self.mute_button)
        row.addWidget(self.volume)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(bar)
        layout.addLayout(row)
        layout.addWidget(self.marks)

    def _button(
        self, text: str, name: str, slot: Callable[..., None], checkable: bool = False
    ) -> QToolButton:
        button = QToolButton(self)
        button.setText(text)
        button.setObjectName(name)
        button.setCheckable(checkable)
        button.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        if checkable:
            button.toggled.connect(slot)
        else:
            button.clicked.connect(lambda _checked=False: slot())
        return button

    def _slider(self, name: str, accessible: str) -> QSlider:
        slider = QSlider(Qt.Orientation.Horizontal, self)
        slider.setObjectName(name)
        slider.setAccessibleName(accessible)
        slider.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        return slider

    # -- what the player tells the bar --------------------------------------------------
    def set_playable(self, playable: bool) -> None:
        for widget in (
            self.play_button,
            self.stop_button,
            self.seek,
            self.loop_button,
            self.mute_button,
            self.volume,
        ):
            widget.setEnabled(playable)

    def set_playing(self, playing: bool) -> None:
        self.play_button.setText("Pause" if playing else "Play")
        self.play_button.setToolTip("Pause (Space or K)" if playing else "Play (Space, or L)")

    def show_time(self, position_ms: int, duration_ms: int | None, fps: float | None) -> None:
        """Move the handle (unless the user holds it) and write the timecode of the
        position and of the duration, at the clip's rate."""
        self._following = True
        try:
            if duration_ms is not None and self.seek.maximum() != duration_ms:
                self.seek.setRange(0, max(0, duration_ms))
            if not self.seek.isSliderDown():
                self.seek.setValue(position_ms)
        finally:
            self._following = False
        total = timecode(duration_ms / 1000, fps) if duration_ms is not None else "—"
        self.position.setText(f"{timecode(position_ms / 1000, fps)} / {total}")

    def show_speed(self, speed: int) -> None:
        """The shuttle's speed beside the time (hidden at a standstill)."""
        self.speed.setText(f"{'◀' if speed < 0 else '▶'} {abs(speed)}×")
        self.speed.setVisible(speed != 0)

    def show_marks(self, in_ms: int | None, out_ms: int | None, fps: float | None) -> None:
        """`In … · Out … · … long` under the bar, hidden while nothing is marked."""
        parts = []
        if in_ms is not None:
            parts.append(f"In {timecode(in_ms / 1000, fps)}")
        if out_ms is not None:
            parts.append(f"Out {timecode(out_ms / 1000, fps)}")
        if in_ms is not None and out_ms is not None:
            parts.append(f"{timecode((out_ms - in_ms) / 1000, fps)} long")
        self.marks.setText(" · ".join(parts))
        self.marks.setVisible(bool(parts))

    def clear_time(self) -> None:
        self._following = True
        try:
            self.seek.setRange(0, 0)
        finally:
            self._following = False
        self.position.setText("")

    # -- what the user does ---------------------------------------------------------------
    def _on_seek(self, value: int) -> None:
        if not self._following:
            self.seek_requested.emit(value)
