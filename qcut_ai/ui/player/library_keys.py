"""J/K/L and I/O work with the bin focused too, as in Resolve's media pool and
Kdenlive's bin: the selected clip is the one in the preview, so its keys drive it."""

from __future__ import annotations

from PySide6.QtCore import QEvent, QObject, Qt
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import QWidget

from qcut_ai.ui.player.keys import key_action
from qcut_ai.ui.player.preview_player import PreviewPlayer

# Only these: arrows, Space and letters the bin uses itself (type-ahead aside) stay its own.
PASSED_ON = (Qt.Key.Key_J, Qt.Key.Key_K, Qt.Key.Key_L, Qt.Key.Key_I, Qt.Key.Key_O)


class BinTransportKeys(QObject):
    """An event filter on the library view that hands the transport keys to the player."""

    def __init__(self, view: QWidget, player: PreviewPlayer) -> None:
        super().__init__(view)
        self._player = player
        view.installEventFilter(self)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() != QEvent.Type.KeyPress or not isinstance(event, QKeyEvent):
            return False
        if event.key() not in PASSED_ON or not self._player.isVisible():
            return False
        action = key_action(self._player, event)
        if action is None:
            return False
        action()
        return True
