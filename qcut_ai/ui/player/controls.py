"""PlayerControls: the preview player's transport bar."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QHBoxLayout, QLabel, QSlider, QToolButton, QVBoxLayout, QWidget


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
        self._following = False  # True while the player, not the user, moves the handle

        self.seek.sliderPressed.connect(self.scrub_started)
        self.seek.sliderReleased.connect(self.scrub_finished)
        self.seek.valueChanged.connect(self._on_seek)
        self.volume.valueChanged.connect(self.volume_changed)

        row = QHBoxLayout()
        row.setContentsMargins(0, 0, 0, 0)
        for button in (self.play_button, self.stop_button, self.loop_button):
            row.addWidget(button)
        row.addWidget(self.position, 1)
        row.addWidget(self.mute_button)
        row.addWidget(self.volume)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.seek)
        layout.addLayout(row)

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
        self.play_button.setToolTip("Pause (Space or K)" if playing else "Play (Space or K)")

    def show_time(self, position_ms: int, duration_ms: int | None) -> None:
        """Move the handle (unless the user holds it) and write `m:ss / m:ss`."""
        self._following = True
        try:
            if duration_ms is not None and self.seek.maximum() != duration_ms:
                self.seek.setRange(0, max(0, duration_ms))
            if not self.seek.isSliderDown():
                self.seek.setValue(position_ms)
        finally:
            self._following = False
        duration = duration_ms / 1000 if duration_ms is not None else None
        self.position.setText(f"{clock(position_ms / 1000)} / {clock(duration)}")

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
