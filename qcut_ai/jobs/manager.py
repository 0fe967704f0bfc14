"""JobManager: runs batches on QThreadPools with pipelined ingest, re-emits on the GUI thread."""

from __future__ import annotations

from collections.abc import Callable
from functools import partial
from typing import Any

from PySide6.QtCore import QObject, QThreadPool, QTimer, Signal

from qcut_ai.core.jobs import JobState
from qcut_ai.engine.events import AbortFlag, EventSink, JobEvent
from qcut_ai.engine.journal import JobRecord
from qcut_ai.engine.runner import INGEST_STATES, JobRunner
from qcut_ai.jobs.runnables import FunctionRunnable

PROGRESS_FLUSH_MS = 200  # byte progress is coalesced to about five updates a second


class JobManager(QObject):
    """Keeps live runnables and turns worker events into GUI-thread signals.

    Signals:
        job_event(object): a JobEvent (state changes at once, byte progress coalesced)
        job_finished(object): the final JobRecord of a job
        media_added(object): a MediaItem that entered the library
        batch_progress(int, int): finished jobs, total jobs of the current batch
    """

    job_event = Signal(object)
    job_finished = Signal(object)
    media_added = Signal(object)
    batch_progress = Signal(int, int)

    def __init__(
        self,
        runner: Callable[[], JobRunner],
        *,
        concurrency: int = 1,
        parent: QObject | None = None,
    ):
        super().__init__(parent)
        self._runner = runner
        self.generate_pool = QThreadPool(self)
        self.generate_pool.setMaxThreadCount(max(1, min(4, concurrency)))
        # ffmpeg/probe/thumbnail work has its own small pool so it never starves network jobs.
        self.ingest_pool = QThreadPool(self)
        self.ingest_pool.setMaxThreadCount(1)
        self._live: dict[str, FunctionRunnable] = {}
        self._pending_progress: dict[str, JobEvent] = {}
        self._total = 0
        self._finished = 0
        self._flush = QTimer(self)
        self._flush.setInterval(PROGRESS_FLUSH_MS)
        self._flush.timeout.connect(self._flush_progress)
        self._flush.start()

    def set_concurrency(self, n: int) -> None:
        self.generate_pool.setMaxThreadCount(max(1, min(4, n)))

    def set_runner(self, runner: Callable[[], JobRunner]) -> None:
        self._runner = runner

    # -- starting ------------------------------------------------------------
    def start(self, job_ids: list[str]) -> None:
        """Queue jobs in order; generation respects the pool size, ingest overlaps it."""
        if self._finished >= self._total:
            self._total = self._finished = 0
        self._total += len(job_ids)
        self.batch_progress.emit(self._finished, self._total)
        for job_id in job_ids:
            task = FunctionRunnable(partial(self._step, "generate", job_id))
            self._wire(job_id, task, self._after_generate)
            self.generate_pool.start(task)

    def _step(self, step: str, job_id: str, emit: EventSink, abort: AbortFlag) -> JobRecord:
        """Runs on a pool thread: one engine step of one job."""
        runner = self._runner()
        run = runner.generate if step == "generate" else runner.ingest
        return run(job_id, emit, abort)

    def _wire(self, job_id: str, task: FunctionRunnable, done: Callable[[str, Any], None]) -> None:
        self._live[job_id] = task
        task.signals.job_event.connect(self._on_event)
        task.signals.finished.connect(lambda result, j=job_id: done(j, result))
        task.signals.failed.connect(lambda text, j=job_id: self._on_failed(j, text))

    def _after_generate(self, job_id: str, record: JobRecord) -> None:
        if record.state in INGEST_STATES:
            previous = self._live.get(job_id)
            task = FunctionRunnable(partial(self._step, "ingest", job_id))
            if previous is not None and previous.abort():
                task.abort.set()
            self._wire(job_id, task, self._after_ingest)
            self.ingest_pool.start(task)
            return
        self._after_ingest(job_id, record)

    def _after_ingest(self, job_id: str, record: JobRecord) -> None:
        self._live.pop(job_id, None)
        self._finished += 1
        self.job_finished.emit(record)
        self.batch_progress.emit(self._finished, self._total)

    def _on_failed(self, job_id: str, text: str) -> None:
        self._live.pop(job_id, None)
        self._finished += 1
        self.job_event.emit(JobEvent(job_id, JobState.FAILED, error=text))
        self.batch_progress.emit(self._finished, self._total)

    def _on_event(self, event: JobEvent) -> None:
        if event.bytes_done is not None and event.state is JobState.DOWNLOADING:
            self._pending_progress[event.job_id] = event
            return
        self._pending_progress.pop(event.job_id, None)
        self.job_event.emit(event)
        if event.media is not None:
            self.media_added.emit(event.media)

    def _flush_progress(self) -> None:
        pending, self._pending_progress = self._pending_progress, {}
        for event in pending.values():
            self.job_event.emit(event)

    # -- cancelling ------------------------------------------------------------
    def cancel(self, job_id: str) -> None:
        """Ask the job to stop; a queued one never submits. The GUI never waits."""
        task = self._live.get(job_id)
        if task is not None:
            task.abort.set()

    def cancel_all(self) -> None:
        for task in list(self._live.values()):
            task.abort.set()

    def is_busy(self) -> bool:
        return bool(self._live)

    def shutdown(self, timeout_ms: int = 10_000) -> None:
        """Abort everything and wait for the workers (jobs stay resumable in the journal)."""
        self._flush.stop()
        for task in list(self._live.values()):
            task.abort.set(shutdown=True)
        self.generate_pool.clear()
        self.generate_pool.waitForDone(timeout_ms)
        self.ingest_pool.waitForDone(timeout_ms)
