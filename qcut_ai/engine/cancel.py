"""Cancel one journaled job that no process is running (`qcut-ai jobs cancel`, a second Ctrl+C).

A job fal holds is cancelled at fal first and marked cancelled only once fal
agreed; a job fal already finished is paid for, so it is left for `resume`.
"""

from __future__ import annotations

from collections.abc import Callable

from qcut_ai.core.errors import QcutError
from qcut_ai.core.job_state import REMOTE_STATES, JobRecord, JobState
from qcut_ai.core.project import ProjectPaths
from qcut_ai.engine.journal import JobJournal
from qcut_ai.library.leases import LeaseHeldError
from qcut_ai.library.project_db import project_database
from qcut_ai.services.fal_gateway import FalGateway, Submission


class CancelRefusedError(QcutError):
    """The job cannot be cancelled (finished, paid, or its request id is unknown)."""


def find_job(journal: JobJournal, job_id: str) -> JobRecord:
    """A job by its id (or an unambiguous start of it)."""
    try:
        return journal.get(job_id)
    except KeyError:
        pass
    rows = journal.db.execute(
        "SELECT id FROM jobs WHERE id LIKE ? ESCAPE '\\' LIMIT 2",
        [job_id.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"],
    ).fetchall()
    if len(rows) == 1:
        return journal.get(rows[0][0])
    raise CancelRefusedError(
        f"There is no job {job_id!r} in this project.",
        hint="`qcut-ai jobs --project DIR` lists the jobs and their ids.",
    )


def cancel_job(
    project: ProjectPaths, job_id: str, gateway: Callable[[], FalGateway], backend: str
) -> JobRecord:
    """Cancel the job; CancelRefusedError (or LeaseHeldError) says why it was not."""
    with project_database(project) as db:
        journal = JobJournal(db, fenced=True)
        job = find_job(journal, job_id)
        owner = journal.claim(job.id)
        if owner is not None:
            raise LeaseHeldError(f"The {job.model_name} job", owner)
        try:
            return _cancel_owned(journal, journal.get(job.id), gateway, backend)
        finally:
            journal.release(job.id)


def _cancel_owned(
    journal: JobJournal, job: JobRecord, gateway: Callable[[], FalGateway], backend: str
) -> JobRecord:
    if job.state.terminal:
        raise CancelRefusedError(f"This job has already ended ({job.state.label}).")
    if job.state is JobState.QUEUED:
        return journal.update(
            job.id,
            JobState.CANCELLED,
            error="Cancelled before it was submitted; nothing was paid.",
            error_kind="CancelledError",
        )
    if job.state is JobState.SUBMITTING or not job.request_id:
        raise CancelRefusedError(
            "This job's request id was never saved, so it cannot be cancelled from here.",
            hint="Find it at fal.ai/dashboard/requests; `qcut-ai jobs --json` shows its arguments.",
        )
    if job.state not in REMOTE_STATES - {JobState.COMPLETED}:
        raise CancelRefusedError(
            "fal has already finished this job, so it is paid for.",
            hint="`qcut-ai resume` fetches the video.",
        )
    if (job.backend or "fal") != backend:
        raise CancelRefusedError(
            f"This job was sent to {job.backend}, not to {backend}.",
            hint="Cancel it from a qcut-ai connected there.",
        )
    assert job.status_url and job.response_url and job.cancel_url
    sub = Submission(job.endpoint, job.request_id, job.status_url, job.response_url, job.cancel_url)
    if not gateway().cancel(sub):
        raise CancelRefusedError(
            "fal had already finished this job, so it is paid for.",
            hint="`qcut-ai resume` fetches the video.",
        )
    return journal.update(
        job.id, JobState.CANCELLED, error="Cancelled at fal.", error_kind="CancelledError"
    )
