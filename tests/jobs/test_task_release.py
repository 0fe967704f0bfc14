"""A runner lets go of each task once its answer is delivered: a long session's
finished work (its closures, flags and locks) does not stay in memory."""

from __future__ import annotations

import gc
import weakref
from typing import Any

from pytestqt.qtbot import QtBot

from qcut_ai.jobs.tasks import Task, TaskRunner


def test_answered_tasks_are_freed_and_their_answers_still_arrive(qtbot: QtBot) -> None:
    runner = TaskRunner("release-test", 2)
    answers: list[int] = []
    refs: list[weakref.ref[Task]] = []
    try:
        for n in range(30):
            payload = bytearray(100_000)  # what a task's closure may hold on to

            def work(_abort: Any, _progress: Any, n: int = n, payload: bytearray = payload) -> int:
                return n + len(payload) * 0

            task = runner.start(work, answers.append, name=f"task {n}")
            refs.append(weakref.ref(task))
            del task
            qtbot.waitUntil(lambda n=n: len(answers) == n + 1, timeout=5_000)
        gc.collect()
        alive = [ref for ref in refs[:-3] if ref() is not None]
        assert answers == list(range(30))
        assert alive == [], f"{len(alive)} finished tasks are still held"
        assert not runner.busy()
    finally:
        runner.shutdown(5_000)


def test_stopping_a_task_that_answered_and_was_freed_returns_at_once(qtbot: QtBot) -> None:
    runner = TaskRunner("release-stop", 1)
    answers: list[str] = []
    try:
        first = runner.start(lambda _a, _p: "first", answers.append, name="first")
        qtbot.waitUntil(lambda: answers == ["first"], timeout=5_000)
        second = runner.start(lambda _a, _p: "second", answers.append, name="second")
        qtbot.waitUntil(lambda: answers == ["first", "second"], timeout=5_000)
        assert runner.stop([first, second], timeout_ms=1_000)
    finally:
        runner.shutdown(5_000)
