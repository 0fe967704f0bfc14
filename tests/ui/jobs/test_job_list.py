"""The jobs pane as an editor uses it: retry at hand, prompt and start time, clearing,
and a question before paid jobs are cancelled."""

from __future__ import annotations

from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from qcut_ai.core.events import JobEvent
from qcut_ai.core.job_state import JobState
from qcut_ai.jobs.job_items import PROMPT_COLUMN, STARTED_COLUMN, JobListModel
from qcut_ai.ui.jobs.job_list import JobListWidget

LONG_PROMPT = "a red fox running through deep snow at dawn, low sun, long shadows, 35 mm film"


def _widget(qtbot: QtBot) -> JobListWidget:
    widget = JobListWidget(model=JobListModel())
    qtbot.addWidget(widget)
    widget.show()
    return widget


def _row(widget: JobListWidget, job_id: str) -> int:
    return next(
        r
        for r in range(widget.model.rowCount())
        if widget.model.job_at(widget.model.index(r, 0)) == job_id
    )


def test_a_failed_row_shows_a_retry_button_that_asks_for_the_retry(qtbot: QtBot) -> None:
    widget = _widget(qtbot)
    widget.add_job("j1", "Kling", prompt="a fox")
    assert widget.retry_button("j1") is None  # a queued job has nothing to retry

    widget.apply_event(JobEvent("j1", JobState.FAILED, error="The model failed."))
    button = widget.retry_button("j1")
    assert button is not None and button.isVisible()
    with qtbot.waitSignal(widget.retry_requested) as asked:
        qtbot.mouseClick(button, Qt.MouseButton.LeftButton)
    assert asked.args == ["j1"]

    widget.apply_event(JobEvent("j1", JobState.DONE))
    assert widget.retry_button("j1") is None


def test_rows_show_the_prompt_elided_with_the_whole_prompt_on_hover_and_the_start_time(
    qtbot: QtBot,
) -> None:
    widget = _widget(qtbot)
    widget.add_job("j1", "Kling", prompt=LONG_PROMPT, submitted_at="2026-11-02T09:15:00+00:00")
    index = widget.model.index(_row(widget, "j1"), PROMPT_COLUMN)
    shown = widget.model.data(index)
    assert shown.endswith("…") and LONG_PROMPT.startswith(shown[:-1])
    assert widget.model.data(index, Qt.ItemDataRole.ToolTipRole) == LONG_PROMPT
    assert widget.model.headerData(PROMPT_COLUMN, Qt.Orientation.Horizontal) == "Prompt"
    assert widget.model.headerData(STARTED_COLUMN, Qt.Orientation.Horizontal) == "Started"
    started = widget.model.data(widget.model.index(_row(widget, "j1"), STARTED_COLUMN))
    assert started.startswith("2026-11-0")  # another day: the date is shown


def test_clear_finished_removes_ended_rows_and_keeps_running_ones(qtbot: QtBot) -> None:
    widget = _widget(qtbot)
    for job_id in ("done", "failed", "running"):
        widget.add_job(job_id, "Kling", prompt=job_id)
    widget.apply_event(JobEvent("done", JobState.DONE))
    widget.apply_event(JobEvent("failed", JobState.FAILED, error="The model failed."))
    widget.apply_event(JobEvent("running", JobState.GENERATING))

    qtbot.mouseClick(widget.clear_finished_button, Qt.MouseButton.LeftButton)

    assert widget.job_ids() == ["running"]
    assert widget.state_of("running") is JobState.GENERATING
    widget.apply_event(JobEvent("failed", JobState.FAILED, error="late"))  # a late answer
    assert widget.job_ids() == ["running"]
    widget.apply_event(JobEvent("running", JobState.FAILED, error="Stopped."))
    assert widget.retry_button("running") is not None  # the kept row keeps its button


def test_cancel_all_asks_first_when_paid_jobs_run_and_a_no_cancels_nothing(
    qtbot: QtBot,
) -> None:
    widget = _widget(qtbot)
    widget.add_job("paid", "Veo", paid=True)
    widget.apply_event(JobEvent("paid", JobState.GENERATING))
    asked: list[int] = []
    widget.confirm_cancel_all = lambda _parent, paid: asked.append(paid) or False
    sent: list[bool] = []
    widget.cancel_all_requested.connect(lambda: sent.append(True))

    qtbot.mouseClick(widget.cancel_all_button, Qt.MouseButton.LeftButton)
    assert asked == [1] and sent == []

    widget.confirm_cancel_all = lambda _parent, _paid: True
    qtbot.mouseClick(widget.cancel_all_button, Qt.MouseButton.LeftButton)
    assert sent == [True]


def test_cancel_all_of_offline_rehearsals_does_not_ask(qtbot: QtBot) -> None:
    widget = _widget(qtbot)
    widget.add_job("preview", "Veo", paid=False)
    widget.apply_event(JobEvent("preview", JobState.GENERATING))
    widget.confirm_cancel_all = lambda _parent, _paid: (_ for _ in ()).throw(AssertionError)
    with qtbot.waitSignal(widget.cancel_all_requested):
        qtbot.mouseClick(widget.cancel_all_button, Qt.MouseButton.LeftButton)


def test_finished_jobs_beyond_the_kept_ones_move_to_history_and_failed_ones_stay(
    qtbot: QtBot,
) -> None:
    widget = JobListWidget(model=JobListModel(keep_done=3))
    qtbot.addWidget(widget)
    widget.show()
    widget.add_job("failed", "Kling", prompt="failed")
    widget.apply_event(JobEvent("failed", JobState.FAILED, error="The model failed."))
    for n in range(6):
        widget.add_job(f"j{n}", "Kling", prompt=f"take {n}")
        widget.apply_event(JobEvent(f"j{n}", JobState.DONE))
    widget.add_job("running", "Kling", prompt="running")
    widget.set_batch_progress(6, 7)

    assert widget.job_ids() == ["failed", "j3", "j4", "j5", "running"]
    assert widget.retry_button("failed") is not None  # still there to act on
    assert "3 earlier finished jobs in" in widget.summary.text()
    assert "Batch (6/7)" in widget.summary.text()
    with qtbot.waitSignal(widget.history_requested, timeout=1_000):
        widget.summary.linkActivated.emit("history")
    widget.apply_event(JobEvent("j0", JobState.DONE))  # a late event of a job that left
    assert "j0" not in widget.job_ids()
