"""Cycles dropped by a worker are collected on the GUI thread, never in the worker
(where freeing a Qt object can deadlock against the GUI thread)."""

from __future__ import annotations

import gc
import threading
from collections.abc import Iterator
from typing import ClassVar

import pytest
from pytestqt.qtbot import QtBot

from qcut_ai.ui.main_thread_gc import MainThreadCollector


class _Cycle:
    freed_on: ClassVar[list[str]] = []

    def __init__(self) -> None:
        self.me = self

    def __del__(self) -> None:
        _Cycle.freed_on.append(threading.current_thread().name)


@pytest.fixture
def collector(qtbot: QtBot) -> Iterator[MainThreadCollector]:
    was = gc.isenabled()
    gc.enable()  # as a fresh interpreter has it
    made = MainThreadCollector(interval_ms=20)
    made.start()
    yield made
    made.stop()
    if not was:
        gc.disable()


def test_a_cycle_a_worker_drops_is_freed_on_the_gui_thread(
    qtbot: QtBot, collector: MainThreadCollector
) -> None:
    _Cycle.freed_on.clear()
    kept: list[list[int]] = []

    def work() -> None:
        _Cycle()  # dropped at once: only the cycle collector can free it
        # Keep well past the threshold of new objects the automatic collector acts on.
        kept.extend([n] for n in range(gc.get_threshold()[0] * 20))

    worker = threading.Thread(target=work, name="worker")
    worker.start()
    worker.join(10)
    assert _Cycle.freed_on == []  # nothing collected in the worker
    qtbot.waitUntil(lambda: _Cycle.freed_on != [], timeout=5000)  # the timer's turn
    assert _Cycle.freed_on == [threading.main_thread().name]


def test_stopping_gives_collection_back(collector: MainThreadCollector) -> None:
    assert not gc.isenabled()
    collector.stop()
    assert gc.isenabled()
