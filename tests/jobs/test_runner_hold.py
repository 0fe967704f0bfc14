"""Work started before the window's first paint waits for it, then runs as usual; work
still running when the app is torn down ends without raising into its thread."""

from __future__ import annotations

import sys
import threading
from collections.abc import Callable

import pytest
from PySide6.QtWidgets import QLabel
from pytestqt.qtbot import QtBot

from qcut_ai.app.first_paint import FirstPaintGate
from qcut_ai.jobs.tasks import Runners, TaskRunner


def _recording(ran: list[str], name: str) -> Callable[[object, object], str]:
    def work(_abort: object, _progress: object) -> str:
        ran.append(name)
        return name

    return work


def test_held_tasks_run_in_order_once_released(qtbot: QtBot) -> None:
    runner = TaskRunner("held", 1)
    ran: list[str] = []
    answers: list[str] = []
    runner.hold()
    runner.start(_recording(ran, "first"), answers.append)
    runner.start(_recording(ran, "second"), answers.append)
    qtbot.wait(20)
    assert ran == [] and runner.busy()
    runner.release()
    qtbot.waitUntil(lambda: answers == ["first", "second"])
    assert ran == ["first", "second"]
    runner.shutdown()


def test_a_held_task_can_be_stopped_or_shut_down_without_running(qtbot: QtBot) -> None:
    runner = TaskRunner("held", 1)
    ran: list[str] = []
    runner.hold()
    stopped = runner.start(_recording(ran, "stopped"))
    assert runner.stop([stopped], timeout_ms=2000)
    runner.start(_recording(ran, "left"))
    assert runner.shutdown(timeout_ms=2000)
    runner.release()
    qtbot.wait(20)
    assert ran == []


def test_the_gate_opens_after_the_first_paint(qtbot: QtBot) -> None:
    runners = Runners.standard()
    threads: list[str] = []
    answers: list[str] = []
    gate = FirstPaintGate(runners, latest_ms=60_000)
    label = QLabel("first screen")
    qtbot.addWidget(label)
    runners.database.start(
        lambda _a, _p: threads.append(threading.current_thread().name) or "read", answers.append
    )
    qtbot.wait(20)
    assert not gate.released and answers == []  # nothing has painted yet
    label.show()
    qtbot.waitUntil(lambda: answers == ["read"])
    assert gate.released and threads
    runners.shutdown()


def test_the_gate_opens_in_time_when_nothing_paints(qtbot: QtBot) -> None:
    runners = Runners.standard()
    answers: list[str] = []
    gate = FirstPaintGate(runners, latest_ms=50)
    runners.media.start(lambda _a, _p: "done", answers.append)
    qtbot.waitUntil(lambda: answers == ["done"])
    assert gate.released
    runners.shutdown()


def test_a_gate_told_of_a_later_step_waits_for_it_past_the_first_paint(qtbot: QtBot) -> None:
    # The window's generator tab is built after the first paint; the workers wait for it.
    runners = Runners.standard()
    answers: list[str] = []
    gate = FirstPaintGate(runners, latest_ms=60_000)
    step = QLabel("generator")  # any object with a signal that says the step happened
    qtbot.addWidget(step)
    gate.release_after(step.windowTitleChanged)
    runners.database.start(lambda _a, _p: "read", answers.append)
    step.show()
    qtbot.waitExposed(step)
    qtbot.wait(50)
    assert not gate.released and answers == []  # painted, but the step has not come
    step.setWindowTitle("built")
    qtbot.waitUntil(lambda: answers == ["read"])
    assert gate.released
    runners.shutdown()


def test_a_task_that_outruns_its_runners_shutdown_ends_quietly(
    qtbot: QtBot, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    # Quitting waits a while for running work; a task still running after that must
    # not raise into its thread when it ends and its runner is gone.
    import shiboken6

    raised: list[BaseException] = []
    monkeypatch.setattr(sys, "excepthook", lambda _t, exc, _tb: raised.append(exc))
    runner = TaskRunner("slow", 1)
    go, started = threading.Event(), threading.Event()
    task_ran: list[threading.Event] = []

    def slow(_abort: object, progress: Callable[[object], None]) -> str:
        started.set()
        go.wait(10)
        progress("late")
        return "late"

    runner.start(slow)
    task_ran.extend(task.ran for task in runner._tasks)
    assert started.wait(5)
    assert not runner.shutdown(timeout_ms=20)  # still running
    signals = runner._signals
    shiboken6.delete(signals)  # as when the app is torn down
    with caplog.at_level("INFO", logger="qcut_ai.jobs.tasks"):
        go.set()
        assert task_ran[0].wait(5)
        qtbot.wait(20)
    assert raised == []
    assert "task slow finished after its runner was gone" in caplog.text
