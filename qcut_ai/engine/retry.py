"""Retry a job without ever paying twice for one result.

A retry only submits again once the old job is known not to have produced a
result. Otherwise it continues the old job: a paid result still at fal is
downloaded again, a job still open at fal is polled again, and a job whose
submit may have reached fal is refused unless the user accepts the risk.
"""

from __future__ import annotations

import logging

from qcut_ai.core.errors import FalError, QcutError
from qcut_ai.core.job_state import GENERATE_STATES, INGEST_STATES, JobRecord, JobState, now_iso
from qcut_ai.engine.journal import JobJournal
from qcut_ai.engine.runner import JobRunner

log = logging.getLogger(__name__)


class RetryRefusedError(QcutError):
    """Retrying this job now could pay for the same result twice, or makes no sense."""


def prepare_retry(runner: JobRunner, job_id: str, *, accept_unknown: bool = False) -> str:
    """Return the id of the job to run: the same job when it can still deliver, else a new one.

    Network calls happen here (a status check at fal), so call it from a worker.
    """
    journal = runner.journal(fenced=True)
    try:
        owner = journal.claim(job_id)
        if owner is not None:
            name = journal.get(job_id).model_name
            raise RetryRefusedError(
                f"The {name} job is being finished by another qcut-ai ({owner.describe()}).",
                hint="It is left to that one; retry it there if it fails.",
            )
        try:
            return _prepare(runner, journal, journal.get(job_id), accept_unknown)
        finally:
            journal.release(job_id)
    finally:
        journal.db.close()


def _prepare(runner: JobRunner, journal: JobJournal, job: JobRecord, accept_unknown: bool) -> str:
    if job.state is JobState.DONE:
        raise RetryRefusedError("This job already finished; its video is in the library.")
    if job.state in INGEST_STATES or (
        job.state in GENERATE_STATES and job.state is not JobState.SUBMITTING
    ):
        journal.update(job.id, error=None, error_kind=None)
        return job.id
    if job.state in (JobState.UNKNOWN, JobState.SUBMITTING) and not accept_unknown:
        raise RetryRefusedError(
            "fal may already be running this job, so a retry could pay for it twice.",
            hint="Check fal.ai/dashboard/requests first, then retry and accept the risk.",
        )
    if job.state is JobState.FAILED and job.request_id and _recover(runner, journal, job):
        return job.id
    return _copy(journal, job).id


def _recover(runner: JobRunner, journal: JobJournal, job: JobRecord) -> bool:
    """True when fal turns out to hold a usable result after all (it is kept, not re-paid)."""
    gateway = runner.gateway()
    sub = runner.submission(job)
    status = gateway.status(sub, with_logs=False)  # network errors propagate: not known yet
    if status.state != "COMPLETED":
        # Still queued or running at fal: keep waiting for it instead of paying again.
        journal.update(job.id, JobState.SUBMITTED, error=None, error_kind=None, finished_at=None)
        return True
    try:
        result = gateway.result(sub)
        spec = runner.spec(job)
        spec.result_video_url(result)
        result = spec.kept_result(result)
    except FalError:
        return False  # fal says the job failed: a new submit is safe
    except QcutError:
        return False  # completed without a video: nothing was delivered
    log.info("retry of %s found a finished result at fal; fetching it", job.request_id)
    journal.update(
        job.id,
        JobState.COMPLETED,
        result=result,
        completed_at=now_iso(),
        error=None,
        error_kind=None,
        finished_at=None,
    )
    return True


def _copy(journal: JobJournal, job: JobRecord) -> JobRecord:
    return journal.create(
        batch_id=job.batch_id,
        position=job.position,
        model_id=job.model_id,
        endpoint=job.endpoint,
        model_name=job.model_name,
        request=job.request,
        arguments=job.arguments,
        estimate_usd=job.estimate_usd,
        price_unit=job.price_unit,
        price_rate=job.price_rate,
        retry_of=job.id,
        backend=job.backend,
        claim=True,
    )
