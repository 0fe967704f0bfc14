"""Every test gets its own app folders and never touches the user's keyring or fal."""

from __future__ import annotations

import faulthandler
import os
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

if TYPE_CHECKING:
    from qcut_ai.ui.main_thread_gc import MainThreadCollector

# The null backend answers "no key" without D-Bus; the keyring test picks a real one itself.
os.environ.setdefault("PYTHON_KEYRING_BACKEND", "keyring.backends.null.Keyring")
os.environ["NO_PROXY"] = "127.0.0.1,localhost,::1"
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")


# A test that takes longer than this is stuck. The watchdog is a C thread, so it
# fires even when the interpreter itself is deadlocked (e.g. a Qt backend thread
# waiting for the GIL to log while the GUI thread holds it waiting for that
# thread): CI then fails at once with every thread's stack instead of hanging.
TEST_WATCHDOG_S = 300


@pytest.fixture(autouse=True)
def stuck_test_watchdog() -> Iterator[None]:
    faulthandler.dump_traceback_later(TEST_WATCHDOG_S, exit=True, file=sys.__stderr__)
    yield
    faulthandler.cancel_dump_traceback_later()


@pytest.fixture(autouse=True)
def isolated_home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    home = tmp_path / "qcut-home"
    monkeypatch.setenv("QCUT_AI_HOME", str(home))
    monkeypatch.delenv("FAL_KEY", raising=False)
    monkeypatch.delenv("QCUT_AI_FAL_URL", raising=False)
    monkeypatch.setenv("QCUT_AI_STANDIN_PROFILE", "instant")
    yield home


# How long a Qt test's background work may take to finish after the test.
RUNNER_GRACE_S = 10.0


_collector: list[MainThreadCollector] = []  # started once Qt is up (the GUI thread's)


@pytest.fixture(autouse=True)
def collect_cycles_on_the_main_thread() -> Iterator[None]:
    """As in the app: once Qt is up, Python's cycle collector runs on the main thread
    only (qcut_ai.ui.main_thread_gc), on its timer and after each test."""
    _main_thread_collector()
    yield
    collector = _main_thread_collector()
    if collector is not None:
        collector.collect_due()


def _main_thread_collector() -> MainThreadCollector | None:
    if not _collector and "PySide6.QtWidgets" in sys.modules:
        from PySide6.QtWidgets import QApplication

        from qcut_ai.ui.main_thread_gc import MainThreadCollector

        app = QApplication.instance()
        if app is not None:
            collector = MainThreadCollector(app)
            collector.start()
            _collector.append(collector)
    return _collector[0] if _collector else None


@pytest.fixture(autouse=True)
def no_work_left_running() -> Iterator[None]:
    """Fail a Qt test that leaves a task runner busy, naming the work and where it began.

    Autouse, so it is set up first and torn down last: after pytest-qt has closed
    the test's widgets. Answers still on their way are delivered meanwhile.
    """
    yield
    if "qcut_ai.jobs.tasks" not in sys.modules:
        return
    from PySide6.QtTest import QTest
    from PySide6.QtWidgets import QApplication

    from qcut_ai.jobs.tasks import TaskRunner, shutdown_default_runners

    if QApplication.instance() is None:
        return
    deadline = time.monotonic() + RUNNER_GRACE_S
    busy = [r for r in list(TaskRunner.instances) if r.busy()]
    while busy and time.monotonic() < deadline:
        QTest.qWait(20)
        busy = [r for r in list(TaskRunner.instances) if r.busy()]
    left = {r.name: r.pending() for r in busy}
    shutdown_default_runners()
    for runner in list(TaskRunner.instances):
        runner.shutdown(2000)
    if left:
        pytest.fail(f"the test left work running on task runners: {left}")
