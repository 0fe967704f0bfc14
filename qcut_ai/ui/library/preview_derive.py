"""Buttons under the preview for the clip it shows: extend, continue, edit, lipsync.

The same actions as the library's context menu (`derive_actions`), for the
clip the editor is watching; they follow the player's item as it changes, and
its marks: with an Out (or In) mark, Extend, Edit and Lipsync send the marked
range ("Extend from Out"), and "Continue from playhead" starts a new clip from
the exact frame the playhead is on.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QBoxLayout, QHBoxLayout, QPushButton, QWidget

from qcut_ai.core.media import MediaItem
from qcut_ai.ui.library.derive_actions import DERIVE_LABELS, derive_actions
from qcut_ai.ui.player.preview_player import PreviewPlayer

PREVIEW_ACTIONS = ("extend", "continue", "continue_here", "edit", "lipsync")
_MARKED_LABELS = {
    "extend": "Extend from Out…",
    "edit": "Edit marked range…",
    "lipsync": "Lipsync marked range…",
}
_LABELS = {**DERIVE_LABELS, "continue_here": "Continue from playhead…"}


@dataclass(frozen=True)
class PreviewContext:
    """Where the player stands when a button is pressed: what the action should use."""

    at_s: float | None = None  # the playhead, for "continue_here"
    marked: tuple[float, float] | None = None  # (In, Out) in seconds, when marked


class PreviewDeriveBar(QWidget):
    """A row of derive buttons under a PreviewPlayer.

    Signals: derive_requested(str, object, object): an action name ("continue" for
    both continue buttons), the previewed MediaItem and a PreviewContext
    """

    derive_requested = Signal(str, object, object)

    def __init__(self, player: PreviewPlayer) -> None:
        super().__init__(player)
        self.setObjectName("previewDerive")
        self.player = player
        self.buttons: dict[str, QPushButton] = {}
        row = QHBoxLayout(self)
        row.setContentsMargins(0, 0, 0, 0)
        for action in PREVIEW_ACTIONS:
            button = QPushButton(_LABELS[action], self)
            button.setObjectName(f"previewDerive_{action}")
            button.clicked.connect(self._slot(action))
            row.addWidget(button)
            self.buttons[action] = button
        row.addStretch(1)
        layout = player.layout()
        if isinstance(layout, QBoxLayout):
            layout.addWidget(self)
        player.state_changed.connect(self._follow)
        player.marks_changed.connect(self._follow)
        self._follow()

    def _slot(self, action: str) -> Callable[[], None]:
        def chosen() -> None:
            item = self.player.item
            if item is None:
                return
            if action == "continue_here":
                context = PreviewContext(at_s=self.player.position_ms / 1000)
                self.derive_requested.emit("continue", item, context)
                return
            marked = self.player.marked_range if action in _MARKED_LABELS else None
            span = (marked[0] / 1000, marked[1] / 1000) if marked else None
            self.derive_requested.emit(action, item, PreviewContext(marked=span))

        return chosen

    def _follow(self, *_state: object) -> None:
        item: MediaItem | None = self.player.item
        offered = set(derive_actions(item)) if item is not None else set()
        if "continue" in offered:
            offered.add("continue_here")
        marked = self.player.marked_range is not None
        for action, button in self.buttons.items():
            button.setVisible(action in offered)
            label = _MARKED_LABELS.get(action) if marked else None
            button.setText(label or _LABELS[action])
        self.setVisible(bool(offered & set(PREVIEW_ACTIONS)))
