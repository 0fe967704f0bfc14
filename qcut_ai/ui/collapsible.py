"""A titled section whose body folds away, for the Advanced options and prompt tools."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QFrame, QSizePolicy, QToolButton, QVBoxLayout, QWidget


class CollapsibleSection(QWidget):
    """A header button that shows or hides one body widget.

    Signals: toggled(bool): True when the body was just shown.
    """

    toggled = Signal(bool)

    def __init__(
        self, title: str, body: QWidget, parent: QWidget | None = None, *, expanded: bool = False
    ) -> None:
        super().__init__(parent)
        self.header = QToolButton(self)
        self.header.setText(title)
        self.header.setAccessibleName(title)
        self.header.setCheckable(True)
        self.header.setChecked(expanded)
        self.header.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextBesideIcon)
        self.header.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)
        self.header.setAutoRaise(True)
        self.body = body
        frame = QFrame(self)
        frame.setFrameShape(QFrame.Shape.NoFrame)
        inner = QVBoxLayout(frame)
        inner.setContentsMargins(12, 0, 0, 0)
        inner.addWidget(body)
        self._frame = frame
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(2)
        layout.addWidget(self.header)
        layout.addWidget(frame)
        self.header.toggled.connect(self._apply)
        self._apply(expanded)

    def is_expanded(self) -> bool:
        return self.header.isChecked()

    def set_expanded(self, expanded: bool) -> None:
        self.header.setChecked(expanded)

    def _apply(self, expanded: bool) -> None:
        arrow = Qt.ArrowType.DownArrow if expanded else Qt.ArrowType.RightArrow
        self.header.setArrowType(arrow)
        self._frame.setVisible(expanded)
        self.toggled.emit(expanded)
