"""The preview player's keyboard: which key asks what of the player."""

from __future__ import annotations

from collections.abc import Callable
from typing import Protocol

from PySide6.QtCore import Qt
from PySide6.QtGui import QKeyEvent

from qcut_ai.ui.player.controls import PlayerControls


class Transport(Protocol):
    """What the keys drive (the preview player has it)."""

    controls: PlayerControls

    @property
    def playable(self) -> bool: ...

    def toggle_play(self) -> None: ...

    def step_frames(self, frames: int) -> None: ...

    def shuttle_forward(self) -> None: ...

    def shuttle_reverse(self) -> None: ...

    def halt(self) -> None: ...

    def mark_in(self) -> None: ...

    def mark_out(self) -> None: ...

    def go_to_in(self) -> None: ...

    def go_to_out(self) -> None: ...


VOLUME_STEP = 10
_K = Qt.Key
# Held down, these act again and again (step on, turn up); the others act once per press,
# so holding Space or M does not flutter between two states.
_REPEATING = (_K.Key_Left, _K.Key_Right, _K.Key_Up, _K.Key_Down)


def key_action(player: Transport, event: QKeyEvent) -> Callable[[], object] | None:
    """What `event` asks of `player`, or None when the key is not one of the player's.

    Space plays and pauses; J/K/L shuttle (L forward, again for 2×, 4×, 8×; J
    backwards the same; K stops); Left/Right step a frame; I and O mark In and
    Out, Shift+I and Shift+O go to them; M mutes; Up/Down change the volume.
    With Ctrl, Alt or Meta held the key is left to the host's shortcuts.
    """
    modifiers = event.modifiers() & ~Qt.KeyboardModifier.KeypadModifier
    if modifiers == Qt.KeyboardModifier.ShiftModifier:
        go: dict[int, Callable[[], object]] = {
            _K.Key_I: player.go_to_in,
            _K.Key_O: player.go_to_out,
        }
        return go.get(event.key())
    if modifiers:
        return None
    controls = player.controls

    def mute() -> None:
        if player.playable:
            controls.mute_button.toggle()

    def turn(step: int) -> Callable[[], None]:
        return lambda: controls.volume.setValue(controls.volume.value() + step)

    actions: dict[int, Callable[[], object]] = {
        _K.Key_Space: player.toggle_play,
        _K.Key_K: player.halt,
        _K.Key_Left: lambda: player.step_frames(-1),
        _K.Key_Right: lambda: player.step_frames(1),
        _K.Key_J: player.shuttle_reverse,
        _K.Key_L: player.shuttle_forward,
        _K.Key_I: player.mark_in,
        _K.Key_O: player.mark_out,
        _K.Key_M: mute,
        _K.Key_Up: turn(VOLUME_STEP),
        _K.Key_Down: turn(-VOLUME_STEP),
    }
    action = actions.get(event.key())
    if action is not None and event.isAutoRepeat() and event.key() not in _REPEATING:
        return lambda: None  # still the player's key, but a held one does nothing more
    return action
