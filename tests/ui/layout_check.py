"""Opening the window at a size, and what "nothing is clipped" means for it."""

from __future__ import annotations

import argparse
from pathlib import Path

from PySide6.QtCore import QPoint, QRect
from PySide6.QtWidgets import (
    QAbstractButton,
    QAbstractScrollArea,
    QAbstractSlider,
    QAbstractSpinBox,
    QComboBox,
    QLabel,
    QLineEdit,
    QTabBar,
    QWidget,
)
from pytestqt.qtbot import QtBot

from qcut_ai.app.main import build_window
from qcut_ai.app.shell import MainWindow

CONTROLS = (QAbstractButton, QComboBox, QLineEdit, QAbstractSpinBox, QAbstractSlider, QTabBar)
# Sized by Qt itself: a spin box's inner line edit, a tab bar's scroll arrows.
_INNER = ("qt_spinbox_lineedit", "qt_scrollarea_viewport", "ScrollLeftButton", "ScrollRightButton")


def _scroll_area(widget: QWidget) -> QAbstractScrollArea | None:
    parent = widget.parentWidget()
    while parent is not None:
        if isinstance(parent, QAbstractScrollArea):
            return parent
        parent = parent.parentWidget()
    return None


def _scrolled(widget: QWidget) -> bool:
    """Inside a scroll area: out of view is reachable by scrolling, not lost."""
    return _scroll_area(widget) is not None


def _name(widget: QWidget) -> str:
    text = ""
    if isinstance(widget, (QAbstractButton, QLabel)):
        text = widget.text()
    elif isinstance(widget, QLineEdit):
        text = widget.text() or widget.placeholderText()
    elif isinstance(widget, QComboBox):
        text = widget.currentText()
    label = widget.objectName() or widget.accessibleName() or type(widget).__name__
    return f"{type(widget).__name__} {label!r}" + (f" ({text[:30]!r})" if text else "")


def clipped_controls(window: QWidget) -> list[str]:
    """Every visible control that is outside `window`, squeezed below the size it needs
    to show its text, or cut by a pane that cannot scroll to it."""
    frame = window.rect()
    problems = []
    for widget in window.findChildren(QWidget):
        if not widget.isVisible() or widget.objectName() in _INNER:
            continue
        is_label = isinstance(widget, QLabel) and bool(widget.text())
        if not (isinstance(widget, CONTROLS) or is_label):
            continue
        if widget.width() <= 0 or widget.height() <= 0:
            problems.append(f"{_name(widget)} has no room at all")
            continue
        rect = QRect(widget.mapTo(window, QPoint(0, 0)), widget.size())
        area = _scroll_area(widget)
        if area is not None:  # what matters is that its scroll area is in the window
            rect = QRect(area.mapTo(window, QPoint(0, 0)), area.size())
        if not frame.contains(rect):
            problems.append(f"{_name(widget)} at {rect.getRect()} is outside the window")
            continue
        need = widget.minimumSizeHint()
        wraps = isinstance(widget, QLabel) and widget.wordWrap()
        if (not wraps and widget.width() < need.width() - 1) or widget.height() < need.height() - 1:
            problems.append(
                f"{_name(widget)} is {widget.width()}x{widget.height()}, "
                f"needs {need.width()}x{need.height()}"
            )
            continue
        seen = widget.visibleRegion().boundingRect()
        if (seen.width() < widget.width() or seen.height() < widget.height()) and not _scrolled(
            widget
        ):
            problems.append(f"{_name(widget)} is partly hidden ({seen.getRect()})")
    return problems


def open_window(
    qtbot: QtBot, project: Path, size: tuple[int, int], dock: int | None = None
) -> MainWindow:
    args = argparse.Namespace(project=str(project), offline=True, size=size, dock_width=dock)
    window = build_window(args)
    assert isinstance(window, MainWindow)
    qtbot.addWidget(window)
    window.remember_layout = False
    window.show()
    qtbot.waitExposed(window)
    panel = window.panel
    qtbot.waitUntil(lambda: panel.model.rowCount() == 3, timeout=15_000)
    qtbot.wait(50)  # let the dock and splitters settle at the new size
    return window
