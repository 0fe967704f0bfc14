"""The panel's spend line: today across projects, this project, and what is still pending."""

from __future__ import annotations

from pathlib import Path

from pytestqt.qtbot import QtBot

from qcut_ai.core.job_state import JobState
from qcut_ai.core.project import ProjectPaths
from qcut_ai.engine.journal import JobJournal
from qcut_ai.engine.spend import record_project
from qcut_ai.library.project_db import open_project_db
from qcut_ai.ui.jobs.spend import SpendSummary


def _add_job(project: ProjectPaths, usd: float, state: JobState) -> str:
    record_project(project)
    db = open_project_db(project)
    try:
        journal = JobJournal(db)
        job = journal.create(
            batch_id="b1",
            position=0,
            model_id="kling-2.5-turbo-pro",
            endpoint="fal-ai/kling-video/v2.5-turbo/pro/text-to-video",
            model_name="Kling 2.5 Turbo Pro",
            request={"prompt": "a heron"},
            arguments={"prompt": "a heron"},
            estimate_usd=usd,
            price_unit="per_5s_plus_per_extra_second",
        )
        journal.update(job.id, state)
        return job.id
    finally:
        db.close()


def _refreshed(qtbot: QtBot, widget: SpendSummary, project: ProjectPaths | None) -> str:
    with qtbot.waitSignal(widget.refreshed, timeout=10_000):
        widget.set_project(project)
    return widget.label.text()


def test_shows_today_this_project_and_pending(qtbot: QtBot, tmp_path: Path) -> None:
    here = ProjectPaths.at(tmp_path / "Here").ensure()
    other = ProjectPaths.at(tmp_path / "Other").ensure()
    _add_job(here, 0.35, JobState.DONE)
    _add_job(here, 0.1, JobState.FAILED)  # fal bills nothing for a failed job
    running = _add_job(here, 0.4, JobState.GENERATING)
    _add_job(other, 1.2, JobState.DONE)

    widget = SpendSummary()
    qtbot.addWidget(widget)
    widget.show()
    assert widget.objectName() == "spendSummary"
    text = _refreshed(qtbot, widget, here)
    assert text == "Spent today $1.55 · this project $0.35 (pending $0.40)"
    assert "failed and cancelled jobs cost $0" in widget.label.toolTip()

    db = open_project_db(here)
    try:
        JobJournal(db).update(running, JobState.DONE)
    finally:
        db.close()
    with qtbot.waitSignal(widget.refreshed, timeout=10_000):
        widget.refresh()
    assert widget.label.text() == "Spent today $1.95 · this project $0.75"

    assert _refreshed(qtbot, widget, None) == "Spent today $1.95"
    widget.shutdown()


def test_an_unreadable_project_says_so(qtbot: QtBot, tmp_path: Path) -> None:
    project = ProjectPaths.at(tmp_path / "P").ensure()
    project.database.write_bytes(b"not a database, just bytes")
    widget = SpendSummary()
    qtbot.addWidget(widget)
    with qtbot.waitSignal(widget.failed, timeout=10_000) as failed:
        widget.set_project(project)
    assert "damaged" in failed.args[0]
    assert widget.label.text() == "Spend could not be read"
    widget.shutdown()
