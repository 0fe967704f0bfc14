"""JobManager on real QThreadPools against the stand-in: signals, pipelining, cancel, retry."""

from __future__ import annotations

import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from pytestqt.qtbot import QtBot

from qcut_ai.core.catalog import load_catalog
from qcut_ai.core.events import JobEvent
from qcut_ai.core.job_state import JobRecord, JobState
from qcut_ai.core.media import MediaItem
from qcut_ai.core.project import ProjectPaths
from qcut_ai.core.requests import GenerationRequest
from qcut_ai.engine.batch import journal_batch, plan
from qcut_ai.engine.journal import JobJournal
from qcut_ai.engine.runner import JobRunner
from qcut_ai.jobs.manager import JobManager
from qcut_ai.library.project_db import open_project_db
from qcut_ai.services.fal_endpoints import apply_base_url, restore_constants
from qcut_ai.services.fal_gateway import FalGateway, PollPolicy
from qcut_ai.services.media_hosts import AllowedHosts
from qcut_ai.services.rehearsal import OFFLINE_KEY, StandIn

MODELS = ["kling-2.5-turbo-pro", "hailuo-2.3-standard", "wan-2.2-turbo"]
PIPELINE = [
    JobState.SUBMITTING,
    JobState.SUBMITTED,
    JobState.IN_QUEUE,
    JobState.GENERATING,
    JobState.COMPLETED,
    JobState.DOWNLOADING,
    JobState.INGESTING,
    JobState.DONE,
]


@dataclass
class Harness:
    server: StandIn
    project: ProjectPaths
    manager: JobManager
    events: list[tuple[float, JobEvent]] = field(default_factory=list)
    finished: list[JobRecord] = field(default_factory=list)
    media: list[MediaItem] = field(default_factory=list)
    updated: list[MediaItem] = field(default_factory=list)
    progress: list[tuple[int, int]] = field(default_factory=list)

    def journal(self, prompt: str, models: list[str] = MODELS) -> list[JobRecord]:
        specs = [load_catalog().get(m) for m in models]
        request = GenerationRequest(prompt=prompt)
        db = open_project_db(self.project)
        try:
            return journal_batch(JobJournal(db), plan(specs, request), request)
        finally:
            db.close()

    def first(self, job_id: str, state: JobState) -> float:
        return next(t for t, e in self.events if e.job_id == job_id and e.state is state)

    def states(self, job_id: str) -> list[JobState]:
        seen: list[JobState] = []
        for _, event in self.events:
            if event.job_id == job_id and (not seen or seen[-1] is not event.state):
                seen.append(event.state)
        return seen


@pytest.fixture
def harness(qtbot: QtBot, tmp_path: Path) -> Iterator[Harness]:
    with StandIn(profile="instant") as server:
        previous = apply_base_url(server.base_url)
        gateway = FalGateway(OFFLINE_KEY, poll=PollPolicy(interval_s=0.05, max_interval_s=0.1))
        project = ProjectPaths.at(tmp_path / "P").ensure()
        runner = JobRunner(
            project,
            lambda: gateway,
            tmp_path / "thumbs",
            allowed_hosts=AllowedHosts(override=server.url_host),
        )
        manager = JobManager(lambda: runner)
        h = Harness(server, project, manager)
        manager.job_event.connect(lambda e: h.events.append((time.monotonic(), e)))
        manager.job_finished.connect(h.finished.append)
        manager.media_added.connect(h.media.append)
        manager.media_updated.connect(h.updated.append)
        manager.batch_progress.connect(lambda done, total: h.progress.append((done, total)))
        try:
            yield h
        finally:
            manager.shutdown()
            gateway.close()
            restore_constants(previous)


