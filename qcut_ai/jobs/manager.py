"""JobManager: runs jobs on the task runners with pipelined ingest, re-emits on the GUI thread.

Generation (submit and wait, on the network runner) runs `concurrency` jobs
at a time, in order; each finished job's download, probe and thumbnails run
on the media runner while the next one generates. The manager keeps the
session's `JobListModel` up to date and asks it what a job's state is; the
journal stays the truth across sessions.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Callable, Mapping
from typing import Any

from PySide6.QtCore import QObject, QTimer, Signal

from qcut_ai.core.events import AbortFlag, JobEvent
from qcut_ai.core.job_state import INGEST_STATES, JobRecord, JobState
from qcut_ai.jobs.job_items import JobListModel
from qcut_ai.jobs.tasks import Runners, Task, default_runners

PROGRESS_FLUSH_MS = 200  # byte progress is coalesced to about five updates a second
RunnerFactory = Callable[[], Any]  # -> qcut_ai.engine.runner.JobRunner, built in a worker


class _Busy:
    """A step's answer when another qcut-ai process holds the job."""

    def __init__(self, text: str) -> None:
        self.text = text


class JobManager(QObject):
    """Keeps live tasks and turns worker events into GUI-thread signals.

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
        runner: RunnerFactory,
        *,
        concurrency: int = 1,
        parent: QObject | None = None,
        runners: Runners | None = None,
        model: JobListModel | None = None,
    ):
        super().__init__(parent)
        self._runner = runner
        self._runners = runners or default_runners()
        self.model = model or JobListModel(self)
        self._concurrency = max(1, min(4, concurrency))
        self._waiting: deque[str] = deque()  # jobs to generate, in order
        self._generating: dict[str, Task] = {}
        self._ingest_waiting: deque[str] = deque()
        self._ingesting: dict[str, Task] = {}
        self._aborts: dict[str, AbortFlag] = {}  # one flag per job, across its steps
        self._control: set[Task] = set()  # retry checks
        self._retry_when_free: dict[str, bool] = {}  # job id -> accept_unknown
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
        self._concurrency = max(1, min(4, n))
        self._pump()

    def set_runner(self, runner: RunnerFactory) -> None:
        self._runner = runner

    # -- starting ------------------------------------------------------------
    def start(self, job_ids: list[str], known: Mapping[str, JobState] | None = None) -> None:
        """Queue jobs in order; generation runs `concurrency` at a time, ingest overlaps it.

        `known` gives the journal state of resumed jobs, so "cancel queued" leaves
        a job that fal already holds alone.
        """
        if self._finished >= self._total:
            self._total = self._finished = 0
        self._total += len(job_ids)
        self.batch_progress.emit(self._finished, self._total)
        for job_id in job_ids:
            item = self.model.item(job_id) or self.model.add(job_id, "")
            if known and job_id in known:
                item.state = known[job_id]
            self._aborts[job_id] = AbortFlag()
            self._waiting.append(job_id)
        self._pump()

    def _pump(self) -> None:
        """Start what the limits allow: generation in order, one ingest at a time."""
        while self._waiting and len(self._generating) < self._concurrency:
            job_id = self._waiting.popleft()
            self._generating[job_id] = self._run_step("generate", job_id, self._after_generate)
        while self._ingest_waiting and not self._ingesting:
            job_id = self._ingest_waiting.popleft()
            self._ingesting[job_id] = self._run_step("ingest", job_id, self._after_ingest)

    def _run_step(self, step: str, job_id: str, done: Callable[[str, Any], None]) -> Task:
        abort = self._aborts.setdefault(job_id, AbortFlag())
        runner = self._runners.network if step == "generate" else self._runners.media

        def work(_task_abort: AbortFlag, progress: Callable[[Any], None]) -> Any:
            from qcut_ai.library.leases import LeaseHeldError

            job_runner = self._runner()
            run = job_runner.generate if step == "generate" else job_runner.ingest
            try:
                return run(job_id, progress, abort)
            except LeaseHeldError as exc:
                return _Busy(exc.user_text())  # another process has the job: not a failure

        return runner.start(
            work,
            lambda result: done(job_id, result),
            lambda text: self._on_failed(job_id, text),
            progress=self._on_event,
            receiver=self,
            name=f"{step} {job_id}",
        )

    def _left_to_another(self, job_id: str, busy: _Busy) -> None:
        self._finished += 1
        self.batch_progress.emit(self._finished, self._total)
        self.job_busy.emit(job_id, busy.text)

    def _after_generate(self, job_id: str, record: JobRecord | _Busy) -> None:
        if self._closed:
            return  # a worker's answer arriving after shutdown
        self._generating.pop(job_id, None)
        if isinstance(record, _Busy):
            self._left_to_another(job_id, record)
        elif record.state in INGEST_STATES:
            self._ingest_waiting.append(job_id)
        else:
            self._ended(job_id, record)
        self._pump()

    def _after_ingest(self, job_id: str, record: JobRecord | _Busy) -> None:
        if self._closed:
            return  # a worker's answer arriving after shutdown
        self._ingesting.pop(job_id, None)
        if isinstance(record, _Busy):
            self._left_to_another(job_id, record)
        else:
            self._ended(job_id, record)
        self._pump()

    def _ended(self, job_id: str, record: JobRecord) -> None:
        self._aborts.pop(job_id, None)
        self.model.set_state(job_id, record.state)
        self._finished += 1
        self.job_finished.emit(record)
        self.batch_progress.emit(self._finished, self._total)
        self._retry_if_asked(job_id)

    def _on_failed(self, job_id: str, text: str) -> None:
        if self._closed:
            return  # a worker's answer arriving after shutdown
        self._generating.pop(job_id, None)
        self._ingesting.pop(job_id, None)
        self._aborts.pop(job_id, None)
        self._finished += 1
        event = JobEvent(job_id, JobState.FAILED, error=text)
        self.model.apply_event(event)
        self.job_event.emit(event)
        self.batch_progress.emit(self._finished, self._total)
        self._retry_if_asked(job_id)
        self._pump()

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
        if event.bytes_done is not None and event.state is JobState.DOWNLOADING:
            self._pending_progress[event.job_id] = event
            return
        self._pending_progress.pop(event.job_id, None)
        self.model.apply_event(event)
        self.job_event.emit(event)
        if event.media is not None:
            self.media_added.emit(event.media)

    def _flush_progress(self) -> None:
        pending, self._pending_progress = self._pending_progress, {}
        for event in pending.values():
            self.model.apply_event(event)
            self.job_event.emit(event)

    # -- cancelling ------------------------------------------------------------
    def cancel(self, job_id: str) -> None:
        """Ask the job to stop; a queued one never submits. The GUI never waits."""
        flag = self._aborts.get(job_id)
        if flag is None:
            return
        flag.set()
        if job_id in self._waiting:
            # Not started yet: the row says so at once (its step may wait for a free
            # worker), and the step only records the cancel: the flag is set before it
            # runs, so it never submits.
            self._waiting.remove(job_id)
            event = JobEvent(job_id, JobState.CANCELLED)
            self.model.apply_event(event)
            self.job_event.emit(event)
            self._generating[job_id] = self._run_step("generate", job_id, self._after_generate)

    def cancel_queued(self) -> None:
        """Cancel the jobs not yet sent to fal; running ones carry on."""
        for job_id in list(self._aborts):
            if self.model.state_of(job_id) is JobState.QUEUED:
                self.cancel(job_id)

    def cancel_all(self) -> None:
        for job_id in list(self._aborts):
            self.cancel(job_id)

    def state_of(self, job_id: str) -> JobState | None:
        return self.model.state_of(job_id)

    # -- retrying --------------------------------------------------------------
    def retry(self, job_id: str, *, accept_unknown: bool = False) -> None:
        """Check the old job at fal in a worker, then run what can deliver the result."""
        if self.is_running(job_id):
            state = self.model.state_of(job_id)
            if state is not None and state.terminal:
                # It has stopped (the event came first); its worker is still handing
                # back its record. Retry as soon as it has.
                self._retry_when_free[job_id] = accept_unknown
                return
            self.error_reported.emit("This job is still running; cancel it before a retry.")
            return

        def prepare(_abort: AbortFlag, _progress: Callable[[Any], None]) -> str:
            from qcut_ai.engine.retry import prepare_retry

            return str(prepare_retry(self._runner(), job_id, accept_unknown=accept_unknown))

        # A status check at fal, on the network runner: it never waits behind the batch,
        # whose concurrency is this manager's own limit, not the runner's.
        task = self._runners.network.start(
            prepare,
            lambda new_id: self._retry_ready(job_id, new_id, task),
            lambda text: self._retry_failed(text, task),
            receiver=self,
            name=f"retry {job_id}",
        )
        self._control.add(task)

    def _retry_ready(self, old_id: str, new_id: str, task: Task) -> None:
        self._control.discard(task)
        if self._closed:
            return  # a worker's answer arriving after shutdown
        self.job_retried.emit(old_id, new_id)
        item = self.model.item(new_id)
        if item is not None:
            item.state = JobState.QUEUED
        self.start([new_id])

    def _retry_failed(self, text: str, task: Task) -> None:
        self._control.discard(task)
        if not self._closed:
            self.error_reported.emit(text)

    def is_busy(self) -> bool:
        return bool(self._aborts)

    def is_running(self, job_id: str) -> bool:
        return job_id in self._aborts

    def shutdown(self, timeout_ms: int = 10_000) -> None:
        """Stop waiting for every job and wait for its workers (the jobs stay resumable in
        the journal)."""
        self._closed = True
        self._flush.stop()
        self._waiting.clear()
        self._ingest_waiting.clear()
        for flag in list(self._aborts.values()):
            flag.set(shutdown=True)
        self._runners.network.stop([*self._generating.values(), *self._control], timeout_ms)
        self._runners.media.stop(list(self._ingesting.values()), timeout_ms)
