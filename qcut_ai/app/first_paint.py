"""Background work waits for the window's first paint and the generator on screen.

Opening a project starts several workers at once (library queries, the spend
totals, clips a crash left unfinished, the fal connection, the keyring). Each
imports its libraries on its own thread, and in one interpreter those imports
take turns with the GUI thread that is building and painting the first screen.
The composition root holds the runners until something has painted, then
releases them on the next event-loop turn. When it also names a step that
follows the first paint (`release_after`: the generation tab on screen, built
right after it), the runners wait for that step instead, so the tab's build
does not take turns with them either. If nothing paints (a window that starts
minimised) or the step never comes, they are released after `LATEST_MS` all
the same.
"""

from __future__ import annotations

from PySide6.QtCore import QCoreApplication, QEvent, QObject, QTimer, SignalInstance

from qcut_ai.jobs.tasks import Runners

LATEST_MS = 1000


class FirstPaintGate(QObject):
    """Holds `runners` from construction until the first paint (or `LATEST_MS`)."""

    def __init__(self, runners: Runners, latest_ms: int = LATEST_MS) -> None:
        super().__init__()
        self.runners = runners
        self.released = False
        self._after: SignalInstance | None = None
        for runner in runners.all():
            runner.hold()
        app = QCoreApplication.instance()
        if app is not None:
            app.installEventFilter(self)
        QTimer.singleShot(latest_ms, self.release)

    def release_after(self, step: SignalInstance) -> None:
        """Release when `step` is first emitted rather than at the first paint."""
        if self.released:
            return
        self._after = step
        step.connect(self.release)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() == QEvent.Type.Paint and not self.released and self._after is None:
            QTimer.singleShot(0, self.release)  # after this paint has finished
        return False

    def release(self) -> None:
        if self.released:
            return
        self.released = True
        app = QCoreApplication.instance()
        if app is not None:
            app.removeEventFilter(self)
        if self._after is not None:
            self._after.disconnect(self.release)
            self._after = None
        for runner in self.runners.all():
            runner.release()
