"""The editor's transport keys from the bin: the selected clip plays, shuttles and is marked."""

from __future__ import annotations

from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from qcut_ai.core.project import ProjectPaths
from tests.ui.layout_check import open_window as _window


def test_transport_keys_work_with_the_bin_focused(
    qtbot: QtBot, library_project: ProjectPaths
) -> None:
    window = _window(qtbot, library_project.root, (1440, 900))
    panel = window.panel
    row = max(range(3), key=lambda r: panel.model.items[r].duration or 0)  # the 2 s clip
    panel.view.setCurrentIndex(panel.model.index(row, 0))
    panel.view.setFocus()
    qtbot.waitUntil(lambda: panel.preview.state == "ready", timeout=20_000)
    qtbot.keyClick(panel.view, Qt.Key.Key_L)
    qtbot.waitUntil(lambda: panel.preview.state == "playing", timeout=20_000)
    qtbot.waitUntil(lambda: panel.preview.position_ms > 300, timeout=20_000)
    qtbot.keyClick(panel.view, Qt.Key.Key_K)
    qtbot.waitUntil(lambda: panel.preview.state == "ready", timeout=20_000)
    qtbot.keyClick(panel.view, Qt.Key.Key_I)
    assert panel.preview.in_ms == panel.preview.position_ms
    assert panel.view.hasFocus()  # the keys did not take the focus away from the bin
    window.close()
