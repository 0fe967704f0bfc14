"""The compare view's transport row: play, frame steps, seek bar, loop and In/Out."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QCheckBox, QHBoxLayout, QLabel, QPushButton, QSlider, QWidget

from qcut_ai.ui.compare.transport import SyncedTransport
from qcut_ai.ui.player.controls import clock


class TransportBar(QWidget):
    """Buttons for a SyncedTransport; it shows the set's position and length."""

    def __init__(self, transport: SyncedTransport, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.transport = transport
        self.play_button = QPushButton("Play", self)
        self.play_button.setObjectName("comparePlay")
        self.play_button.clicked.connect(transport.toggle)
        back = QPushButton("◀|", self)
        back.setToolTip("One frame back (Left)")
        back.clicked.connect(lambda: transport.step(-1))
        forward = QPushButton("|▶", self)
        forward.setToolTip("One frame forward (Right)")
        forward.clicked.connect(lambda: transport.step(1))
        self.seek = QSlider(Qt.Orientation.Horizontal, self)
        self.seek.setObjectName("compareSeek")
        self.seek.setAccessibleName("Position of all takes")
        self.seek.sliderMoved.connect(transport.seek)
        self.time = QLabel("0:00 / 0:00", self)
        self.loop = QCheckBox("Loop", self)
        self.loop.setObjectName("compareLoop")
        self.loop.toggled.connect(lambda on: setattr(transport, "looping", on))
        mark_in = QPushButton("In", self)
        mark_in.setToolTip("Loop from here (I)")
        mark_in.clicked.connect(self.mark_in)
        mark_out = QPushButton("Out", self)
        mark_out.setToolTip("Loop up to here (O)")
        mark_out.clicked.connect(self.mark_out)
        self.range = QLabel("", self)
        self.range.setObjectName("compareRange")
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        for button in (self.play_button, back, forward):
            layout.addWidget(button)
        layout.addWidget(self.seek, 1)
        for widget in (self.time, self.loop, mark_in, mark_out, self.range):
            layout.addWidget(widget)
        transport.position_changed.connect(self.show_position)
        transport.playing_changed.connect(
            lambda playing: self.play_button.setText("Pause" if playing else "Play")
        )

    def show_position(self, ms: int) -> None:
        length = self.transport.length_ms()
        self.seek.setRange(0, length)
        if not self.seek.isSliderDown():
            self.seek.setValue(ms)
        self.time.setText(f"{clock(ms / 1000)} / {clock(length / 1000)}")

    def mark_in(self) -> None:
        self.transport.mark_in()
        self.show_range()

    def mark_out(self) -> None:
        self.transport.mark_out()
        self.show_range()

    def show_range(self) -> None:
        t = self.transport
        if t.in_ms is None and t.out_ms is None:
            self.range.setText("")
            return
        start, end = t.span()
        self.range.setText(f"In {clock(start / 1000)} · Out {clock(end / 1000)}")
