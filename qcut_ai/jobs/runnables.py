"""QRunnables that run engine steps off the GUI thread and report through signals."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QObject, QRunnable, QThreadPool, Signal

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


def start_task(
    pool: QThreadPool,
    fn: Callable[[Callable[[Any], None], AbortFlag], Any],
    done: Callable[[Any], None],
    failed: Callable[[str], None],
    keep: set[FunctionRunnable],
) -> FunctionRunnable:
    """Run `fn` on `pool`; `done(result)` or `failed(sentence)` is called on the GUI thread.

    The task is held in `keep` until it has answered: a runnable the pool
    auto-deletes would otherwise take its signals with it before they are
    delivered. Pass bound methods of a QObject so answers to a widget that was
    deleted meanwhile are dropped.
    """
    task = FunctionRunnable(fn)
    keep.add(task)
    task.signals.finished.connect(done)
    task.signals.failed.connect(failed)
    task.signals.finished.connect(lambda _result: keep.discard(task))
    task.signals.failed.connect(lambda _text: keep.discard(task))
    pool.start(task)
    return task
