"""Opening a project in the panel finishes its unfinished paid jobs, exactly once."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from pytestqt.qtbot import QtBot

from qcut_ai.core.app_dirs import app_dirs
from qcut_ai.core.catalog import load_catalog
from qcut_ai.core.job_state import JobState
from qcut_ai.core.project import ProjectPaths
from qcut_ai.core.requests import GenerationRequest
from qcut_ai.core.settings import Settings
from qcut_ai.engine.batch import journal_batch, plan
from qcut_ai.engine.connection import connect
from qcut_ai.engine.crashpoints import CRASH_ENV
from qcut_ai.engine.journal import JobJournal
from qcut_ai.library.project_db import open_project_db
from qcut_ai.services.rehearsal import OFFLINE_KEY, StandIn
from qcut_ai.ui.media_panel import MediaPanel, PanelServices

SETTINGS = Settings(poll_interval_s=0.05, poll_max_interval_s=0.1)


@pytest.fixture
def standin(monkeypatch: pytest.MonkeyPatch) -> Iterator[StandIn]:
    with StandIn(profile="instant") as server:
        monkeypatch.setenv("QCUT_AI_FAL_URL", server.base_url)
        monkeypatch.setenv("FAL_KEY", OFFLINE_KEY)
        yield server


def _panel(qtbot: QtBot, offline: bool) -> MediaPanel:
    services = PanelServices(
        settings=SETTINGS,
        thumbnails_dir=app_dirs().ensure().thumbnails,
        connect=lambda: connect(SETTINGS, offline=offline),
    )
    panel = MediaPanel(services)
    qtbot.addWidget(panel)
    return panel


def test_a_job_cut_off_by_a_crash_finishes_when_the_project_opens(
    qtbot: QtBot, standin: StandIn, tmp_path: Path
) -> None:
    project = tmp_path / "P"
    argv = [sys.executable, "-m", "qcut_ai", "generate", "--model", "wan-2.2-turbo"]
    argv += ["--prompt", "a moth at a lamp [generate:0.5]", "--project", str(project), "--yes"]
    crashed = subprocess.run(
        argv, capture_output=True, timeout=120, env={**os.environ, CRASH_ENV: "generating"}
    )
    assert crashed.returncode == -signal.SIGKILL

    panel = _panel(qtbot, offline=False)
    added: list[object] = []
    panel.media_added.connect(added.append)
    panel.open_project(project)
    qtbot.waitUntil(lambda: len(added) == 1, timeout=60_000)
    (job_id,) = panel.job_list.job_ids()
    qtbot.waitUntil(lambda: panel.job_list.state_of(job_id) is JobState.DONE, timeout=10_000)
    assert len(standin.submissions) == 1
    panel.shutdown()


def test_offline_preview_jobs_of_an_ended_session_are_closed_at_no_cost(
    qtbot: QtBot, tmp_path: Path
) -> None:
    project = ProjectPaths.at(tmp_path / "P").ensure()
    request = GenerationRequest(prompt="a paper crane")
    db = open_project_db(project)
    journal = JobJournal(db)
    planned = plan([load_catalog().get("wan-2.2-turbo")], request)
    (job,) = journal_batch(journal, planned, request, backend="offline:http://127.0.0.1:9")
    journal.update(job.id, JobState.GENERATING, request_id="req-gone")
    db.close()

    panel = _panel(qtbot, offline=True)
    panel.open_project(project.root)
    qtbot.waitUntil(lambda: panel.job_list.state_of(job.id) is JobState.FAILED, timeout=30_000)
    assert "nothing was paid" in panel.job_list.error_of(job.id)
    panel.shutdown()
