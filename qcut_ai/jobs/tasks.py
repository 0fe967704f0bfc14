"""Background work: one task type, three named runners, answers on the GUI thread.

Every piece of slow work in the panel (fal calls, ffmpeg and decoding, SQL and
keyring calls) is a function `fn(abort, progress) -> result` started on one of
three `TaskRunner`s that the composition root builds once (`Runners`):

* **network**: fal queue calls, downloads' paid part, key checks, prompt
  enhancement (enough threads that a status check never waits behind a batch;
  how many jobs generate at once is the job manager's own limit);
* **media**: probing, thumbnails and filmstrips, ingest, imports;
* **database**: library queries and writes, the journal's reads, keyring
  calls, on one thread that never expires, so the library's kept query
  connection stays on the thread that opened it.

A runner holds each task until its answer is delivered (a pool that deletes a
finished runnable would take its signals along), drops the answers of tasks
superseded by a newer one with the same `key` ("newest answer wins"), drops
answers to a receiver that was deleted meanwhile and everything after
`shutdown`, which stops waiting after a timeout.
"""

from __future__ import annotations

import contextlib
import logging
import sys
import threading
import time
import weakref
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, ClassVar

import shiboken6
from PySide6.QtCore import QObject, QRunnable, QThreadPool, Signal

from qcut_ai.core.errors import QcutError
from qcut_ai.core.events import AbortFlag

log = logging.getLogger(__name__)

Progress = Callable[[Any], None]
TaskFn = Callable[[AbortFlag, Progress], Any]
Done = Callable[[Any], None]
Failed = Callable[[str], None]


class _Signals(QObject):
    answered = Signal(object, bool, object)  # task, ok, result or sentence
    progressed = Signal(object, object)  # task, progress value


class Task(QRunnable):
    """One piece of work; runs `fn(abort, progress)` on a runner's thread."""

    def __init__(self, fn: TaskFn, signals: _Signals, *, name: str, origin: str) -> None:
        super().__init__()
        self.setAutoDelete(False)  # the runner drops it once its answer is delivered
        self.fn = fn
        self.name = name
        self.origin = origin  # where it was started, for the leak check in tests
        self.abort = AbortFlag()
        self._signals = signals
        self.key: object = None
        self.done: Done | None = None
        self.failed: Failed | None = None
        self.progress: Callable[[Any], None] | None = None
        self.receiver: QObject | None = None
        self.ran = threading.Event()  # set once `run` has returned (or will never run)

    def run(self) -> None:
        try:
            self._run()
        finally:
            self.ran.set()

    def _run(self) -> None:
        if self.abort():
            self._answer(False, None)  # dropped before it began
            return
        try:
            result = self.fn(self.abort, self._progressed)
        except QcutError as exc:
            self._answer(False, exc.user_text())
        except Exception as exc:  # boundary: a bug becomes a readable line, never a crash
            log.exception("task %s failed", self.name)
            self._answer(False, f"Internal error ({type(exc).__name__}: {exc}).")
        else:
            self._answer(True, result)

    def _answer(self, ok: bool, result: Any) -> None:
        try:
            self._signals.answered.emit(self, ok, result)
        except RuntimeError:
            # The runner was deleted with the app while this task outran its shutdown
            # wait: there is nobody left to answer, and nothing to raise into.
            log.info("task %s finished after its runner was gone", self.name)

    def _progressed(self, value: Any) -> None:
        with contextlib.suppress(RuntimeError):  # the runner is gone (see _answer)
            self._signals.progressed.emit(self, value)


class _Final(QRunnable):
    def __init__(self, fn: Callable[[], None]) -> None:
        super().__init__()
        self.fn = fn

    def run(self) -> None:
        try:
            self.fn()
        except Exception:  # boundary: shutting down must not raise into Qt
            log.exception("shutdown step failed")


def _origin(depth: int = 3) -> str:
    frame = sys._getframe(depth)
    return f"{frame.f_code.co_filename.rsplit('/', 1)[-1]}:{frame.f_lineno} {frame.f_code.co_name}"


