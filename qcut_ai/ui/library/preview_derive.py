"""Buttons under the preview for the clip it shows: extend, continue, edit, lipsync.

The same actions as the library's context menu (`derive_actions`), for the
clip the editor is watching; they follow the player's item as it changes.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QBoxLayout, QHBoxLayout, QPushButton, QWidget

from qcut_ai.core.media import MediaItem
from qcut_ai.ui.library.derive_actions import DERIVE_LABELS, derive_actions
from qcut_ai.ui.player.preview_player import PreviewPlayer

PREVIEW_ACTIONS = ("extend", "continue", "edit", "lipsync")


class PreviewDeriveBar(QWidget):
    """A row of derive buttons under a PreviewPlayer.

    Signals: derive_requested(str, object): an action name and the previewed MediaItem
    """

    derive_requested = Signal(str, object)

    def __init__(self, player: PreviewPlayer) -> None:
        super().__init__(player)
        self.setObjectName("previewDerive")
        self.player = player
        self.buttons: dict[str, QPushButton] = {}
        row = QHBoxLayout(self)
        row.setContentsMargins(0, 0, 0, 0)
        for action in PREVIEW_ACTIONS:
            button = QPushButton(DERIVE_LABELS[action], self)
            button.setObjectName(f"previewDerive_{action}")
            button.clicked.connect(self._slot(action))
            row.addWidget(button)
            self.buttons[action] = button
        row.addStretch(1)
        layout = player.layout()
        if isinstance(layout, QBoxLayout):
            layout.addWidget(self)
        player.state_changed.connect(self._follow)
        self._follow()

    def _slot(self, action: str) -> Callable[[], None]:
        def chosen() -> None:
            item = self.player.item
            if item is not None:
                self.derive_requested.emit(action, item)

        return chosen

    def _follow(self, *_state: object) -> None:
        item: MediaItem | None = self.player.item
        offered = set(derive_actions(item)) if item is not None else set()
        for action, button in self.buttons.items():
            button.setVisible(action in offered)
        self.setVisible(bool(offered & set(PREVIEW_ACTIONS)))
