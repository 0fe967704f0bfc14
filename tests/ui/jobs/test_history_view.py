"""The history view reads the real job journal and offers "Run again" and "Edit and run"."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QTreeWidgetItem
from pytestqt.qtbot import QtBot

from qcut_ai.core.batches import HistoryBatch, HistoryJob, group_batches, settings_text
from qcut_ai.core.catalog import load_catalog
from qcut_ai.core.job_state import JobState
from qcut_ai.core.project import ProjectPaths
from qcut_ai.core.requests import GenerationRequest
from qcut_ai.engine.batch import journal_batch, plan
from qcut_ai.engine.journal import JobJournal
from qcut_ai.library.project_db import open_project_db
from qcut_ai.ui.jobs.history_view import HistoryView

FIRST = GenerationRequest(prompt="a lighthouse in a storm", duration=5, aspect_ratio="16:9")
SECOND = GenerationRequest(prompt="a fox in the snow, slow push in", duration=4, seed=7)
PAIR = ["veo3.1-fast", "seedance-pro"]


def _journal(project: ProjectPaths, request: GenerationRequest, models: list[str], at: str) -> None:
    """Journal one batch exactly as the panel does, then stamp its time."""
    catalog = load_catalog()
    db = open_project_db(project)
    try:
        journal = JobJournal(db)
        records = journal_batch(journal, plan([catalog.get(m) for m in models], request), request)
        for record in records:
            journal.update(record.id, created_at=at)
        first = records[0]
        journal.update(first.id, JobState.DONE, download_path=str(project.media / "fox.mp4"))
        if len(records) > 1:
            journal.update(records[1].id, JobState.FAILED, error="The model failed: boom.")
    finally:
        db.close()


@pytest.fixture
def project(tmp_path: Path) -> ProjectPaths:
    paths = ProjectPaths.at(tmp_path / "Project").ensure()
    _journal(paths, FIRST, ["kling-2.5-turbo-pro"], "2025-03-01T10:00:00.000+00:00")
    _journal(paths, SECOND, PAIR, "2025-03-02T10:00:00.000+00:00")
    return paths


def _view(qtbot: QtBot) -> HistoryView:
    view = HistoryView()
    qtbot.addWidget(view)
    view.resize(800, 400)
    view.show()
    return view


def _open(qtbot: QtBot, view: HistoryView, project: ProjectPaths | None) -> None:
    with qtbot.waitSignal(view.history_loaded, timeout=10_000):
        view.set_project(project)


def _top(view: HistoryView, index: int) -> QTreeWidgetItem:
    item = view.tree.topLevelItem(index)
    assert item is not None
    return item


def _row(item: QTreeWidgetItem | None) -> list[str]:
    assert item is not None
    return [item.text(c) for c in range(5)]


def test_batches_are_listed_newest_first_with_each_models_result(
    qtbot: QtBot, project: ProjectPaths
) -> None:
    view = _view(qtbot)
    assert view.objectName() == "historyView"
    assert "Open a project" in view.status.text()
    _open(qtbot, view, project)
    assert view.tree.topLevelItemCount() == 2 and not view.status.isVisible()

    newest = view.tree.topLevelItem(0)
    prompt, state, details, _when, cost = _row(newest)
    assert prompt == SECOND.prompt
    assert state == "1 done · 1 failed"
    assert details == "4 s · seed 7"
    assert cost.startswith("$")
    assert newest is not None and newest.childCount() == 2
    done, failed = _row(newest.child(0)), _row(newest.child(1))
    assert done[:3] == [load_catalog().get(PAIR[0]).name, "Done", "fox.mp4"]
    assert failed[1:3] == ["Failed", "The model failed: boom."]
    assert _row(view.tree.topLevelItem(1))[0] == FIRST.prompt


def test_run_again_sends_the_models_and_the_journaled_request(
    qtbot: QtBot, project: ProjectPaths
) -> None:
    view = _view(qtbot)
    _open(qtbot, view, project)
    view.tree.setCurrentItem(_top(view, 0))
    with qtbot.waitSignal(view.run_again_requested, timeout=2_000) as again:
        qtbot.mouseClick(view.run_again_button, Qt.MouseButton.LeftButton)
    models, request = again.args
    assert models == PAIR
    assert isinstance(request, GenerationRequest) and request == SECOND


def test_edit_and_run_on_one_model_row_sends_only_that_model(
    qtbot: QtBot, project: ProjectPaths
) -> None:
    view = _view(qtbot)
    _open(qtbot, view, project)
    second_model = _top(view, 0).child(1)
    assert second_model is not None
    view.tree.setCurrentItem(second_model)
    with qtbot.waitSignal(view.edit_requested, timeout=2_000) as edit:
        qtbot.mouseClick(view.edit_button, Qt.MouseButton.LeftButton)
    assert edit.args[0] == [PAIR[1]] and edit.args[1] == SECOND


def test_refresh_shows_new_batches_and_keeps_the_selection(
    qtbot: QtBot, project: ProjectPaths
) -> None:
    view = _view(qtbot)
    _open(qtbot, view, project)
    view.tree.setCurrentItem(_top(view, 1))
    third = GenerationRequest(prompt="city at night", duration=5)
    _journal(project, third, ["kling-2.5-turbo-pro"], "2025-03-03T10:00:00.000+00:00")
    with qtbot.waitSignal(view.history_loaded, timeout=10_000):
        qtbot.mouseClick(view.refresh_button, Qt.MouseButton.LeftButton)
    assert view.tree.topLevelItemCount() == 3
    assert _row(view.tree.topLevelItem(0))[0] == "city at night"
    assert view.tree.currentItem() is view.tree.topLevelItem(2)
    assert _row(view.tree.currentItem())[0] == FIRST.prompt


def test_a_project_without_generations_is_not_created_or_touched(
    qtbot: QtBot, tmp_path: Path
) -> None:
    view = _view(qtbot)
    empty = ProjectPaths.at(tmp_path / "Nothing")
    _open(qtbot, view, empty)
    assert view.tree.topLevelItemCount() == 0
    assert "No generations yet" in view.status.text()
    assert not view.run_again_button.isEnabled() and not empty.root.exists()


def test_a_damaged_database_is_reported_in_one_sentence(qtbot: QtBot, tmp_path: Path) -> None:
    project = ProjectPaths.at(tmp_path / "Broken").ensure()
    project.database.write_bytes(b"this is not a database at all" * 10)
    view = _view(qtbot)
    with qtbot.waitSignal(view.load_failed, timeout=10_000) as failed:
        view.set_project(project)
    assert "damaged" in failed.args[0] and "damaged" in view.status.text()
    assert view.tree.topLevelItemCount() == 0


def test_a_request_this_version_cannot_read_is_shown_but_not_rerun(
    qtbot: QtBot, tmp_path: Path
) -> None:
    project = ProjectPaths.at(tmp_path / "Old").ensure()
    db = open_project_db(project)
    try:
        JobJournal(db).create(
            batch_id="b1",
            position=0,
            model_id="retired-model",
            endpoint="fal-ai/retired",
            model_name="Retired",
            request={"prompt": "old", "motion_bucket": 3},
            arguments={},
            estimate_usd=None,
            price_unit=None,
        )
    finally:
        db.close()
    view = _view(qtbot)
    _open(qtbot, view, project)
    row = _row(view.tree.topLevelItem(0))
    assert row[2].startswith("Saved by another version") and row[4] == "price unknown"
    assert not view.run_again_button.isEnabled() and not view.edit_button.isEnabled()


def test_settings_text_names_the_options_set() -> None:
    full = GenerationRequest(
        prompt="x",
        duration=8,
        resolution="1080p",
        aspect_ratio="9:16",
        generate_audio=False,
        image="/a.png",
        end_image="/b.png",
        negative_prompt="blur",
    )
    assert settings_text(full) == (
        "8 s · 1080p · 9:16 · no audio · image · last frame · negative prompt"
    )
    assert settings_text(GenerationRequest(prompt="x")) == "model defaults"
    assert group_batches([]) == []


def test_batch_cost_says_how_many_prices_are_unknown() -> None:
    def job(usd: float | None) -> HistoryJob:
        return HistoryJob("j", "m", "M", JobState.DONE, None, usd, None)

    def batch(*prices: float | None) -> HistoryBatch:
        return HistoryBatch("b", "2025-01-01T00:00:00+00:00", None, tuple(map(job, prices)))

    assert batch(0.5, 0.25).cost_text == "$0.75"
    assert batch(0.5, None).cost_text == "$0.50 + 1 price unknown"
    assert batch(None).cost_text == "price unknown"


def test_switching_projects_quickly_shows_only_the_last_one(
    qtbot: QtBot, project: ProjectPaths, tmp_path: Path
) -> None:
    broken = ProjectPaths.at(tmp_path / "Broken").ensure()
    broken.database.write_bytes(b"not sqlite" * 20)
    view = _view(qtbot)
    failures: list[str] = []
    view.load_failed.connect(failures.append)
    view.set_project(broken)
    _open(qtbot, view, project)
    qtbot.waitUntil(lambda: not view.loading(), timeout=10_000)
    assert failures == [] and view.tree.topLevelItemCount() == 2


def test_a_model_fal_retired_shows_as_retired_and_run_again_uses_its_successor(
    qtbot: QtBot, tmp_path: Path
) -> None:
    project = ProjectPaths.at(tmp_path / "Sora").ensure()
    db = open_project_db(project)
    try:
        journal = JobJournal(db)
        for position, (model_id, endpoint, name) in enumerate(
            [
                ("sora-2", "fal-ai/sora-2/text-to-video", "Sora 2"),
                ("veo3.1-fast", "fal-ai/veo3.1/fast", "Veo 3.1 Fast"),
            ]
        ):
            journal.create(
                batch_id="b1",
                position=position,
                model_id=model_id,
                endpoint=endpoint,
                model_name=name,
                request={"prompt": "a harbour at dawn"},
                arguments={},
                estimate_usd=None,
                price_unit=None,
            )
    finally:
        db.close()
    view = _view(qtbot)
    _open(qtbot, view, project)
    batch = _top(view, 0)
    assert _row(batch.child(0))[0] == "Sora 2 (retired by fal (2026-09-24))"
    assert _row(batch.child(1))[0] == "Veo 3.1 Fast"
    view.tree.setCurrentItem(batch)
    with qtbot.waitSignal(view.run_again_requested) as ran:
        view.run_again_button.click()
    assert ran.args[0] == ["veo3.1", "veo3.1-fast"]
    assert "Sora 2 was retired by fal (2026-09-24); Veo 3.1 runs instead." in view.status.text()
    assert "Veo 3.1 runs instead" in view.run_again_button.toolTip()


def test_rerun_models_replaces_each_retired_model_once() -> None:
    from qcut_ai.core.catalog import load_catalog
    from qcut_ai.core.successors import rerun_models

    catalog = load_catalog()
    rerun = rerun_models(["sora-2", "veo3.1", "sora-2-pro", "gone-model"], catalog)
    # Sora 2's first successor (Veo 3.1) is already there: the next one runs instead.
    assert rerun.model_ids[:2] == ("seedance-2.0", "veo3.1")
    assert len(set(rerun.model_ids)) == len(rerun.model_ids)
    assert any("gone-model is no longer in the catalogue" in n for n in rerun.notes)


def _many_batches(project: ProjectPaths, count: int) -> None:
    """`count` one-model batches, a minute apart, the newest last."""
    catalog = load_catalog()
    db = open_project_db(project)
    try:
        journal = JobJournal(db)
        for n in range(count):
            request = GenerationRequest(prompt=f"take {n}")
            (record,) = journal_batch(
                journal, plan([catalog.get("kling-2.5-turbo-pro")], request), request
            )
            journal.update(
                record.id, created_at=f"2025-04-01T{n // 60:02d}:{n % 60:02d}:00.000+00:00"
            )
    finally:
        db.close()


def test_history_shows_a_page_of_batches_and_older_ones_when_scrolled_to_the_end(
    qtbot: QtBot, tmp_path: Path
) -> None:
    project = ProjectPaths.at(tmp_path / "Long").ensure()
    _many_batches(project, 45)
    view = _view(qtbot)
    _open(qtbot, view, project)
    assert view.tree.topLevelItemCount() == 20 and view.has_older()
    assert _row(_top(view, 0))[0] == "take 44"

    scroll = view.tree.verticalScrollBar()
    while view.has_older():
        with qtbot.waitSignal(view.history_loaded, timeout=10_000):
            scroll.setValue(scroll.maximum())
    prompts = [_row(_top(view, i))[0] for i in range(view.tree.topLevelItemCount())]
    assert prompts == [f"take {n}" for n in range(44, -1, -1)]  # each once, newest first

    view.tree.setCurrentItem(_top(view, 40))
    with qtbot.waitSignal(view.history_loaded, timeout=10_000):
        qtbot.mouseClick(view.refresh_button, Qt.MouseButton.LeftButton)
    assert view.tree.topLevelItemCount() == 45  # a refresh keeps what was scrolled to
    assert _row(view.tree.currentItem())[0] == "take 4"
