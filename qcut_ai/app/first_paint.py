"""Background work waits for the window's first paint.

Opening a project starts several workers at once (library queries, the spend
totals, clips a crash left unfinished, the fal connection, the keyring). Each
imports its libraries on its own thread, and in one interpreter those imports
take turns with the GUI thread that is building and painting the first screen.
The composition root holds the runners until something has painted, then
releases them on the next event-loop turn; if nothing paints (a window that
starts minimised), they are released after `LATEST_MS` all the same.
"""

from __future__ import annotations

from PySide6.QtCore import QCoreApplication, QEvent, QObject, QTimer

from qcut_ai.jobs.tasks import Runners

LATEST_MS = 1000


class FirstPaintGate(QObject):
    """Holds `runners` from construction until the first paint (or `LATEST_MS`)."""

    def __init__(self, runners: Runners, latest_ms: int = LATEST_MS) -> None:
        super().__init__()
        self.runners = runners
        self.released = False
        for runner in runners.all():
            runner.hold()
        app = QCoreApplication.instance()
        if app is not None:
            app.installEventFilter(self)
        QTimer.singleShot(latest_ms, self.release)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() == QEvent.Type.Paint and not self.released:
            QTimer.singleShot(0, self.release)  # after this paint has finished
        return False

    def release(self) -> None:
        if self.released:
            return
        self.released = True
        app = QCoreApplication.instance()
        if app is not None:
            app.removeEventFilter(self)
        for runner in self.runners.all():
            runner.release()
