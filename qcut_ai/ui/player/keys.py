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

    def jump(self, ms: int) -> None: ...


JUMP_MS = 1000
VOLUME_STEP = 10
_K = Qt.Key
# Held down, these act again and again (step on, turn up); the others act once per press,
# so holding Space or M does not flutter between two states.
_REPEATING = (_K.Key_Left, _K.Key_Right, _K.Key_Up, _K.Key_Down)


def key_action(player: Transport, event: QKeyEvent) -> Callable[[], object] | None:
    """What `event` asks of `player`, or None when the key is not one of the player's.

    Space or K play and pause, Left/Right step a frame, J/L jump a second, M
    mutes, Up/Down change the volume. With Ctrl, Alt or Meta held the key is
    left to the host's shortcuts.
    """
    if event.modifiers() & ~Qt.KeyboardModifier.KeypadModifier:
        return None
    controls = player.controls

    def mute() -> None:
        if player.playable:
            controls.mute_button.toggle()

    def turn(step: int) -> Callable[[], None]:
        return lambda: controls.volume.setValue(controls.volume.value() + step)

    actions: dict[int, Callable[[], object]] = {
        _K.Key_Space: player.toggle_play,
        _K.Key_K: player.toggle_play,
        _K.Key_Left: lambda: player.step_frames(-1),
        _K.Key_Right: lambda: player.step_frames(1),
        _K.Key_J: lambda: player.jump(-JUMP_MS),
        _K.Key_L: lambda: player.jump(JUMP_MS),
        _K.Key_M: mute,
        _K.Key_Up: turn(VOLUME_STEP),
        _K.Key_Down: turn(-VOLUME_STEP),
    }
    action = actions.get(event.key())
    if action is not None and event.isAutoRepeat() and event.key() not in _REPEATING:
        return lambda: None  # still the player's key, but a held one does nothing more
    return action
