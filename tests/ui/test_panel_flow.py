"""The whole panel as an editor uses it: tabs, price, generate, cancel, retry, derive, settings."""

from __future__ import annotations

import argparse
from pathlib import Path

import pytest
from keyring.backend import KeyringBackend
from PySide6.QtCore import Qt
from PySide6.QtGui import QGuiApplication
from pytestqt.qtbot import QtBot

from qcut_ai.app.main import build_window
from qcut_ai.app.shell import MainWindow
from qcut_ai.core.catalog import Category
from qcut_ai.core.job_state import JobState
from qcut_ai.core.media import MediaItem
from qcut_ai.core.project import ProjectPaths
from qcut_ai.core.settings import Settings
from qcut_ai.services.settings_store import SettingsStore

KEY = "abcd1234:panel-flow-secret"


def _window(qtbot: QtBot, project: Path) -> MainWindow:
    SettingsStore().save(Settings(poll_interval_s=0.05, poll_max_interval_s=0.1))
    window = build_window(argparse.Namespace(project=str(project), offline=False))
    assert isinstance(window, MainWindow)
    qtbot.addWidget(window)
    window.show()
    return window


def test_two_models_cancel_one_retry_it_and_derive_an_upscale(qtbot: QtBot, tmp_path: Path) -> None:
    window = _window(qtbot, tmp_path / "P")
    panel = window.panel
    tab = panel.text_tab
    tab.picker.select_ids(["kling-2.5-turbo-pro"])
    one = tab.generate_button.text()
    tab.picker.select_ids(["kling-2.5-turbo-pro", "wan-2.2-turbo"])
    assert tab.generate_button.text().startswith("Generate 2 videos · $")
    assert tab.generate_button.text() != one
    assert "Kling" in tab.generate_button.toolTip() and "Wan" in tab.generate_button.toolTip()

    # Another tab validates its own inputs before anything is paid.
    image_tab = panel.generate_tabs[Category.IMAGE_TO_VIDEO]
    image_tab.set_prompt("the heron takes off")
    image_tab.request_generate()
    assert "image" in image_tab.error_label.text().lower()
    assert panel.job_list.job_ids() == []

    added: list[MediaItem] = []
    panel.media_added.connect(added.append)
    tab.set_prompt("a heron in the reeds at dawn [generate:1.5]")
    qtbot.mouseClick(tab.generate_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: len(panel.job_list.job_ids()) == 2, timeout=10_000)
    first, second = reversed(panel.job_list.job_ids())  # newest row on top
    qtbot.waitUntil(lambda: panel.job_list.state_of(first) is JobState.GENERATING, timeout=30_000)
    panel.job_list.cancel_requested.emit(first)
    qtbot.waitUntil(lambda: panel.job_list.state_of(first) is JobState.CANCELLED, timeout=30_000)
    qtbot.waitUntil(lambda: len(added) == 1, timeout=60_000)
    assert panel.job_list.state_of(second) is JobState.DONE

    panel.job_list.retry_requested.emit(first)
    qtbot.waitUntil(lambda: len(added) == 2, timeout=60_000)
    retried = [j for j in panel.job_list.job_ids() if j not in (first, second)]
    assert len(retried) == 1
    assert panel.job_list.state_of(retried[0]) is JobState.DONE
    assert {item.model_name for item in added} == {"Kling 2.5 Turbo Pro", "Wan 2.2 Turbo"}
    for item in added:
        assert item.display_name.startswith(f"AI ({item.model_name}): a heron")
        assert item.thumbnail and Path(item.thumbnail).is_file()
    qtbot.waitUntil(lambda: panel.model.rowCount() == 2, timeout=10_000)

    # "Upscale" on a clip opens the Upscale tab with the clip as its source.
    panel.derive("upscale", added[0])
    upscale = panel.generate_tabs[Category.UPSCALE]
    assert panel.tabs.currentWidget() is upscale
    assert added[0].path in upscale.inputs.paths().values()
    window.close()


def test_saving_a_key_in_settings_switches_the_panel_out_of_preview(
    qtbot: QtBot, tmp_path: Path, memory_keyring: KeyringBackend
) -> None:
    window = _window(qtbot, tmp_path / "P")
    qtbot.waitUntil(lambda: "Offline preview" in window.panel.banner.text())
    dialog = window.open_settings()
    qtbot.waitUntil(dialog.save_button.isEnabled)
    qtbot.keyClicks(dialog.key_edit, KEY)
    with qtbot.waitSignal(dialog.key_changed, timeout=10_000):
        qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)
    assert memory_keyring.get_password("qcut-ai", "fal-api-key") == KEY
    qtbot.waitUntil(lambda: window.panel.banner.text() == "")
    assert not window.panel.generation.connection().offline
    window.close()


def test_copy_diagnostics_puts_a_redacted_report_on_the_clipboard(
    qtbot: QtBot, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("FAL_KEY", KEY)
    window = _window(qtbot, tmp_path / "P")
    with qtbot.waitSignal(window.diagnostics_copied, timeout=20_000) as copied:
        window.copy_diagnostics()
    text = copied.args[0]
    assert "qcut-ai" in text and "PySide6" in text
    assert KEY not in text and "panel-flow-secret" not in text
    assert QGuiApplication.clipboard().text() == text
    window.close()


def test_running_a_retired_models_clip_again_is_refused_naming_its_successor(
    qtbot: QtBot, library_project: ProjectPaths
) -> None:
    # Sora 2 made this clip before fal retired it (2026-09-24): the clip, its
    # history and its provenance stay; a new request to Sora would go nowhere.
    from qcut_ai.library.project_db import open_project_db
    from qcut_ai.library.repository import MediaRepository

    window = _window(qtbot, library_project.root)
    panel = window.panel
    db = open_project_db(library_project)
    try:
        item = MediaRepository(db, library_project.root).get_by_request_id("req-sora-1")
    finally:
        db.close()
    assert item is not None and item.model_name == "Sora 2"
    assert "sora-2" not in {s.id for s in panel.text_tab.picker.specs()}
    with qtbot.waitSignal(panel.error_reported, timeout=10_000) as reported:
        panel.derive("regenerate", item)
    assert reported.args[0].startswith("Sora 2 was retired by fal (2026-09-24); use Veo 3.1")
    assert panel.job_list.job_ids() == []  # nothing was sent
    window.close()
