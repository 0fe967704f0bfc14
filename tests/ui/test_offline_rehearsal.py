"""Offline preview rehearses a real batch: the same price question and budget refusal, at
the real prices, worded as what the batch would cost at fal."""

from __future__ import annotations

import argparse
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from qcut_ai.app.main import build_window
from qcut_ai.app.shell import MainWindow
from qcut_ai.core.job_state import JobState
from qcut_ai.core.settings import Settings
from qcut_ai.services.settings_store import SettingsStore
from qcut_ai.ui import spend_confirmation

FAST = {"poll_interval_s": 0.05, "poll_max_interval_s": 0.1}


def _window(qtbot: QtBot, project: Path, **settings: float) -> MainWindow:
    SettingsStore().save(Settings(**FAST, **settings))
    window = build_window(argparse.Namespace(project=str(project), offline=False))
    assert isinstance(window, MainWindow)
    qtbot.addWidget(window)
    window.show()
    tab = window.panel.text_tab
    tab.picker.select_ids(["kling-2.5-turbo-pro"])
    tab.set_prompt("a heron in the reeds")
    return window


def test_above_the_threshold_preview_asks_what_it_would_cost_and_runs_on_yes(
    qtbot: QtBot, tmp_path: Path, questions_answered: list[str]
) -> None:
    window = _window(qtbot, tmp_path / "P", confirm_above_usd=0.01)
    panel = window.panel
    price = panel.text_tab.generate_button.text().split("· ")[1]  # the real price, e.g. $0.70
    qtbot.mouseClick(panel.text_tab.generate_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: len(panel.job_list.job_ids()) == 1, timeout=15_000)
    (question,) = questions_answered
    assert question.startswith("Offline preview: nothing is paid.")
    assert f"would cost at fal an estimated {price}," in question
    (job_id,) = panel.job_list.job_ids()
    qtbot.waitUntil(lambda: panel.job_list.state_of(job_id) is JobState.DONE, timeout=30_000)
    window.close()


def test_a_no_to_the_rehearsed_question_sends_nothing(
    qtbot: QtBot, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    window = _window(qtbot, tmp_path / "P", confirm_above_usd=0.01)
    panel = window.panel
    asked: list[str] = []
    monkeypatch.setattr(
        spend_confirmation, "ask_spending", lambda _parent, text: asked.append(text) or False
    )
    launched: list[object] = []
    monkeypatch.setattr(panel.generation, "launch", lambda *a, **k: launched.append(a))
    qtbot.mouseClick(panel.text_tab.generate_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: bool(asked), timeout=15_000)
    assert launched == [] and panel.job_list.job_ids() == []
    window.close()


def test_over_budget_preview_is_refused_as_fal_would_refuse_it(
    qtbot: QtBot, tmp_path: Path
) -> None:
    window = _window(qtbot, tmp_path / "P", daily_budget_usd=0.05)
    panel = window.panel
    with qtbot.waitSignal(panel.error_reported, timeout=15_000) as refused:
        qtbot.mouseClick(panel.text_tab.generate_button, Qt.MouseButton.LeftButton)
    assert "at fal this batch would be refused" in refused.args[0]
    assert "budget" in refused.args[0]
    assert panel.job_list.job_ids() == []
    window.close()
