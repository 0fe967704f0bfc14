"""JobManager: runs batches on QThreadPools with pipelined ingest, re-emits on the GUI thread."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from functools import partial
from typing import Any

from PySide6.QtCore import QObject, QThreadPool, QTimer, Signal

from qcut_ai.core.jobs import JobState
from qcut_ai.engine.events import AbortFlag, EventSink, JobEvent
from qcut_ai.engine.journal import JobRecord
from qcut_ai.engine.runner import INGEST_STATES, JobRunner
from qcut_ai.jobs.runnables import FunctionRunnable
from qcut_ai.library.leases import LeaseHeldError

PROGRESS_FLUSH_MS = 200  # byte progress is coalesced to about five updates a second


class JobManager(QObject):
    """Keeps live runnables and turns worker events into GUI-thread signals.

    Signals:
        job_event(object): a JobEvent (state changes at once, byte progress coalesced)
        job_finished(object): the final JobRecord of a job
        media_added(object): a MediaItem that entered the library
        media_updated(object): a newer state of an item already added (its
            filmstrip and hash, made just after it entered the library)
        batch_progress(int, int): finished jobs, total jobs of the current batch
        job_retried(str, str): old job id, the job id now running for it (may be the same)
        error_reported(str): one sentence, e.g. why a retry was refused
        job_busy(str, str): a job another qcut-ai process is working on (left to it),
            with the sentence that says so
    """

    job_event = Signal(object)
    job_finished = Signal(object)
    media_added = Signal(object)
    media_updated = Signal(object)
    batch_progress = Signal(int, int)
    job_retried = Signal(str, str)
    error_reported = Signal(str)
    job_busy = Signal(str, str)

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
        # Retry checks ask fal about the old job; they must not wait behind a long batch.
        self.control_pool = QThreadPool(self)
        self.control_pool.setMaxThreadCount(1)
        self._live: dict[str, FunctionRunnable] = {}
        self._control: set[FunctionRunnable] = set()
        self._retry_when_free: dict[str, bool] = {}  # job id → accept_unknown
        self._states: dict[str, JobState] = {}
        self._busy: dict[str, str] = {}  # job id -> why another process has it
        # Workers' queued answers can arrive after shutdown, when the host may
        # already have deleted this object; they are dropped (the journal has them).
        self._closed = False
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
    def start(self, job_ids: list[str], known: Mapping[str, JobState] | None = None) -> None:
        """Queue jobs in order; generation respects the pool size, ingest overlaps it.

        `known` gives the journal state of resumed jobs, so "cancel queued" leaves
        a job that fal already holds alone.
        """
        self._states.update(known or {})
        if self._finished >= self._total:
            self._total = self._finished = 0
        self._total += len(job_ids)
        self.batch_progress.emit(self._finished, self._total)
        for job_id in job_ids:
            self._states.setdefault(job_id, JobState.QUEUED)
            task = FunctionRunnable(partial(self._step, "generate", job_id))
            self._wire(job_id, task, self._after_generate)
            self.generate_pool.start(task)

    def _step(
        self, step: str, job_id: str, emit: EventSink, abort: AbortFlag
    ) -> JobRecord | LeaseHeldError:
        """Runs on a pool thread: one engine step of one job."""
        runner = self._runner()
        run = runner.generate if step == "generate" else runner.ingest
        try:
            return run(job_id, emit, abort)
        except LeaseHeldError as exc:
            return exc  # another process has the job: handed back, not a failure

    def _wire(self, job_id: str, task: FunctionRunnable, done: Callable[[str, Any], None]) -> None:
        self._live[job_id] = task
        task.signals.job_event.connect(self._on_event)
        task.signals.finished.connect(lambda result, j=job_id: done(j, result))
        task.signals.failed.connect(lambda text, j=job_id: self._on_failed(j, text))

    def _left_to_another(self, job_id: str, exc: LeaseHeldError) -> None:
        self._live.pop(job_id, None)
        self._finished += 1
        self.batch_progress.emit(self._finished, self._total)
        self.job_busy.emit(job_id, exc.user_text())

    def _after_generate(self, job_id: str, record: JobRecord | LeaseHeldError) -> None:
        if self._closed:
            return  # a worker's answer arriving after shutdown
        if isinstance(record, LeaseHeldError):
            self._left_to_another(job_id, record)
            return
        if record.state in INGEST_STATES:
            previous = self._live.get(job_id)
            task = FunctionRunnable(partial(self._step, "ingest", job_id))
            if previous is not None and previous.abort():
                task.abort.set()
            self._wire(job_id, task, self._after_ingest)
            self.ingest_pool.start(task)
            return
        self._after_ingest(job_id, record)

    def _after_ingest(self, job_id: str, record: JobRecord | LeaseHeldError) -> None:
        if self._closed:
            return  # a worker's answer arriving after shutdown
        if isinstance(record, LeaseHeldError):
            self._left_to_another(job_id, record)
            return
        self._live.pop(job_id, None)
        self._states[job_id] = record.state
        self._finished += 1
        self.job_finished.emit(record)
        self.batch_progress.emit(self._finished, self._total)
        self._retry_if_asked(job_id)

    def _on_failed(self, job_id: str, text: str) -> None:
        if self._closed:
            return  # a worker's answer arriving after shutdown
        self._live.pop(job_id, None)
        self._states[job_id] = JobState.FAILED
        self._finished += 1
        self.job_event.emit(JobEvent(job_id, JobState.FAILED, error=text))
        self.batch_progress.emit(self._finished, self._total)
        self._retry_if_asked(job_id)

    def _retry_if_asked(self, job_id: str) -> None:
        if job_id in self._retry_when_free:
            self.retry(job_id, accept_unknown=self._retry_when_free.pop(job_id))

    def _on_event(self, event: JobEvent) -> None:
        if self._closed:
            return  # a worker's answer arriving after shutdown
        if event.refreshed:
            if event.media is not None:
                self.media_updated.emit(event.media)
            return
        self._states[event.job_id] = event.state
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

    def cancel_queued(self) -> None:
        """Cancel the jobs not yet sent to fal; running ones carry on."""
        for job_id, task in list(self._live.items()):
            if self._states.get(job_id) is JobState.QUEUED:
                task.abort.set()

    def cancel_all(self) -> None:
        for task in list(self._live.values()):
            task.abort.set()

    def state_of(self, job_id: str) -> JobState | None:
        return self._states.get(job_id)

    # -- retrying --------------------------------------------------------------
    def retry(self, job_id: str, *, accept_unknown: bool = False) -> None:
        """Check the old job at fal in a worker, then run what can deliver the result."""
        if job_id in self._live:
            state = self._states.get(job_id)
            if state is not None and state.terminal:
                # It has stopped (the event came first); its worker is still handing
                # back its record. Retry as soon as it has.
                self._retry_when_free[job_id] = accept_unknown
                return
            self.error_reported.emit("This job is still running; cancel it before a retry.")
            return

        def prepare(_emit: object, _abort: object) -> str:
            from qcut_ai.engine.retry import prepare_retry

            return prepare_retry(self._runner(), job_id, accept_unknown=accept_unknown)

        task = FunctionRunnable(prepare)
        self._control.add(task)
        task.signals.finished.connect(lambda new_id, t=task: self._retry_ready(job_id, new_id, t))
        task.signals.failed.connect(lambda text, t=task: self._retry_failed(text, t))
        self.control_pool.start(task)

    def _retry_ready(self, old_id: str, new_id: str, task: FunctionRunnable) -> None:
        if self._closed:
            return  # a worker's answer arriving after shutdown
        self._control.discard(task)
        self.job_retried.emit(old_id, new_id)
        self._states[new_id] = JobState.QUEUED
        self.start([new_id])

    def _retry_failed(self, text: str, task: FunctionRunnable) -> None:
        if self._closed:
            return  # a worker's answer arriving after shutdown
        self._control.discard(task)
        self.error_reported.emit(text)

    def is_busy(self) -> bool:
        return bool(self._live)

    def is_running(self, job_id: str) -> bool:
        return job_id in self._live

    def shutdown(self, timeout_ms: int = 10_000) -> None:
        """Abort everything and wait for the workers (jobs stay resumable in the journal)."""
        self._closed = True
        self._flush.stop()
        for task in list(self._live.values()):
            task.abort.set(shutdown=True)
        self.generate_pool.clear()
        self.generate_pool.waitForDone(timeout_ms)
        self.ingest_pool.waitForDone(timeout_ms)
        self.control_pool.waitForDone(timeout_ms)
