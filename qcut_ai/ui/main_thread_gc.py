"""Python's cycle collector runs on the GUI thread only.

The automatic collector runs in whichever thread happens to allocate when a
threshold is crossed. When it frees a Qt object from a worker thread, the
object's destructor takes Qt's lock on its connections and then waits for the
interpreter lock, while the GUI thread, which holds the interpreter lock, waits
in `QObject.connect` for that same Qt lock: neither ever goes on. (Seen as a
hang while a generation tab was built and a worker opened the library.)

So automatic collection is turned off, and a timer on the GUI thread collects
each generation once its count has passed the threshold the automatic
collector would have used: the same collections, on the one thread where
freeing a Qt object is safe. Hosts that embed the panel and run Python threads
of their own should do the same (`MainThreadCollector(app).start()`).
"""

from __future__ import annotations

import gc

from PySide6.QtCore import QObject, QTimer

INTERVAL_MS = 500


class MainThreadCollector(QObject):
    """Collects cycles on the thread it lives on (the GUI thread), on a timer."""

    def __init__(self, parent: QObject | None = None, interval_ms: int = INTERVAL_MS) -> None:
        super().__init__(parent)
        self._timer = QTimer(self)
        self._timer.setInterval(interval_ms)
        self._timer.timeout.connect(self.collect_due)
        self._was_enabled = gc.isenabled()

    def start(self) -> None:
        self._was_enabled = gc.isenabled()
        gc.disable()
        self._timer.start()

    def stop(self) -> None:
        """Stop the timer and give collection back to the interpreter (if it had it)."""
        self._timer.stop()
        if self._was_enabled:
            gc.enable()

    def collect_due(self) -> int:
        """Collect the generations whose counts passed their thresholds (as the automatic
        collector decides); how many objects were found unreachable."""
        first, second, third = gc.get_threshold()
        young, middle, old = gc.get_count()
        if first <= 0 or young < first:
            return 0
        generation = 0
        if middle >= second:
            generation = 2 if old >= third else 1
        return gc.collect(generation)
