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
from typing import TYPE_CHECKING

from PySide6.QtCore import Signal
from PySide6.QtGui import QResizeEvent, QShowEvent
from PySide6.QtWidgets import QBoxLayout, QHBoxLayout, QMenu, QToolButton, QWidget

from qcut_ai.ui.library.derive_actions import DERIVE_LABELS, derive_actions
from qcut_ai.ui.player.preview_player import PreviewPlayer

if TYPE_CHECKING:
    # The media records are pydantic models, loaded after the first paint.
    from qcut_ai.core.media import MediaItem

PREVIEW_ACTIONS = ("extend", "continue", "continue_here", "edit", "lipsync")
# Short labels (the tooltips say it all): five buttons share the preview's width.
_LABELS = {
    "extend": "Extend…",
    "continue": "Continue…",
    "continue_here": "From playhead…",
    "edit": "Edit…",
    "lipsync": "Lipsync…",
}
_MARKED_LABELS = {"extend": "Extend from Out…", "edit": "Edit range…", "lipsync": "Lipsync range…"}
_TIPS = {
    **DERIVE_LABELS,
    "continue": "Continue from the clip's exact last frame, with an image model",
    "continue_here": "Continue from the exact frame at the playhead, with an image model",
    "extend": "Extend the clip (with an Out mark: the clip up to Out)",
    "edit": "Edit / restyle the clip (with marks: the marked range)",
    "lipsync": "Lipsync the clip to a sound (with marks: the marked range)",
}


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
        self.buttons: dict[str, QToolButton] = {}
        self._offered: list[str] = []
        # One row: what fits is a button, the rest is under More (a narrow preview
        # must not grow taller and push the generator out of view).
        self._row = QHBoxLayout(self)
        self._row.setContentsMargins(0, 0, 0, 0)
        self._row.setSpacing(4)
        for action in PREVIEW_ACTIONS:
            button = QToolButton(self)
            button.setText(_LABELS[action])
            button.setObjectName(f"previewDerive_{action}")
            button.setToolTip(_TIPS[action])
            button.clicked.connect(self._slot(action))
            self._row.addWidget(button)
            self.buttons[action] = button
        self.more = QToolButton(self)
        self.more.setText("More")
        self.more.setObjectName("previewDeriveMore")
        self.more.setPopupMode(QToolButton.ToolButtonPopupMode.InstantPopup)
        self.more.setMenu(QMenu(self.more))
        self._row.addWidget(self.more)
        self._row.addStretch(1)
        layout = player.layout()
        if isinstance(layout, QBoxLayout):
            layout.addWidget(self)
        player.state_changed.connect(self._follow)
        player.marks_changed.connect(self._follow)
        self._follow()

    def offered(self) -> list[str]:
        """The actions offered for the clip shown, as buttons or under More."""
        return list(self._offered)

    def trigger(self, action: str) -> None:
        """Do `action` as its button (or its entry under More) would."""
        if action in self._offered:
            self._slot(action)()

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        self._reflow(event.size().width())

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        self._reflow(self.width())

    def _reflow(self, width: int) -> None:
        if width <= 0:  # not laid out yet: every action a button until the bar has a width
            width = 1 << 20
        spacing = self._row.spacing()
        room = width - self.more.sizeHint().width() - spacing
        fits: list[str] = []
        used = 0
        for action in self._offered:
            need = self.buttons[action].sizeHint().width() + spacing
            everything = used + need <= width and len(fits) == len(self._offered) - 1
            if used + need <= room or everything:
                fits.append(action)
                used += need
            else:
                break
        menu = self.more.menu()
        menu.clear()
        for action in PREVIEW_ACTIONS:
            self.buttons[action].setHidden(action not in fits)
            if action in self._offered and action not in fits:
                entry = menu.addAction(self.buttons[action].text(), self._slot(action))
                entry.setToolTip(_TIPS[action])
        self.more.setHidden(menu.isEmpty())

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
        self._offered = [a for a in PREVIEW_ACTIONS if a in offered]
        for action, button in self.buttons.items():
            label = _MARKED_LABELS.get(action) if marked else None
            button.setText(label or _LABELS[action])
        self.setVisible(bool(self._offered))
        self._reflow(self.width())
