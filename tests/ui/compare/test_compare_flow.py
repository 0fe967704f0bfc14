"""Comparing a batch in the panel, offline against the stand-in: the grid fills in as the
takes land, a key picks the winner, the losers run again like it, History reopens it."""

from __future__ import annotations

import argparse
from pathlib import Path

from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from qcut_ai.app.main import build_window
from qcut_ai.app.shell import MainWindow
from qcut_ai.core.job_state import JobState
from qcut_ai.core.project import ProjectPaths
from qcut_ai.core.settings import Settings
from qcut_ai.engine.journal import JobJournal
from qcut_ai.library.project_db import project_database
from qcut_ai.library.repository import MediaRepository
from qcut_ai.services.settings_store import SettingsStore
from qcut_ai.ui.compare.view import CompareView

MODELS = ["kling-2.5-turbo-pro", "wan-2.2-turbo", "kling-3-std"]
WAIT = 60_000


def _window(qtbot: QtBot, project: Path) -> MainWindow:
    # Two at a time: the third take is still on its way when the first has landed.
    SettingsStore().save(Settings(concurrency=2, poll_interval_s=0.05, poll_max_interval_s=0.1))
    window = build_window(argparse.Namespace(project=str(project), offline=False))
    assert isinstance(window, MainWindow)
    qtbot.addWidget(window)
    window.show()
    return window


def _all_done(window: MainWindow, count: int) -> bool:
    jobs = window.panel.job_list
    ids = jobs.job_ids()
    return len(ids) == count and all(jobs.state_of(j) is JobState.DONE for j in ids)


def test_a_batch_of_three_compared_while_running_picked_regenerated_and_reopened(
    qtbot: QtBot, tmp_path: Path
) -> None:
    window = _window(qtbot, tmp_path / "P")
    panel = window.panel
    tab = panel.text_tab
    tab.picker.select_ids(MODELS)
    tab.set_prompt("a kite over the dunes at noon [generate:2]")
    qtbot.mouseClick(tab.generate_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: len(panel.job_list.job_ids()) == 3, timeout=10_000)
    jobs = panel.job_list
    qtbot.waitUntil(
        lambda: any(jobs.state_of(j) is JobState.DONE for j in jobs.job_ids()), timeout=WAIT
    )
    done = next(j for j in jobs.job_ids() if jobs.state_of(j) is JobState.DONE)

    jobs.compare_requested.emit(done)  # "Compare this batch's takes" on a finished row
    qtbot.waitUntil(lambda: len(panel.compare.views) == 1, timeout=10_000)
    view = next(iter(panel.compare.views.values()))
    assert isinstance(view, CompareView) and len(view.cells) == 3
    assert "still generating" in view.status.text()
    assert sorted(c.take.model_id for c in view.cells) == sorted(MODELS)
    waiting = [c for c in view.cells if c.item is None]
    assert waiting and "…" in waiting[0].picture.text()

    qtbot.waitUntil(lambda: all(c.item is not None for c in view.cells), timeout=WAIT)
    qtbot.waitUntil(lambda: all(c.ready for c in view.cells), timeout=WAIT)
    assert view.status.text() == ""
    assert all("$" in c.facts.text() and "made in" in c.facts.text() for c in view.cells)

    view.setFocus()
    qtbot.keyClick(view, Qt.Key.Key_2)
    qtbot.waitUntil(lambda: "★ pick" in view.cells[1].title.text(), timeout=10_000)
    winner = view.cells[1].item
    assert winner is not None
    project = ProjectPaths.at(tmp_path / "P")
    with project_database(project) as db:
        repo = MediaRepository(db, project.root)
        items = repo.get_many([c.item.id for c in view.cells if c.item])
    by_id = {i.id: i for i in items}
    assert "pick" in by_id[winner.id].tags
    others = [i for i in items if i.id != winner.id]
    assert all("alternate" in i.tags and i.parent_id == winner.id for i in others)

    view.regenerate_button.click()
    qtbot.waitUntil(lambda: len(jobs.job_ids()) == 5, timeout=10_000)
    qtbot.waitUntil(lambda: _all_done(window, 5), timeout=WAIT)
    with project_database(project) as db:
        records = JobJournal(db).recent()
    first_batch = next(r.batch_id for r in records if r.id == done)
    again = [r for r in records if r.batch_id != first_batch]
    losers = [c.take.model_id for c in view.cells if c.item is not winner]
    assert sorted(r.model_id for r in again) == sorted(losers)
    original = next(r for r in records if r.batch_id == first_batch)
    assert all(r.request["prompt"] == original.request["prompt"] for r in again)

    view.close()
    qtbot.waitUntil(lambda: not panel.compare.views, timeout=5_000)
    panel.lower_tabs.setCurrentWidget(panel.history)
    history = panel.history
    qtbot.waitUntil(lambda: len(history.batches) == 2 and not history.loading(), timeout=10_000)
    row = next(
        history.tree.topLevelItem(i)
        for i in range(history.tree.topLevelItemCount())
        if history.batches[i].batch_id == first_batch
    )
    history.tree.setCurrentItem(row)
    history.compare_button.click()
    qtbot.waitUntil(lambda: len(panel.compare.views) == 1, timeout=10_000)
    reopened = next(iter(panel.compare.views.values()))
    assert "★ pick" in reopened.cells[1].title.text()
    assert all(c.item is not None for c in reopened.cells)
    reopened.close()
    window.close()
