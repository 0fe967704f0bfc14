"""Moves one job through the pipeline, writing the journal before each step.

`generate` covers the paid part (upload inputs, submit, wait, fetch result);
`ingest` covers the local part (download, verify, probe, thumbnail, library
row). Both start from whatever state the journal holds, so the same code
runs a fresh job and resumes one after a crash, exactly once.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from qcut_ai.core.catalog import ModelSpec, load_catalog
from qcut_ai.core.errors import (
    AccountError,
    AmbiguousSubmitError,
    CancelledError,
    FalError,
    ModelFailedError,
    QcutError,
    RejectedRequestError,
    StuckJobError,
)
from qcut_ai.core.events import EventSink, JobEvent, ignore_event
from qcut_ai.core.input_checks import is_remote
from qcut_ai.core.job_state import (
    GENERATE_STATES,
    INGEST_STATES,
    JobRecord,
    JobState,
    monotonic_at,
    now_iso,
)
from qcut_ai.core.media import MediaItem, ProbeInfo
from qcut_ai.core.project import ProjectPaths
from qcut_ai.engine.crashpoints import crash_point
from qcut_ai.engine.delivery import (
    already_downloaded,
    fetch_result,
    named_by_content,
    plan_target,
    provenance_of,
)
from qcut_ai.engine.journal import JobJournal, LeaseLostError
from qcut_ai.library import leases
from qcut_ai.library.ingest import Library
from qcut_ai.library.probe import sha256_file
from qcut_ai.library.project_db import open_project_db, project_database
from qcut_ai.services.fal_gateway import FalGateway, RemoteStatus, Submission
from qcut_ai.services.file_names import PART_SUFFIX
from qcut_ai.services.media_hosts import AllowedHosts
from qcut_ai.services.uploads import check_local_input

log = logging.getLogger(__name__)

Abort = Callable[[], bool]


def _never() -> bool:
    return False


def _worth_resuming(exc: QcutError) -> bool:
    """After fal took a job, only fal's verdict ends it; a fault on our side of the
    wire (network, rate limit, a locked database, a cancel that never arrived)
    leaves it open for `resume`, because fal may finish and bill it anyway."""
    if isinstance(exc, ModelFailedError | RejectedRequestError | AccountError | CancelledError):
        return False
    return not (isinstance(exc, FalError) and exc.status_code == 404)


def _new_logs(logs: list[dict[str, Any]], last_seen: dict[str, Any] | None) -> list[Any]:
    """The entries after the last one already reported (statuses keep only the newest)."""
    if last_seen is None:
        return logs
    for index in range(len(logs) - 1, -1, -1):
        if logs[index] == last_seen:
            return logs[index + 1 :]
    return logs  # the window moved past it: everything here is new


class JobRunner:
    """Runs the steps of one job. Safe to share across threads: each call opens its own DB."""

    def __init__(
        self,
        project: ProjectPaths,
        gateway: Callable[[], FalGateway],
        thumbnails_dir: Path,
        *,
        allowed_hosts: AllowedHosts | None = None,
    ) -> None:
        self.project = project.ensure()
        self._gateway = gateway
        self.thumbnails_dir = thumbnails_dir
        self.allowed_hosts = allowed_hosts or AllowedHosts.from_env()

    # -- helpers ---------------------------------------------------------
    def journal(self, *, fenced: bool = False) -> JobJournal:
        """The project's journal; `fenced` (the steps' own) writes only while this
        process holds the job's lease."""
        return JobJournal(open_project_db(self.project), fenced=fenced)

    def _claim(self, journal: JobJournal, job_id: str) -> JobRecord:
        """Take the job for this process (LeaseHeldError when another live one has it)."""
        job = journal.get(job_id)
        owner = journal.claim(job_id)
        if owner is not None:
            raise leases.LeaseHeldError(f"The {job.model_name} job", owner)
        return journal.get(job_id)  # as it is now that it is ours

    def release_all(self) -> None:
        """Give up every job lease this process holds in the project (at shutdown)."""
        with project_database(self.project) as db:
            leases.release_all(db)

    def spec(self, job: JobRecord) -> ModelSpec:
        return load_catalog().get(job.model_id)

    def gateway(self) -> FalGateway:
        return self._gateway()

    @staticmethod
    def submission(job: JobRecord) -> Submission:
        assert job.request_id and job.status_url and job.response_url and job.cancel_url
        return Submission(
            job.endpoint, job.request_id, job.status_url, job.response_url, job.cancel_url
        )

    def _fail(
        self, journal: JobJournal, job: JobRecord, exc: QcutError, emit: EventSink
    ) -> JobRecord:
        state = JobState.UNKNOWN if isinstance(exc, AmbiguousSubmitError) else JobState.FAILED
        if isinstance(exc, CancelledError):
            state = JobState.CANCELLED
        job = journal.update(job.id, state, error=exc.user_text(), error_kind=type(exc).__name__)
        emit(JobEvent(job.id, state, job.model_name, job.request_id, error=job.error))
        return job

    # -- the paid part -----------------------------------------------------
    def generate(
        self, job_id: str, emit: EventSink = ignore_event, abort: Abort = _never
    ) -> JobRecord:
        """The paid part of one job. Raises LeaseHeldError (touching nothing) when another
        live qcut-ai process is working on the job."""
        journal = self.journal(fenced=True)
        try:
            job = self._claim(journal, job_id)
            try:
                if job.state not in GENERATE_STATES:
                    return job
                return self._generate_owned(journal, job, emit, abort)
            finally:
                journal.release(job_id)
        finally:
            journal.db.close()

    def _generate_owned(
        self, journal: JobJournal, job: JobRecord, emit: EventSink, abort: Abort
    ) -> JobRecord:
        try:
            return self._generate(journal, job, emit, abort)
        except StuckJobError:
            # Reported, but left open at its last state: `resume` or Retry polls again.
            return journal.get(job.id)
        except LeaseLostError:
            raise
        except QcutError as exc:
            current = journal.get(job.id)
            if current.request_id and _worth_resuming(exc):
                return self._keep_open(journal, current, exc, emit)
            return self._fail(journal, current, exc, emit)

    @staticmethod
    def _keep_open(
        journal: JobJournal, job: JobRecord, exc: QcutError, emit: EventSink
    ) -> JobRecord:
        job = journal.update(job.id, error=exc.user_text(), error_kind=type(exc).__name__)
        emit(JobEvent(job.id, job.state, job.model_name, job.request_id, error=job.error))
        return job

    def _generate(
        self, journal: JobJournal, job: JobRecord, emit: EventSink, abort: Abort
    ) -> JobRecord:
        spec = self.spec(job)
        if job.state is JobState.SUBMITTING:
            # We crashed between POST and saving its answer: fal may hold a paid job.
            raise AmbiguousSubmitError(
                "qcut-ai stopped while submitting this job, so fal may or may not have it; "
                "it was not sent again.",
                hint="Check fal.ai/dashboard/requests; the arguments are in `qcut-ai jobs --json`.",
            )
        gateway = self._gateway()
        if job.state is JobState.QUEUED:
            if abort():
                raise CancelledError("The job was cancelled before it was submitted.")
            arguments = self._upload_inputs(journal, job, spec, gateway)
            job = journal.update(job.id, JobState.SUBMITTING, arguments=arguments)
            emit(JobEvent(job.id, job.state, job.model_name))
            sub = gateway.submit(job.endpoint, arguments)
            crash_point("submit-unsaved")
            job = journal.update(
                job.id,
                JobState.SUBMITTED,
                request_id=sub.request_id,
                status_url=sub.status_url,
                response_url=sub.response_url,
                cancel_url=sub.cancel_url,
                submitted_at=now_iso(),
            )
            crash_point("after-submit")
            emit(JobEvent(job.id, job.state, job.model_name, job.request_id))
        sub = self.submission(job)
        last: dict[str, Any] = {"state": None, "pos": None, "log": None}
        expected = journal.median_generation_seconds(job.endpoint) or float(spec.typical_seconds)
        submitted_at = job.submitted_at

        def on_status(st: RemoteStatus) -> None:
            state = {"IN_QUEUE": JobState.IN_QUEUE, "IN_PROGRESS": JobState.GENERATING}.get(
                st.state, JobState.GENERATING
            )
            lines = [str(entry.get("message", "")) for entry in _new_logs(st.logs, last["log"])]
            if st.logs:
                last["log"] = st.logs[-1]
            if state.value != last["state"] or st.queue_position != last["pos"]:
                journal.update(job.id, state, queue_position=st.queue_position)
                last["state"], last["pos"] = state.value, st.queue_position
                crash_point("in-queue" if state is JobState.IN_QUEUE else "generating")
            if st.state != "COMPLETED":
                emit(
                    JobEvent(
                        job.id,
                        state,
                        job.model_name,
                        sub.request_id,
                        st.queue_position,
                        lines,
                        submitted_at=submitted_at,
                        expected_s=expected,
                    )
                )

        try:
            gateway.wait(
                sub,
                typical_seconds=spec.typical_seconds,
                on_status=on_status,
                abort=abort,
                started_at=monotonic_at(job.submitted_at) or time.monotonic(),
            )
        except CancelledError:
            if getattr(abort, "shutdown", False):
                # The app is closing: stop waiting, keep the paid job for `resume`.
                return journal.get(job.id)
            if gateway.cancel(sub):
                raise CancelledError("The job was cancelled at fal.") from None
            log.info("cancel of %s came after completion; keeping the result", sub.request_id)
        except StuckJobError as exc:
            # Leave the job open so `resume` can pick it up; report it stuck.
            job = journal.update(job.id, error=exc.user_text(), error_kind="StuckJobError")
            emit(JobEvent(job.id, job.state, job.model_name, job.request_id, error=job.error))
            raise
        result = gateway.result(sub)
        spec.result_video_url(result)  # a completed job without a video is a failure now
        job = journal.update(
            job.id, JobState.COMPLETED, result=spec.kept_result(result), completed_at=now_iso()
        )
        emit(JobEvent(job.id, job.state, job.model_name, job.request_id))
        return job

    def _upload_inputs(
        self, journal: JobJournal, job: JobRecord, spec: ModelSpec, gateway: FalGateway
    ) -> dict[str, Any]:
        arguments = dict(job.arguments)
        inputs: list[dict[str, Any]] = []

        def upload_one(value: Any, role: str, field: str) -> Any:
            if not isinstance(value, str) or not value or is_remote(value):
                return value
            path = check_local_input(value, role, spec.endpoint, field)
            # The field names which argument the upload replaced, so views can show the
            # file the user picked instead of the upload's URL.
            entry = {"role": role, "field": field, "path": str(path)}
            inputs.append({**entry, "sha256": sha256_file(path)})
            return gateway.upload_file(str(path))

        for field, role in spec.media_fields().items():
            value = arguments.get(field)
            if isinstance(value, list):  # reference images: each local one is uploaded
                arguments[field] = [upload_one(v, role.value, field) for v in value]
                continue
            if not isinstance(value, str) or not value or is_remote(value):
                continue
            arguments[field] = upload_one(value, role.value, field)
        if inputs:
            journal.update(job.id, inputs=inputs)
        return arguments

    # -- the local part ----------------------------------------------------
    def ingest(
        self, job_id: str, emit: EventSink = ignore_event, abort: Abort = _never
    ) -> JobRecord:
        """The local part of one job (LeaseHeldError when another process has the job)."""
        journal = self.journal(fenced=True)
        try:
            job = self._claim(journal, job_id)
            try:
                if job.state not in INGEST_STATES:
                    return job
                return self._ingest_owned(journal, job, emit, abort)
            finally:
                journal.release(job_id)
        finally:
            journal.db.close()

    def _ingest_owned(
        self, journal: JobJournal, job: JobRecord, emit: EventSink, abort: Abort
    ) -> JobRecord:
        job_id = job.id
        try:
            return self._ingest(journal, job, emit, abort)
        except LeaseLostError:
            raise
        except QcutError as exc:
            # The result is paid for and still at fal: the job stays in its ingest
            # state with the reason recorded, so `resume` (or Retry) fetches it again
            # instead of submitting a new, paid job.
            job = journal.update(job_id, error=exc.user_text(), error_kind=type(exc).__name__)
            emit(JobEvent(job.id, job.state, job.model_name, job.request_id, error=job.error))
            return job

    def _ingest(
        self, journal: JobJournal, job: JobRecord, emit: EventSink, abort: Abort
    ) -> JobRecord:
        spec = self.spec(job)
        assert job.result is not None and job.request_id
        library = Library(self.project, self.thumbnails_dir)
        try:
            existing = library.repo.get_by_request_id(job.request_id)
            if existing is not None:
                return self._done(journal, job, existing, emit)
            target = Path(job.download_path) if job.download_path else None
            if job.state is JobState.COMPLETED or target is None:
                target = plan_target(job, spec, self.project.media)
                job = journal.update(job.id, JobState.DOWNLOADING, download_path=str(target))
            checked: list[ProbeInfo] = []  # the download's own check, not repeated
            if job.state is JobState.DOWNLOADING:
                if not already_downloaded(target):
                    # A .part left by a crash is this job's own (its name was journaled);
                    # it may not have been flushed, so it is fetched again from the start.
                    target.with_name(target.name + PART_SUFFIX).unlink(missing_ok=True)
                    fetched = fetch_result(
                        job, spec, target, self.allowed_hosts, emit, abort, checked
                    )
                    target = named_by_content(fetched)  # same bytes: the check holds
                job = journal.update(job.id, JobState.INGESTING, download_path=str(target))
            crash_point("after-download")
            emit(JobEvent(job.id, job.state, job.model_name, job.request_id))
            info = checked[-1] if checked else None
            item = library.add_generated(target, provenance_of(job, spec), info, finish=False)
            crash_point("after-library-row")
            job = self._done(journal, job, item, emit)
            crash_point("before-finish")
            self._finish(library, job, item, emit)
            return job
        finally:
            library.close()

    @staticmethod
    def _finish(library: Library, job: JobRecord, item: MediaItem, emit: EventSink) -> None:
        """Tags, hash and filmstrip of a clip already in the library and usable.

        A failure here costs nothing paid for: the item stays, and the next
        open of the project (`finish_pending`) tries again.
        """
        try:
            finished = library.finish_generated(item)
        except (QcutError, OSError) as exc:
            log.warning("Could not finish %s: %s", item.path, exc)
            return
        if finished is not item:
            emit(
                JobEvent(
                    job.id,
                    job.state,
                    job.model_name,
                    job.request_id,
                    media=finished,
                    refreshed=True,
                )
            )

    def _done(
        self, journal: JobJournal, job: JobRecord, item: MediaItem, emit: EventSink
    ) -> JobRecord:
        job = journal.update(job.id, JobState.DONE, media_id=item.id, error=None)
        emit(JobEvent(job.id, job.state, job.model_name, job.request_id, media=item))
        return job

    # -- both ------------------------------------------------------------
    def run(self, job_id: str, emit: EventSink = ignore_event, abort: Abort = _never) -> JobRecord:
        job = self.generate(job_id, emit, abort)
        if job.state in INGEST_STATES:
            job = self.ingest(job_id, emit, abort)
        return job
