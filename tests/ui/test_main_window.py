"""The window opens offscreen, generates in offline preview, drags a clip to the timeline."""

from __future__ import annotations

import argparse
import json
from pathlib import Path

from PySide6.QtCore import QPointF, Qt
from PySide6.QtGui import QDropEvent
from pytestqt.qtbot import QtBot

from qcut_ai.app.main import build_window
from qcut_ai.app.shell import MainWindow
from qcut_ai.core.job_state import JobState
from qcut_ai.ui.mime import MEDIA_MIME


def _window(qtbot: QtBot, project: Path) -> MainWindow:
    window = build_window(argparse.Namespace(project=str(project), offline=False))
    assert isinstance(window, MainWindow)
    qtbot.addWidget(window)
    window.show()
    return window


def test_window_without_key_runs_offline_preview(qtbot: QtBot, tmp_path: Path) -> None:
    window = _window(qtbot, tmp_path / "P")
    panel = window.panel
    assert panel.tabs.tabText(0) == "Text to Video"
    assert panel.text_tab.generate_button.text().startswith("Generate 1 video · $")
    # The banner follows once the key was looked for (the keyring is read in a worker).
    qtbot.waitUntil(lambda: "Offline preview" in panel.banner.text())
    window.close()


def test_generate_in_preview_then_drag_clip_to_timeline(qtbot: QtBot, tmp_path: Path) -> None:
    window = _window(qtbot, tmp_path / "P")
    panel = window.panel
    tab = panel.text_tab
    tab.picker.select_ids(["kling-2.5-turbo-pro"])
    tab.prompt.setPlainText("a lighthouse in a storm, slow push in")
    added: list[object] = []
    errors: list[str] = []
    panel.media_added.connect(added.append)
    panel.jobs.job_event.connect(lambda e: errors.append(e.error) if e.error else None)
    panel.error_reported.connect(errors.append)
    qtbot.mouseClick(tab.generate_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: bool(added or errors), timeout=90_000)
    assert errors == []
    item = added[0]
    assert Path(item.path).is_file() and item.model_name.startswith("Kling")
    qtbot.waitUntil(lambda: panel.model.rowCount() == 1, timeout=10_000)
    job_ids = panel.job_list.job_ids()
    assert len(job_ids) == 1
    qtbot.waitUntil(lambda: panel.job_list.state_of(job_ids[0]) is JobState.DONE, timeout=10_000)

    index = panel.model.index(0)
    mime = panel.model.mimeData([index])
    payload = json.loads(bytes(mime.data(MEDIA_MIME).data()))
    assert payload["version"] == 1 and payload["items"][0]["path"] == item.path
    assert mime.urls()[0].toLocalFile() == item.path

    timeline = window.timeline
    drop = QDropEvent(
        QPointF(40, 30),
        Qt.DropAction.CopyAction,
        mime,
        Qt.MouseButton.LeftButton,
        Qt.KeyboardModifier.NoModifier,
    )
    timeline.dropEvent(drop)
    assert len(timeline.clips) == 1
    assert abs(timeline.clips[0].duration - item.probe.duration) < 1e-6

    panel.search.setText("lighthouse")
    qtbot.waitUntil(lambda: panel.model.rowCount() == 1, timeout=10_000)
    panel.search.setText("zebra")
    qtbot.waitUntil(lambda: panel.model.rowCount() == 0, timeout=10_000)
    window.close()


def test_validation_error_shows_before_generate(qtbot: QtBot, tmp_path: Path) -> None:
    window = _window(qtbot, tmp_path / "P")
    tab = window.panel.text_tab
    tab.prompt.setPlainText("   ")
    emitted: list[object] = []
    tab.batch_requested.connect(lambda *a: emitted.append(a))
    qtbot.mouseClick(tab.generate_button, Qt.MouseButton.LeftButton)
    assert emitted == []
    assert "prompt" in tab.error_label.text().lower()
    window.close()