def test_three_models_run_in_sequence_with_ingest_overlapping_generation(
    qtbot: QtBot, harness: Harness
) -> None:
    jobs = harness.journal("a glass city at dusk [generate:0.8]")
    harness.manager.start([j.id for j in jobs])
    qtbot.waitUntil(lambda: len(harness.finished) == 3, timeout=60_000)

    assert [r.state for r in harness.finished] == [JobState.DONE] * 3
    assert [s.endpoint for s in harness.server.submissions] == [j.endpoint for j in jobs]
    for job in jobs:
        states = harness.states(job.id)
        # Every state arrives on the GUI thread, in pipeline order.
        assert states == [s for s in PIPELINE if s in states]
        assert {JobState.SUBMITTED, JobState.GENERATING, JobState.DONE} <= set(states)
    first, second, third = (j.id for j in jobs)
    # Sequential generation: the second model is only submitted once the first finished at fal.
    assert harness.first(second, JobState.SUBMITTING) >= harness.first(first, JobState.COMPLETED)
    # Pipelining: the first clip is ingested while the second model is still generating.
    assert harness.first(first, JobState.DONE) < harness.first(second, JobState.COMPLETED)
    assert harness.first(second, JobState.DONE) < harness.first(third, JobState.COMPLETED)
    # Each clip is announced once when usable, then updated once with its filmstrip.
    assert len(harness.media) == 3
    assert len({m.id for m in harness.media}) == 3
    qtbot.waitUntil(lambda: len(harness.updated) == 3, timeout=30_000)
    assert [m.id for m in harness.updated] == [m.id for m in harness.media]
    assert all(
        m.filmstrip and not a.filmstrip for m, a in zip(harness.updated, harness.media, strict=True)
    )
    assert harness.progress[-1] == (3, 3)


def test_cancel_a_running_job_at_fal_and_a_queued_one_before_it_is_sent(
    qtbot: QtBot, harness: Harness
) -> None:
    jobs = harness.journal("waves over basalt [generate:1.5]")
    running, middle, queued = (j.id for j in jobs)
    harness.manager.start([j.id for j in jobs])
    qtbot.waitUntil(
        lambda: harness.manager.state_of(running) is JobState.GENERATING, timeout=30_000
    )
    harness.manager.cancel_queued()  # only the two not yet sent
    assert harness.manager.state_of(running) is JobState.GENERATING
    # The queued rows say so at once, without waiting for a worker.
    assert harness.manager.state_of(middle) is JobState.CANCELLED
    assert harness.manager.state_of(queued) is JobState.CANCELLED
    harness.manager.cancel(running)
    qtbot.waitUntil(lambda: len(harness.finished) == 3, timeout=60_000)

    final = {r.id: r.state for r in harness.finished}
    assert final == {
        running: JobState.CANCELLED,
        middle: JobState.CANCELLED,
        queued: JobState.CANCELLED,
    }
    (sent,) = harness.server.submissions  # the queued ones never reached fal
    assert sent.endpoint == jobs[0].endpoint
    assert len(harness.server.cancels) == 1  # the running one was cancelled at fal
    assert harness.media == []


def test_retry_of_a_failed_job_runs_it_again_and_links_it(qtbot: QtBot, harness: Harness) -> None:
    (job,) = harness.journal("a kite over dunes", models=["wan-2.2-turbo"])
    harness.server.inject("model-error")
    harness.manager.start([job.id])
    qtbot.waitUntil(lambda: len(harness.finished) == 1, timeout=30_000)
    assert harness.finished[0].state is JobState.FAILED
    assert "model failed" in (harness.finished[0].error or "")

    with qtbot.waitSignal(harness.manager.job_retried, timeout=30_000) as retried:
        harness.manager.retry(job.id)
    old_id, new_id = retried.args
    assert old_id == job.id and new_id != job.id
    qtbot.waitUntil(lambda: len(harness.finished) == 2, timeout=30_000)
    assert harness.finished[1].state is JobState.DONE
    assert harness.finished[1].retry_of == job.id
    assert len(harness.server.submissions) == 2


def test_a_refused_retry_is_reported_and_sends_nothing(qtbot: QtBot, harness: Harness) -> None:
    (job,) = harness.journal("a lantern", models=["wan-2.2-turbo"])
    db = open_project_db(harness.project)
    JobJournal(db).update(job.id, JobState.UNKNOWN, error="may be at fal")
    db.close()
    with qtbot.waitSignal(harness.manager.error_reported, timeout=30_000) as reported:
        harness.manager.retry(job.id)
    assert "twice" in reported.args[0]
    assert harness.server.submissions == []
