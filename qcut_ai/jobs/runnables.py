"""QRunnables that run engine steps off the GUI thread and report through signals."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QObject, QRunnable, Signal

from qcut_ai.engine.events import AbortFlag


class TaskSignals(QObject):
    """Signals of one task. Emitted from a worker thread; delivered queued on the GUI thread.

    Signals: job_event(object) for JobEvents, finished(object) with the return value,
    failed(str) with one sentence.
    """

    job_event = Signal(object)
    finished = Signal(object)
    failed = Signal(str)


class FunctionRunnable(QRunnable):
    """Runs `fn(emit, abort)` on a pool thread. Never touches widgets."""

    def __init__(self, fn: Callable[[Callable[[Any], None], AbortFlag], Any]) -> None:
        super().__init__()
        self.setAutoDelete(True)
        self.fn = fn
        self.abort = AbortFlag()
        self.signals = TaskSignals()

    def run(self) -> None:
        from qcut_ai.core.errors import QcutError

        try:
            result = self.fn(self.signals.job_event.emit, self.abort)
        except QcutError as exc:
            self.signals.failed.emit(exc.user_text())
        except Exception as exc:  # boundary: a bug becomes a readable line, never a crash
            self.signals.failed.emit(f"Internal error ({type(exc).__name__}: {exc}).")
        else:
            self.signals.finished.emit(result)