class TaskRunner(QObject):
    """A named pool of worker threads whose answers arrive on the GUI thread."""

    instances: ClassVar[weakref.WeakSet[TaskRunner]] = weakref.WeakSet()

    def __init__(
        self,
        name: str,
        threads: int,
        parent: QObject | None = None,
        *,
        keep_threads: bool = False,
    ) -> None:
        super().__init__(parent)
        self.setObjectName(f"{name}Runner")
        self.name = name
        self.pool = QThreadPool(self)
        self.pool.setMaxThreadCount(threads)
        if keep_threads:
            self.pool.setExpiryTimeout(-1)
        self._signals = _Signals()
        self._signals.answered.connect(self._answered)
        self._signals.progressed.connect(self._progressed)
        self._tasks: set[Task] = set()
        self._newest: dict[object, Task] = {}
        self._closed = False
        self._finally: list[Callable[[], None]] = []
        self._held: list[tuple[Task, int]] | None = None  # queued by hold(), not started
        self._spent: list[Task] = []  # answered, their `run` maybe not yet returned
        TaskRunner.instances.add(self)

    # -- starting ---------------------------------------------------------------
    def start(
        self,
        fn: TaskFn,
        done: Done | None = None,
        failed: Failed | None = None,
        *,
        progress: Callable[[Any], None] | None = None,
        key: object = None,
        receiver: QObject | None = None,
        priority: int = 0,
        name: str = "",
    ) -> Task:
        """Run `fn(abort, progress)`; `done(result)` or `failed(sentence)` follow on the GUI
        thread. A task started with the `key` of an earlier one supersedes it: the earlier
        one is asked to stop and its answer is dropped. With a `receiver`, answers to it
        are dropped once it has been deleted."""
        task = Task(
            fn, self._signals, name=name or getattr(fn, "__name__", "task"), origin=_origin()
        )
        task.done, task.failed, task.progress, task.receiver = done, failed, progress, receiver
        if self._closed:
            return task  # never runs: the runner has shut down
        if key is not None:
            task.key = key
            previous = self._newest.get(key)
            if previous is not None:
                previous.abort.set()
            self._newest[key] = task
        self._tasks.add(task)
        if self._held is not None:
            self._held.append((task, priority))
        else:
            self.pool.start(task, priority)
        return task

    def hold(self) -> None:
        """Keep tasks started from now on queued until `release()`: the composition root
        holds the runners until the window's first paint, so no worker takes the
        interpreter from the GUI thread while it builds and paints the first screen."""
        if self._held is None:
            self._held = []

    def release(self) -> None:
        """Start the held tasks, in the order they were started."""
        held, self._held = self._held, None
        for task, priority in held or []:
            if not self._closed:
                self.pool.start(task, priority)

    def at_shutdown(self, fn: Callable[[], None]) -> None:
        """Run `fn` on this runner's thread at shutdown, after the running task (e.g. to
        close a connection that must be closed on the thread that opened it)."""
        self._finally.append(fn)

    def stop(self, tasks: list[Task], timeout_ms: int = 10_000) -> bool:
        """Stop these tasks (as at a shutdown) and wait until none runs any more: queued
        ones are taken off the queue, running ones asked to stop. False on timeout."""
        deadline = time.monotonic() + timeout_ms / 1000
        for task in tasks:
            task.abort.set(shutdown=True)
            if not shiboken6.isValid(task):
                continue  # answered and released: it has run
            if self._take_held(task) or self.pool.tryTake(task):
                task.ran.set()
                self._tasks.discard(task)
        return all(t.ran.wait(max(0.0, deadline - time.monotonic())) for t in tasks)

    def _take_held(self, task: Task) -> bool:
        if self._held is None:
            return False
        kept = [(t, p) for t, p in self._held if t is not task]
        taken = len(kept) < len(self._held)
        self._held = kept
        return taken

    def cancel(self, key: object) -> None:
        """Ask the newest task with `key` to stop and drop its answer."""
        task = self._newest.pop(key, None)
        if task is not None:
            task.abort.set()

    # -- answers ------------------------------------------------------------------
    def _answered(self, task: Task, ok: bool, value: object) -> None:
        self._tasks.discard(task)
        self._release_spent(task)
        superseded = task.key is not None and self._newest.get(task.key) is not task
        if task.key is not None and not superseded:
            del self._newest[task.key]
        if self._closed or superseded or not self._alive(task):
            return
        if ok:
            if task.done is not None:
                task.done(value)
        elif value is not None and task.failed is not None:
            task.failed(str(value))

    def _release_spent(self, answered: Task | None = None) -> None:
        """Delete the C++ side of tasks that have returned from `run`. PySide makes the
        pool the Python parent of every runnable it starts and never lets go of one that
        does not auto-delete, so without this each task (its closures, flags and locks)
        lived as long as the runner: about 200 kB per generated job."""
        if answered is not None:
            self._spent.append(answered)
        waiting = []
        for task in self._spent:
            if task.ran.is_set() and shiboken6.isValid(task):
                # Qt reads autoDelete before `run` and never touches the runnable after
                # it; `ran` is set as `run` returns, so the pool is done with it.
                shiboken6.delete(task)
            elif not task.ran.is_set():
                waiting.append(task)
        self._spent = waiting

    def _progressed(self, task: Task, value: object) -> None:
        superseded = task.key is not None and self._newest.get(task.key) is not task
        if task.progress is not None and not (self._closed or superseded) and self._alive(task):
            task.progress(value)

    @staticmethod
    def _alive(task: Task) -> bool:
        return task.receiver is None or shiboken6.isValid(task.receiver)

    # -- state ------------------------------------------------------------------------
    def busy(self) -> bool:
        """True while a task is queued, running or its answer not yet delivered."""
        if self._closed:
            return self.pool.activeThreadCount() > 0
        return bool(self._tasks)

    def has(self, key: object) -> bool:
        """True while the newest task with `key` has not answered."""
        return key in self._newest

    def pending(self) -> list[str]:
        """Name and origin of each task not yet answered."""
        return sorted(f"{t.name} ({t.origin})" for t in self._tasks)

    def shutdown(self, timeout_ms: int = 10_000) -> bool:
        """Stop queued work, ask running tasks to stop (as a shutdown, so paid jobs stay
        open) and wait up to `timeout_ms`; False when something was still running."""
        if self._closed:
            return self.pool.waitForDone(timeout_ms)
        self._closed = True
        for task in list(self._tasks):
            task.abort.set(shutdown=True)
        self.pool.clear()
        for task, _priority in self._held or []:
            task.ran.set()  # held, so it never ran and never will
        self._held = None
        for fn in self._finally:
            self.pool.start(_Final(fn))
        self._finally.clear()
        finished = self.pool.waitForDone(timeout_ms)
        self._tasks.clear()
        if not finished:
            log.warning("%s runner: work still running after %d ms", self.name, timeout_ms)
        return finished


@dataclass
class Runners:
    """The three runners the composition root builds and passes to everything."""

    network: TaskRunner
    media: TaskRunner
    database: TaskRunner

    @classmethod
    def standard(cls, parent: QObject | None = None) -> Runners:
        return cls(
            network=TaskRunner("network", 6, parent),
            media=TaskRunner("media", 2, parent),
            database=TaskRunner("database", 1, parent, keep_threads=True),
        )

    def all(self) -> tuple[TaskRunner, ...]:
        return (self.network, self.media, self.database)

    def busy(self) -> bool:
        return any(r.busy() for r in self.all())

    def shutdown(self, timeout_ms: int = 10_000) -> None:
        for runner in self.all():
            runner.shutdown(timeout_ms)


_default: Runners | None = None


def default_runners() -> Runners:
    """Runners for widgets built on their own (a host's or a test's): the app passes its
    own explicitly. Shut down with `shutdown_default_runners`."""
    global _default
    if _default is None:
        _default = Runners.standard()
    return _default


def shutdown_default_runners(timeout_ms: int = 10_000) -> None:
    global _default
    if _default is not None:
        _default.shutdown(timeout_ms)
        _default = None
