"""J/K/L shuttle, as every editor has it: L plays forward, pressed again faster
(1×, 2×, 4×, 8×); J the same backwards; K stops. L while going backwards (or J
while going forwards) first slows down, then turns round."""

from __future__ import annotations

from typing import Protocol

from PySide6.QtCore import QObject, QTimer, Signal

SPEEDS = (1, 2, 4, 8)
REVERSE_TICK_MS = 40  # backwards is shown as a run of seeks, 25 a second


class ShuttleTarget(Protocol):
    """What the shuttle drives (the preview player's playback)."""

    def play(self) -> None: ...

    def pause(self) -> None: ...

    def seek(self, ms: int) -> None: ...

    def position(self) -> int: ...

    def set_rate(self, rate: float) -> None: ...


class Shuttle(QObject):
    """The shuttle's speed and direction for one player.

    Signals: speed_changed(int): the signed speed, 0 when stopped
    """

    speed_changed = Signal(int)

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.speed = 0
        self._target: ShuttleTarget | None = None
        self._timer = QTimer(self)
        self._timer.setInterval(REVERSE_TICK_MS)
        self._timer.timeout.connect(self._step_back)

    def forward(self, target: ShuttleTarget) -> None:
        self._change(target, +1)

    def reverse(self, target: ShuttleTarget) -> None:
        self._change(target, -1)

    def stop(self) -> None:
        """K: stop where it is (paused there, normal speed for the next play)."""
        target, self._target = self._target, None
        self._timer.stop()
        if target is not None and self.speed:
            target.set_rate(1.0)
            target.pause()
        self._set(0)

    def release(self) -> None:
        """The clip changed: forget it without touching its playback."""
        self._timer.stop()
        self._target = None
        self._set(0)

    def _change(self, target: ShuttleTarget, direction: int) -> None:
        self._target = target
        speed = self.speed
        if speed == 0 or (speed > 0) != (direction > 0):
            # Starting, or turning: slow down one step first, then go the other way.
            slower = SPEEDS.index(abs(speed)) - 1 if speed else -1
            speed = direction if slower < 0 else (1 if speed > 0 else -1) * SPEEDS[slower]
        else:
            faster = min(SPEEDS.index(abs(speed)) + 1, len(SPEEDS) - 1)
            speed = direction * SPEEDS[faster]
        self._apply(target, speed)

    def _apply(self, target: ShuttleTarget, speed: int) -> None:
        if speed > 0:
            self._timer.stop()
            target.set_rate(float(speed))
            target.play()
        else:
            target.set_rate(1.0)
            target.pause()
            self._timer.start()
        self._set(speed)

    def _step_back(self) -> None:
        target = self._target
        if target is None:
            self._timer.stop()
            return
        position = target.position() + self.speed * REVERSE_TICK_MS
        target.seek(max(0, position))
        if position <= 0:
            self.stop()  # at the first frame, as editors stop there

    def _set(self, speed: int) -> None:
        if speed != self.speed:
            self.speed = speed
            self.speed_changed.emit(speed)
