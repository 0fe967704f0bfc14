"""Scrolling over the form never changes a value; the field being edited still takes it."""

from __future__ import annotations

import argparse
from pathlib import Path

from PySide6.QtCore import QPoint, QPointF, Qt
from PySide6.QtGui import QWheelEvent
from PySide6.QtWidgets import QApplication, QComboBox, QScrollArea, QSpinBox, QVBoxLayout, QWidget
from pytestqt.qtbot import QtBot

from qcut_ai.app.main import build_window
from qcut_ai.app.shell import MainWindow
from qcut_ai.ui.wheel_guard import WheelGuard


def _wheel(widget: QWidget, notches: int = -1) -> None:
    centre = QPointF(widget.rect().center())
    event = QWheelEvent(
        centre,
        QPointF(widget.mapToGlobal(centre.toPoint())),
        QPoint(0, 0),
        QPoint(0, 120 * notches),
        Qt.MouseButton.NoButton,
        Qt.KeyboardModifier.NoModifier,
        Qt.ScrollPhase.NoScrollPhase,
        False,
    )
    QApplication.sendEvent(widget, event)


def _form(qtbot: QtBot) -> tuple[QScrollArea, QComboBox, QSpinBox, QWidget]:
    root = QWidget()
    qtbot.addWidget(root)
    area = QScrollArea(root)
    body = QWidget()
    column = QVBoxLayout(body)
    combo = QComboBox(body)
    combo.addItems(["4 s", "6 s", "8 s", "12 s"])
    spin = QSpinBox(body)
    column.addWidget(combo)
    column.addWidget(spin)
    column.addSpacing(2000)  # a form longer than its pane
    area.setWidget(body)
    area.setWidgetResizable(True)
    QVBoxLayout(root).addWidget(area)
    outside = QSpinBox()  # a host's own widget, not in the panel
    qtbot.addWidget(outside)
    WheelGuard(root)
    root.resize(300, 200)
    root.show()
    qtbot.waitExposed(root)
    return area, combo, spin, outside


def test_wheel_over_an_unfocused_field_scrolls_the_form(qtbot: QtBot) -> None:
    area, combo, spin, _outside = _form(qtbot)
    area.setFocus()
    _wheel(combo)
    _wheel(spin)
    spin.setValue(5)
    _wheel(spin, notches=1)
    assert combo.currentText() == "4 s" and spin.value() == 5
    assert area.verticalScrollBar().value() > 0
    assert not combo.hasFocus()


def test_the_focused_field_takes_the_wheel(qtbot: QtBot) -> None:
    _area, combo, spin, _outside = _form(qtbot)
    combo.setFocus()
    qtbot.waitUntil(combo.hasFocus)
    _wheel(combo)
    assert combo.currentText() == "6 s"
    spin.setFocus()
    qtbot.waitUntil(spin.hasFocus)
    _wheel(spin, notches=1)
    assert spin.value() == 1


def test_widgets_outside_the_panel_are_left_alone(qtbot: QtBot) -> None:
    _area, _combo, _spin, outside = _form(qtbot)
    outside.show()
    _wheel(outside, notches=1)
    assert outside.value() == 1


def test_the_panel_guards_its_duration_and_price(qtbot: QtBot, tmp_path: Path) -> None:
    window = build_window(
        argparse.Namespace(project=str(tmp_path / "P"), offline=True, size=(1440, 900))
    )
    assert isinstance(window, MainWindow)
    qtbot.addWidget(window)
    window.show()
    tab = window.panel.text_tab
    duration = tab.findChild(QComboBox, "durationCombo")
    assert duration is not None and duration.count() > 1
    qtbot.waitUntil(duration.isVisible)
    before = (duration.currentIndex(), tab.generate_button.text())
    _wheel(duration)
    _wheel(duration, notches=1)
    assert (duration.currentIndex(), tab.generate_button.text()) == before
    window.close()
