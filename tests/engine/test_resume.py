"""Journal and runner: a paid result lands exactly once; an uncertain submit is never resent."""

from __future__ import annotations

import pytest

from qcut_ai.core.catalog import load_catalog
from qcut_ai.core.job_state import JobState
from qcut_ai.core.project import ProjectPaths
from qcut_ai.core.requests import GenerationRequest
from qcut_ai.engine.batch import BatchRunner, journal_batch, plan
from qcut_ai.engine.journal import JobJournal
from qcut_ai.library.project_db import open_project_db
from qcut_ai.library.repository import MediaRepository


def _journal_jobs(project: ProjectPaths, ids: list[str], prompt: str = "a fox") -> list[str]:
    specs = [load_catalog().get(i) for i in ids]
    request = GenerationRequest(prompt=prompt)
    db = open_project_db(project)
    try:
        return [r.id for r in journal_batch(JobJournal(db), plan(specs, request), request)]
    finally:
        db.close()


def _library_count(project: ProjectPaths) -> int:
    db = open_project_db(project)
    try:
        return MediaRepository(db, project.root).count()
    finally:
        db.close()


def test_batch_runs_in_order_and_every_result_lands_once(setup) -> None:  # type: ignore[no-untyped-def]
    server, runner, project = setup
    ids = _journal_jobs(project, ["kling-2.5-turbo-pro", "hailuo-2.3-standard", "wan-2.2-turbo"])
    batch = BatchRunner(runner)
    try:
        finals = batch.run(ids)
    finally:
        batch.shutdown()
    assert [j.state for j in finals] == [JobState.DONE] * 3
    assert [s.endpoint for s in server.submissions] == [j.endpoint for j in finals]
    assert _library_count(project) == 3


def test_resume_after_completion_ingests_exactly_once(setup) -> None:  # type: ignore[no-untyped-def]
    server, runner, project = setup
    (job_id,) = _journal_jobs(project, ["kling-2.5-turbo-pro"])
    record = runner.generate(job_id)  # "crash" after the result was saved
    assert record.state is JobState.COMPLETED and _library_count(project) == 0
    assert runner.run(job_id).state is JobState.DONE
    assert runner.run(job_id).state is JobState.DONE  # a second resume changes nothing
    assert _library_count(project) == 1
    assert len(server.submissions) == 1


def test_a_job_caught_mid_submit_is_never_resent(setup) -> None:  # type: ignore[no-untyped-def]
    server, runner, project = setup
    (job_id,) = _journal_jobs(project, ["kling-2.5-turbo-pro"])
    db = open_project_db(project)
    JobJournal(db).update(job_id, JobState.SUBMITTING)
    db.close()
    record = runner.run(job_id)
    assert record.state is JobState.UNKNOWN
    assert "dashboard" in (record.error or "")
    assert server.submissions == []


def test_cancel_before_submit_sends_nothing(setup) -> None:  # type: ignore[no-untyped-def]
    server, runner, project = setup
    (job_id,) = _journal_jobs(project, ["kling-2.5-turbo-pro"])
    record = runner.run(job_id, abort=lambda: True)
    assert record.state is JobState.CANCELLED
    assert server.submissions == []


def test_bad_download_keeps_the_paid_job_open(setup) -> None:  # type: ignore[no-untyped-def]
    server, runner, project = setup
    (job_id,) = _journal_jobs(project, ["kling-2.5-turbo-pro"])
    server.inject("file-html")
    record = runner.run(job_id)
    assert record.state is JobState.DOWNLOADING and record.error
    assert _library_count(project) == 0
    assert not list(project.media.glob("*"))  # no half file
    assert runner.run(job_id).state is JobState.DONE  # resume fetches it again
    assert len(server.submissions) == 1


@pytest.mark.parametrize(
    ("fault", "words"),
    [
        ("file-404", "404"),
        ("file-403", "403"),
        ("file-html", "web page"),
        ("file-truncated", ""),
        ("file-empty", ""),
        ("file-huge", "limit"),
        ("redirect-host", "another host"),
        ("redirect-file", "non-web address"),
    ],
)
def test_bad_results_never_enter_the_library(setup, fault: str, words: str) -> None:  # type: ignore[no-untyped-def]
    server, runner, project = setup
    (job_id,) = _journal_jobs(project, ["kling-2.5-turbo-pro"])
    server.inject(fault, times=None)
    record = runner.run(job_id)
    assert record.state is JobState.DOWNLOADING  # paid result kept for a later resume
    assert record.error and words in record.error
    assert "[object Object]" not in record.error
    assert _library_count(project) == 0
    assert not [p for p in project.media.iterdir() if p.is_file()]
    assert len(server.submissions) == 1
