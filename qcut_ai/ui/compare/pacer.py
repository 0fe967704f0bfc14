"""FramePacer: how often the compare grid turns decoded frames into pictures.

Turning a frame into a picture runs on the GUI thread. At the cell's size
through swscale (frame_scaler.py) it is about 1-2 ms for 1080p, but frames
that take Qt's road (`toImage`, 8-30 ms at 1080p) would leave four takes at
25 fps no time to answer the keys. The pacer converts one cell's newest
frame per turn, round robin, and waits after each conversion so
conversions take at most a share of the GUI thread's time. Cheap
conversions show every frame; dear ones show fewer frames, while their
players keep time (the sync is measured from the frames' time stamps, not
from what was painted)."""

from __future__ import annotations

import time
from collections.abc import Sequence

from PySide6.QtCore import QObject, QTimer

from qcut_ai.ui.compare.cell import TakeCell

GUI_SHARE = 0.4  # at most this share of the GUI thread's time goes to converting frames
MIN_WAIT_MS = 4


class FramePacer(QObject):
    """Paints the cells' pending frames in turn, within the GUI share."""

    def __init__(self, cells: Sequence[TakeCell], parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.cells = list(cells)
        self._next = 0
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.timeout.connect(self._turn)
        for cell in self.cells:
            cell.frame_shown.connect(self._wake)

    def _wake(self, _index: int) -> None:
        if not self._timer.isActive():
            self._timer.start(0)

    def _turn(self) -> None:
        waiting = [c for c in self.cells if c.pending is not None]
        if not waiting:
            return
        count = len(self.cells)
        cell = next(
            self.cells[(self._next + k) % count]
            for k in range(count)
            if self.cells[(self._next + k) % count].pending is not None
        )
        self._next = (cell.index + 1) % count
        started = time.perf_counter()
        cell.paint_pending()
        spent_ms = (time.perf_counter() - started) * 1000
        self._timer.start(max(MIN_WAIT_MS, round(spent_ms * (1 - GUI_SHARE) / GUI_SHARE)))
