"""The panel's generations: the fal connection's life, the job manager, resume and lookups.

The panel shows prices, asks for confirmation and wires widgets; everything
that touches fal, the journal or the library happens here, in workers:
building the connection (it reads the keyring and may start the offline
stand-in), launching a batch through the one launch seam
(`qcut_ai.engine.launch.launch_batch`), resuming a project's unfinished jobs
exactly once, finishing clips a crash left unfinished, and the journal
lookups of the library's derive actions.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QObject, Signal

from qcut_ai.core.errors import QcutError
from qcut_ai.core.events import JobEvent
from qcut_ai.core.job_state import JobRecord, JobState
from qcut_ai.core.project import ProjectPaths
from qcut_ai.core.settings import Settings
from qcut_ai.jobs.foreign_jobs import ForeignJobWatcher
from qcut_ai.jobs.frame_tasks import continue_frame_task, cut_task, frame_at_task
from qcut_ai.jobs.job_items import JobListModel
from qcut_ai.jobs.manager import JobManager
from qcut_ai.jobs.tasks import Runners

if TYPE_CHECKING:
    # The catalogue and the request rules load after the window's first paint.
    from qcut_ai.core.catalog import ModelSpec
    from qcut_ai.core.derive import DerivePlan
    from qcut_ai.core.enhance_prompt import Enhancer, EnhanceResult
    from qcut_ai.core.media import MediaItem
    from qcut_ai.core.requests import GenerationRequest
    from qcut_ai.core.selection import SelectionPlan

    # Built in a network worker (fal-client, httpx): not imported with the panel.
    from qcut_ai.engine.connection import FalConnection

Done = Callable[[Any], None]
ConnectionFactory = Callable[[], "FalConnection"]


@dataclass(frozen=True)
class ConnectionInfo:
    """Where jobs go now: an offline preview session or fal (or QCUT_AI_FAL_URL)."""

    offline: bool
    backend: str


class GenerationService(QObject):
    """Starts, resumes and follows the jobs of the open project.

    Signals:
        jobs_started(object): list[(job id, model name)] journaled and started
        resumed(object): list[JobRecord] shown from the journal on open (resumed,
            waiting, expired, uncertain or owned elsewhere)
        error_reported(str): one sentence
        notice(str): one sentence that is news, not an error ("2 jobs resumed …")
    Attributes: `manager` (the JobManager), `model` (the session's JobListModel),
    `foreign` (jobs other processes are finishing).
    """

    jobs_started = Signal(object)
    resumed = Signal(object)
    error_reported = Signal(str)
    notice = Signal(str)

    def __init__(
        self,
        settings: Settings,
        thumbnails_dir: Path,
        connect: ConnectionFactory,
        runners: Runners,
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self.settings = settings
        self.thumbnails_dir = thumbnails_dir
        self.runners = runners
        self._connect = connect
        self._connection: FalConnection | None = None
        self._connect_lock = threading.RLock()
        self.project: ProjectPaths | None = None
        self._after_idle: Callable[[], None] | None = None
        self._closed = False
        self.model = JobListModel(self)
        self.manager = JobManager(
            self._job_runner,
            concurrency=settings.concurrency,
            parent=self,
            runners=runners,
            model=self.model,
        )
        self.manager.batch_progress.connect(self._on_batch_progress)
        self.manager.error_reported.connect(self.error_reported)
        self.manager.job_busy.connect(self.watch_elsewhere)
        self.manager.job_retried.connect(self._retried)
        self.foreign = ForeignJobWatcher(runners.database, self)
        self.foreign.job_event.connect(self.model.apply_event)
        self.foreign.orphaned.connect(self._run_orphans)

    # -- the connection (workers only) --------------------------------------------------
    def connection(self) -> FalConnection:
        """The fal connection, built on first use under a lock. Workers only: it may read
        the keyring or start the offline stand-in."""
        with self._connect_lock:
            if self._connection is None:
                self._connection = self._connect()
            return self._connection

    def _job_runner(self) -> Any:
        """A JobRunner for the open project (called by the job manager's workers)."""
        from qcut_ai.engine.runner import JobRunner

        project = self.project
        assert project is not None
        conn = self.connection()
        return JobRunner(
            project, conn.gateway, self.thumbnails_dir, allowed_hosts=conn.allowed_hosts()
        )

    def enhancer(self) -> Enhancer:
        """An Enhancer for the prompt builder, on whatever gateway the connection holds."""

        def run(draft: str, models: list[ModelSpec]) -> EnhanceResult:
            from qcut_ai.engine.enhance import enhance

            return enhance(self.connection().gateway(), draft, models)

        return run

    def prepare(
        self, done: Callable[[ConnectionInfo], None], failed: Callable[[str], None]
    ) -> None:
        """Build the connection in a worker; `done` says whether it is an offline preview."""

        def work(_abort: object, _progress: object) -> ConnectionInfo:
            conn = self.connection()
            return ConnectionInfo(conn.offline, conn.backend)

        self.runners.network.start(work, done, failed, receiver=self, name="connect to fal")

    def reset_connection(self, then: Callable[[], None] | None = None) -> bool:
        """Drop the fal connection so the next job uses the new key or mode.

        While jobs run it waits for them (their fal requests belong to the old
        connection) and returns False; `then` runs once the reset happened.
        """
        if self.manager.is_busy():
            self._after_idle = then or (lambda: None)
            return False
        with self._connect_lock:
            if self._connection is not None:
                self._connection.close()
                self._connection = None
        if then is not None:
            then()
        return True

    def _on_batch_progress(self, done: int, total: int) -> None:
        if done >= total and self._after_idle is not None and not self.manager.is_busy():
            then, self._after_idle = self._after_idle, None
            self.reset_connection(then)

    def apply_settings(self, settings: Settings) -> None:
        self.settings = settings
        self.manager.set_concurrency(settings.concurrency)

    # -- launching -------------------------------------------------------------------------
    def set_project(self, project: ProjectPaths | None) -> None:
        self.project = project
        self.foreign.set_project(project)

    def launch(
        self,
        selection: SelectionPlan | None = None,
        *,
        specs: list[ModelSpec] | None = None,
        request: GenerationRequest | None = None,
        unknown_confirmed: bool = False,
    ) -> None:
        """Journal a batch through the launch seam in a worker, then run it.

        Either a form's `selection` (its arguments are used as built), or `specs` and
        a `request` to fit to each of them (History, derive actions).
        """
        project, settings = self.project, self.settings
        if project is None:
            self.error_reported.emit("Open a project before generating.")
            return

        def work(_abort: object, _progress: object) -> list[tuple[str, str, str, bool]]:
            from qcut_ai.core.requests import GenerationRequest
            from qcut_ai.engine.batch import plan, planned_from
            from qcut_ai.engine.launch import launch_batch
            from qcut_ai.engine.spend_balance import connection_balance

            planned = (
                planned_from(selection)
                if selection is not None
                else plan(specs or [], request or GenerationRequest())
            )
            shared = planned[0].request if planned and planned[0].request else request
            conn = self.connection()
            records = launch_batch(
                project,
                planned,
                shared or GenerationRequest(),
                settings=settings,
                backend=conn.backend,
                unknown_confirmed=unknown_confirmed,
                balance=lambda: connection_balance(self.connection()).usd,
            )
            return [
                (r.id, r.model_name, r.request.get("prompt", ""), not conn.offline) for r in records
            ]

        self.runners.network.start(
            work, self._started, self._failed, receiver=self, name="launch batch"
        )

    def _started(self, jobs: list[tuple[str, str, str, bool]]) -> None:
        for job_id, name, prompt, paid in jobs:
            self.model.add(job_id, name, prompt=str(prompt or ""), paid=paid)
        self.jobs_started.emit([(job_id, name) for job_id, name, *_ in jobs])
        self.manager.start([job_id for job_id, *_ in jobs])

    def _failed(self, text: str) -> None:
        if not self._closed:
            self.error_reported.emit(text)

    def retry(self, job_id: str, *, accept_unknown: bool = False) -> None:
        self.manager.retry(job_id, accept_unknown=accept_unknown)

    def _retried(self, old_id: str, new_id: str) -> None:
        if new_id != old_id:
            old = self.model.item(old_id)
            if old is None:
                self.model.add(new_id, "Retry")
            else:
                self.model.add(new_id, old.model_name, prompt=old.prompt, paid=old.paid)

    # -- resuming ---------------------------------------------------------------------------
    def resume(self) -> None:
        """Read the journal in a worker; jobs fal may still hold are polled, never resent."""
        project = self.project
        if project is None:
            return

        def work(_abort: object, _progress: object) -> tuple[Any, list[JobRecord]]:
            from qcut_ai.engine.journal import JobJournal
            from qcut_ai.engine.resume import ResumePlan, plan_resume
            from qcut_ai.library.project_db import project_database

            with project_database(project) as db:
                journal = JobJournal(db)
                # Uncertain submits are shown too: the user must check them at fal.
                uncertain = journal.recent(limit=20, states={JobState.UNKNOWN})
                pending = journal.unfinished()
                if not pending:
                    return ResumePlan(), uncertain
                # Connecting (in preview: starting the stand-in) only when there is
                # something to finish.
                return plan_resume(journal, self.connection().backend, pending), uncertain

        self.runners.database.start(
            work,
            lambda found: self._resume(project, *found),
            self._failed,
            receiver=self,
            name="plan resume",
        )

    def _resume(self, project: ProjectPaths, plan: Any, uncertain: list[JobRecord]) -> None:
        from qcut_ai.engine.resume import is_paid, resumed_text, waiting_text

        if self.project != project:
            return
        busy = [job for job, _owner in plan.busy]
        shown = [*plan.run, *plan.waiting, *plan.expired, *uncertain, *busy]
        for job in shown:
            details = (
                f"Request id: {job.request_id or 'none'}\nPrompt: {job.request.get('prompt', '')}"
            )
            self.model.add(
                job.id,
                job.model_name,
                state=job.state,
                submitted_at=job.submitted_at,
                error=job.error,
                details=details,
                prompt=str(job.request.get("prompt", "")),
                paid=is_paid(job.backend),
            )
        self.resumed.emit(shown)
        if plan.run:
            self.notice.emit(resumed_text(len(plan.run)))
        if plan.waiting:
            self.error_reported.emit(waiting_text(plan.waiting))
        for job, owner in plan.busy:
            self.watch_elsewhere(job.id, f"Being finished by another qcut-ai ({owner.describe()}).")
        runnable = [j for j in plan.run if not self.manager.is_running(j.id)]
        if runnable:
            self.manager.start([j.id for j in runnable], known={j.id: j.state for j in runnable})

    def watch_elsewhere(self, job_id: str, text: str) -> None:
        """Another process has the job: say so on its row and follow it from the journal."""
        state = self.model.state_of(job_id) or JobState.QUEUED
        self.model.apply_event(JobEvent(job_id, state, error=text))
        self.foreign.watch(job_id, state.value)

    def _run_orphans(self, records: list[JobRecord]) -> None:
        """Jobs whose other owner stopped without finishing them: run them here."""
        runnable = [r for r in records if not self.manager.is_running(r.id)]
        if runnable:
            self.manager.start([r.id for r in runnable], known={r.id: r.state for r in runnable})

    # -- the library around jobs ------------------------------------------------------------
    def finish_pending(self, done: Callable[[list[MediaItem]], None]) -> None:
        """Tags, hash and filmstrip of results a crash left unfinished, in a worker."""
        project, thumbs = self.project, self.thumbnails_dir
        if project is None:
            return

        def work(abort: Callable[[], bool], _progress: object) -> list[MediaItem]:
            from qcut_ai.library.ingest import Library

            with Library(project, thumbs, abort=abort) as library:
                return library.finish_pending()

        self.runners.media.start(work, done, self._failed, receiver=self, name="finish clips")

    def derive(
        self,
        action: str,
        item: MediaItem,
        done: Callable[[DerivePlan], None],
        *,
        at_s: float | None = None,
        marked: tuple[float, float] | None = None,
    ) -> None:
        """What a library action asks of the tabs; a refusal is one sentence. "continue"
        first extracts the clip's exact last frame in a worker, or the frame at `at_s`
        (the playhead); a clip action with `marked` (In, Out) sends that range, cut out
        in a worker, instead of the whole clip."""
        from qcut_ai.core.derive import CLIP_ACTIONS, plan_derive

        def plan(last_frame: str | None) -> None:
            try:
                found = plan_derive(action, item, last_frame)
            except QcutError as exc:
                self.error_reported.emit(exc.user_text())
                return
            done(found)

        if action == "continue":
            task = (
                continue_frame_task(item, self.project)
                if at_s is None
                else frame_at_task(item, self.project, at_s)
            )
            self.runners.media.start(task, plan, self._failed, receiver=self, name="frame")
        elif action in CLIP_ACTIONS and marked is not None:
            cut = cut_task(item, self.project, *marked)
            self.runners.media.start(cut, plan, self._failed, receiver=self, name="cut range")
        else:
            plan(None)

    def shutdown(self) -> None:
        """Stop following jobs (paid ones stay in the journal for the next start)."""
        self._closed = True
        self.foreign.stop()
        self.manager.shutdown()
        with self._connect_lock:
            if self._connection is not None:
                self._connection.close()
                self._connection = None
