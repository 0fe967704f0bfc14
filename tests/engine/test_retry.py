"""Retry never pays twice: it submits again only when fal is known to hold no result."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from qcut_ai.core.catalog import load_catalog
from qcut_ai.core.events import AbortFlag, JobEvent
from qcut_ai.core.job_state import JobState
from qcut_ai.core.project import ProjectPaths
from qcut_ai.core.requests import GenerationRequest
from qcut_ai.engine.batch import journal_batch, plan
from qcut_ai.engine.journal import JobJournal
from qcut_ai.engine.retry import RetryRefusedError, prepare_retry
from qcut_ai.engine.runner import JobRunner
from qcut_ai.library.project_db import open_project_db
from qcut_ai.library.repository import MediaRepository
from qcut_ai.services.fal_gateway import FalGateway, PollPolicy
from qcut_ai.services.rehearsal import OFFLINE_KEY


def _job(project: ProjectPaths, prompt: str = "a heron at dawn") -> str:
    spec = load_catalog().get("wan-2.2-turbo")
    request = GenerationRequest(prompt=prompt)
    db = open_project_db(project)
    try:
        (record,) = journal_batch(JobJournal(db), plan([spec], request), request)
        return record.id
    finally:
        db.close()


def _library(project: ProjectPaths) -> int:
    db = open_project_db(project)
    try:
        return MediaRepository(db, project.root).count()
    finally:
        db.close()


def test_a_model_failure_is_retried_as_a_new_linked_job(setup) -> None:  # type: ignore[no-untyped-def]
    server, runner, project = setup
    job_id = _job(project)
    server.inject("model-error")
    failed = runner.run(job_id)
    assert failed.state is JobState.FAILED and failed.request_id

    new_id = prepare_retry(runner, job_id)
    assert new_id != job_id
    done = runner.run(new_id)
    assert done.state is JobState.DONE and done.retry_of == job_id
    assert done.arguments == failed.arguments
    assert len(server.submissions) == 2
    assert _library(project) == 1


def test_a_result_fal_finished_after_we_lost_track_is_fetched_not_repaid(setup) -> None:  # type: ignore[no-untyped-def]
    server, runner, project = setup
    job_id = _job(project)
    completed = runner.generate(job_id)
    assert completed.state is JobState.COMPLETED
    # Our side gave up on a job that fal did finish (e.g. an unreadable status reply).
    journal = runner.journal()
    journal.update(job_id, JobState.FAILED, result=None, error="The status reply was unreadable.")
    journal.db.close()

    assert prepare_retry(runner, job_id) == job_id
    assert runner.run(job_id).state is JobState.DONE
    assert len(server.submissions) == 1
    assert _library(project) == 1


def test_a_failed_download_is_retried_without_a_new_submit(setup) -> None:  # type: ignore[no-untyped-def]
    server, runner, project = setup
    job_id = _job(project)
    server.inject("file-html")
    assert runner.run(job_id).state is JobState.DOWNLOADING
    assert prepare_retry(runner, job_id) == job_id
    assert runner.run(job_id).state is JobState.DONE
    assert len(server.submissions) == 1


def test_an_uncertain_submit_is_only_retried_when_the_user_accepts_the_risk(setup) -> None:  # type: ignore[no-untyped-def]
    server, runner, project = setup
    job_id = _job(project)
    journal = runner.journal()
    journal.update(job_id, JobState.UNKNOWN, error="may be at fal")
    journal.db.close()
    with pytest.raises(RetryRefusedError, match="twice"):
        prepare_retry(runner, job_id)
    assert server.submissions == []
    new_id = prepare_retry(runner, job_id, accept_unknown=True)
    assert runner.run(new_id).state is JobState.DONE
    assert len(server.submissions) == 1


def test_a_finished_job_is_not_retried(setup) -> None:  # type: ignore[no-untyped-def]
    server, runner, project = setup
    job_id = _job(project)
    assert runner.run(job_id).state is JobState.DONE
    with pytest.raises(RetryRefusedError, match="already finished"):
        prepare_retry(runner, job_id)
    assert len(server.submissions) == 1


def test_a_job_past_its_deadline_stays_open_and_resume_finishes_it(setup) -> None:  # type: ignore[no-untyped-def]
    server, runner, project = setup
    job_id = _job(project, "slow tide [generate:1]")
    abort = AbortFlag()

    def on_event(event: JobEvent) -> None:
        if event.state is JobState.SUBMITTED:
            abort.set(shutdown=True)  # the app closes right after fal took the job

    assert runner.generate(job_id, on_event, abort).state is JobState.SUBMITTED
    # Seen again two hours later, still not finished: well past the model's deadline.
    journal = runner.journal()
    journal.update(job_id, submitted_at=(datetime.now(UTC) - timedelta(hours=2)).isoformat())
    journal.db.close()
    stuck = runner.run(job_id)
    assert stuck.state in (JobState.SUBMITTED, JobState.IN_QUEUE, JobState.GENERATING)
    assert "not finished" in (stuck.error or "")

    journal = runner.journal()
    assert [j.id for j in journal.unfinished()] == [job_id]  # `resume` will pick it up
    journal.db.close()
    patient = FalGateway(OFFLINE_KEY, poll=PollPolicy(interval_s=0.05, deadline_factor=1e4))
    later = JobRunner(
        project, lambda: patient, runner.thumbnails_dir, allowed_hosts=runner.allowed_hosts
    )
    try:
        assert prepare_retry(later, job_id) == job_id
        assert later.run(job_id).state is JobState.DONE
    finally:
        patient.close()
    assert len(server.submissions) == 1
