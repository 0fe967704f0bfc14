"""Quitting while jobs run asks once; the next open says what it resumed; an error line
goes away once a later job succeeds."""

from __future__ import annotations

import argparse
from pathlib import Path

import pytest
from pytestqt.qtbot import QtBot

from qcut_ai.app.main import build_window
from qcut_ai.app.shell import MainWindow
from qcut_ai.core.app_dirs import app_dirs
from qcut_ai.core.catalog import load_catalog
from qcut_ai.core.events import JobEvent
from qcut_ai.core.job_state import JobState
from qcut_ai.core.project import ProjectPaths
from qcut_ai.core.requests import GenerationRequest
from qcut_ai.core.settings import Settings
from qcut_ai.engine.batch import journal_batch, plan
from qcut_ai.engine.connection import STANDIN_PROFILE_ENV, connect
from qcut_ai.engine.journal import JobJournal
from qcut_ai.library.project_db import open_project_db
from qcut_ai.ui.media_panel import MediaPanel, PanelServices
from qcut_ai.ui.quit_guard import quit_text

SETTINGS = Settings(poll_interval_s=0.05, poll_max_interval_s=0.1)


def _window(qtbot: QtBot, project: Path) -> MainWindow:
    window = build_window(argparse.Namespace(project=str(project), offline=False))
    assert isinstance(window, MainWindow)
    qtbot.addWidget(window)
    window.show()
    return window


def test_quit_with_a_running_job_asks_and_keep_working_keeps_the_window(
    qtbot: QtBot, tmp_path: Path
) -> None:
    window = _window(qtbot, tmp_path / "P")
    window.panel.generation.model.add("j1", "Kling", paid=True)
    window.panel.generation.model.apply_event(JobEvent("j1", JobState.GENERATING))
    asked: list[tuple[int, int]] = []
    window.quit_guard.ask = lambda _parent, running, paid: asked.append((running, paid)) or False

    window.close()
    assert asked == [(1, 1)] and window.isVisible()

    window.quit_guard.ask = lambda _parent, _running, _paid: True
    window.close()
    assert not window.isVisible()
    assert quit_text(2, 2) == (
        "2 jobs are still running. Jobs keep running at fal and are resumed the next time "
        "you open this project."
    )
    assert "nothing is paid" in quit_text(1, 0)


def test_quit_with_nothing_running_does_not_ask(qtbot: QtBot, tmp_path: Path) -> None:
    window = _window(qtbot, tmp_path / "P")
    window.panel.generation.model.add("j1", "Kling")
    window.panel.generation.model.apply_event(JobEvent("j1", JobState.DONE))
    window.quit_guard.ask = lambda *_: pytest.fail("asked with nothing running")
    window.close()
    assert not window.isVisible()


def test_the_next_open_says_how_many_jobs_it_resumed_and_a_success_clears_an_error(
    qtbot: QtBot, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv(STANDIN_PROFILE_ENV, "instant")
    project = ProjectPaths.at(tmp_path / "P").ensure()
    request = GenerationRequest(prompt="a paper crane")
    db = open_project_db(project)
    planned = plan([load_catalog().get("wan-2.2-turbo")] * 2, request)
    jobs = journal_batch(JobJournal(db), planned, request)  # left unfinished by a session
    db.close()

    services = PanelServices(
        settings=SETTINGS,
        thumbnails_dir=app_dirs().ensure().thumbnails,
        connect=lambda: connect(SETTINGS, offline=True),
    )
    panel = MediaPanel(services)
    qtbot.addWidget(panel)
    panel.set_mode_text("Offline preview")
    panel.error_reported.emit("Could not reach fal.")
    assert panel.banner.text() == "Could not reach fal."
    panel.open_project(project.root)
    qtbot.waitUntil(
        lambda: panel.banner.text() == "2 jobs resumed from your last session.", timeout=30_000
    )
    shown: list[str] = []

    def fail_once(_record: object) -> None:
        # An error between the two jobs: the second one's success clears it.
        if not shown:
            panel.error_reported.emit("Could not save the clip.")
            shown.append(panel.banner.text())

    panel.jobs.job_finished.connect(fail_once)
    qtbot.waitUntil(
        lambda: all(panel.job_list.state_of(j.id) is JobState.DONE for j in jobs), timeout=60_000
    )
    assert shown == ["Could not save the clip."]
    qtbot.waitUntil(lambda: panel.banner.text() == "Offline preview", timeout=10_000)
    # The prompt is shown on resumed rows too.
    item = panel.generation.model.item(jobs[0].id)
    assert item is not None and item.prompt == "a paper crane"
    panel.shutdown()
