"""CompareView: the takes of one prompt side by side, played together, and the pick.

Keys (while the view has focus): 1-6 pick that take; Space or K play and
pause all; J/L one second back/forward; Left/Right one frame; I/O set the
loop's In and Out; A shows the current take and the next over each other (A/B
wipe) and back. Clicking a take makes it current; dragging one carries it to
a timeline like a library drag.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QCloseEvent, QKeyEvent
from PySide6.QtWidgets import (
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from qcut_ai.core.comparison import Comparison, grid_shape, regenerate_request
from qcut_ai.core.media import MediaItem
from qcut_ai.ui.compare.cell import TakeCell
from qcut_ai.ui.compare.pacer import FramePacer
from qcut_ai.ui.compare.transport import JUMP_MS, SyncedTransport
from qcut_ai.ui.compare.transport_bar import TransportBar
from qcut_ai.ui.compare.wipe import WipeView

_K = Qt.Key
_PICK_KEYS: dict[int, int] = {int(getattr(_K, f"Key_{n}").value): n - 1 for n in range(1, 7)}


class CompareView(QWidget):
    """One comparison. Signals:
    pick_requested(int): the media id the editor picked as the winner
    regenerate_requested(list, object): model ids and the GenerationRequest to run
    closed(): the view was closed (its players have let go of their files)
    """

    pick_requested = Signal(int)
    regenerate_requested = Signal(list, object)
    closed = Signal()

    def __init__(self, comparison: Comparison, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("compareView")
        self.setAccessibleName("Compare takes")
        self.setWindowTitle("Compare takes")
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        self.comparison = comparison
        self.current = 0
        self.transport = SyncedTransport(self)
        self.heading = QLabel(self)
        self.heading.setObjectName("compareHeading")
        self.heading.setWordWrap(True)
        self.status = QLabel(self)
        self.status.setObjectName("compareStatus")
        self.status.setWordWrap(True)
        self.pages = QStackedWidget(self)
        grid_page = QWidget(self.pages)
        self.grid = QGridLayout(grid_page)
        self.grid.setContentsMargins(0, 0, 0, 0)
        self.grid.setSpacing(4)
        self.wipe = WipeView(self.pages)
        self.pages.addWidget(grid_page)
        self.pages.addWidget(self.wipe)
        self.bar = TransportBar(self.transport, self)
        self.ab_button = QPushButton("A/B", self)
        self.ab_button.setObjectName("compareAB")
        self.ab_button.setCheckable(True)
        self.ab_button.setToolTip("Show the current take and the next over each other (A)")
        self.ab_button.toggled.connect(self.show_wipe)
        self.regenerate_button = QPushButton("Regenerate the others like the winner", self)
        self.regenerate_button.setObjectName("compareRegenerate")
        self.regenerate_button.clicked.connect(self.regenerate_others)
        actions = QHBoxLayout()
        actions.addWidget(self.ab_button)
        actions.addStretch(1)
        actions.addWidget(self.regenerate_button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(6, 6, 6, 6)
        layout.addWidget(self.heading)
        layout.addWidget(self.pages, 1)
        layout.addWidget(self.bar)
        layout.addLayout(actions)
        layout.addWidget(self.status)
        self.cells: list[TakeCell] = []
        for index, take in enumerate(comparison.takes):
            cell = TakeCell(index, take, grid_page)
            cell.clicked.connect(self._on_cell_clicked)
            cell.solo_clicked.connect(self.transport.toggle_solo)
            cell.pick_clicked.connect(self.pick)
            if cell.playback is not None:
                cell.playback.loaded.connect(lambda _ms, c=cell: self.transport.join(c))
            self.cells.append(cell)
        self._place_cells()
        self.transport.set_cells(self.cells)
        self.pacer = FramePacer(self.cells, self)
        self.show_comparison(comparison)

    # -- what is shown ------------------------------------------------------------------
    def show_comparison(self, comparison: Comparison) -> None:
        """Show the comparison's latest state: takes that have landed fill their cells."""
        self.comparison = comparison
        request = comparison.request
        prompt = (request.prompt or "").strip() if request else ""
        count = len(comparison.takes)
        self.heading.setText(prompt or f"{count} takes")
        for cell, take in zip(self.cells, comparison.takes, strict=False):
            had_playback = cell.playback is not None
            cell.show_take(take, winner=bool(take.item and take.item.id == comparison.winner_id))
            if not had_playback and cell.playback is not None:
                cell.playback.loaded.connect(lambda _ms, c=cell: self.transport.join(c))
        self.regenerate_button.setEnabled(self.winner() is not None)
        waiting = sum(1 for t in comparison.takes if t.waiting)
        self.status.setText(f"{waiting} of {count} still generating." if waiting else "")

    def winner(self) -> MediaItem | None:
        take = (
            self.comparison.take_of(self.comparison.winner_id)
            if self.comparison.winner_id is not None
            else None
        )
        return take.item if take is not None else None

    def say(self, text: str) -> None:
        self.status.setText(text)

    def _place_cells(self) -> None:
        first = next((t.item for t in self.comparison.takes if t.item), None)
        aspect = 16 / 9
        if first is not None and first.probe.width and first.probe.height:
            aspect = first.probe.width / first.probe.height
        _rows, columns = grid_shape(len(self.cells), aspect)
        for index, cell in enumerate(self.cells):
            self.grid.addWidget(cell, index // columns, index % columns)

    # -- picking -------------------------------------------------------------------------
    def pick(self, index: int) -> None:
        """Mark take `index` the winner (a take without a clip yet cannot win)."""
        if index >= len(self.cells):
            return
        item = self.cells[index].item
        if item is None:
            self.say(f"Take {index + 1} has no clip yet; pick it once it has landed.")
            return
        self.pick_requested.emit(item.id)

    def regenerate_others(self) -> None:
        """A new batch with the winner's settings on the models that lost."""
        winner = self.winner()
        if winner is None:
            self.say("Pick a winner first (keys 1-6).")
            return
        request = regenerate_request(self.comparison, winner)
        winner_model = winner.provenance.model_id if winner.provenance else None
        models = [
            t.model_id for t in self.comparison.takes if t.model_id and t.model_id != winner_model
        ]
        if request is None or not models:
            self.say("The winner's settings are not known, so the others cannot be run like it.")
            return
        self.regenerate_requested.emit(list(dict.fromkeys(models)), request)

    # -- A/B ----------------------------------------------------------------------------
    def show_wipe(self, on: bool) -> None:
        landed = [c for c in self.cells if c.item is not None]
        if on and len(landed) < 2:
            self.say("A/B needs two takes with clips.")
            self.ab_button.setChecked(False)
            return
        if on:
            a = self.cells[self.current] if self.cells[self.current].item else landed[0]
            b = next((c for c in landed[landed.index(a) + 1 :] + landed if c is not a), None)
            self.wipe.set_pair(a, b)
        self.pages.setCurrentIndex(1 if on else 0)

    def _on_cell_clicked(self, index: int) -> None:
        self.current = index
        self.setFocus()

    # -- events ---------------------------------------------------------------------------
    def keyPressEvent(self, event: QKeyEvent) -> None:
        if event.modifiers() & ~Qt.KeyboardModifier.KeypadModifier:
            super().keyPressEvent(event)
            return
        key, t = event.key(), self.transport
        actions: dict[int, Callable[[], object]] = {
            _K.Key_Space: t.toggle,
            _K.Key_K: t.toggle,
            _K.Key_J: lambda: t.jump(-JUMP_MS),
            _K.Key_L: lambda: t.jump(JUMP_MS),
            _K.Key_Left: lambda: t.step(-1),
            _K.Key_Right: lambda: t.step(1),
            _K.Key_I: self.bar.mark_in,
            _K.Key_O: self.bar.mark_out,
            _K.Key_A: self.ab_button.toggle,
        }
        if key in _PICK_KEYS:
            self.pick(_PICK_KEYS[key])
        elif key in actions:
            actions[key]()
        else:
            super().keyPressEvent(event)
            return
        event.accept()

    def closeEvent(self, event: QCloseEvent) -> None:
        self.transport.stop_all()
        self.closed.emit()
        super().closeEvent(event)
