"""The mouse wheel scrolls the form; it changes a value only in the field being edited.

Scrolling down a long form used to pass over Duration and turn 4 s into 12 s
(and the price with it). A spin box, combo box or slider now takes the wheel
only when it has keyboard focus; otherwise the event goes on to the scroll
area around it.
"""

from __future__ import annotations

from PySide6.QtCore import QEvent, QObject, Qt
from PySide6.QtWidgets import (
    QAbstractScrollArea,
    QAbstractSlider,
    QAbstractSpinBox,
    QApplication,
    QComboBox,
    QScrollBar,
    QWidget,
)

GUARDED = (QAbstractSpinBox, QComboBox, QAbstractSlider)


class WheelGuard(QObject):
    """Installed on the application, it guards the value fields inside `root` only, so a
    host's own widgets behave as the host made them."""

    def __init__(self, root: QWidget) -> None:
        super().__init__(root)
        self._root = root
        app = QApplication.instance()
        if app is not None:
            app.installEventFilter(self)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() != QEvent.Type.Wheel or not isinstance(watched, GUARDED):
            return False
        if isinstance(watched, QScrollBar):  # scrolling is what a scroll bar's wheel is for
            return False
        if watched.hasFocus() or not self._root.isAncestorOf(watched):
            return False
        # Click or Tab gives focus; the wheel alone must not (it would then edit).
        if watched.focusPolicy() & Qt.FocusPolicy.WheelFocus == Qt.FocusPolicy.WheelFocus:
            watched.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        # Handed to the scroll area around the field (Qt passes an ignored wheel on to
        # the parents only for some events, so it is done here, once, for all).
        area = _scroll_area_of(watched)
        if area is not None:
            QApplication.sendEvent(area.viewport(), event.clone())
        event.accept()
        return True


def _scroll_area_of(widget: QWidget) -> QAbstractScrollArea | None:
    parent = widget.parentWidget()
    while parent is not None and not isinstance(parent, QAbstractScrollArea):
        parent = parent.parentWidget()
    return parent
