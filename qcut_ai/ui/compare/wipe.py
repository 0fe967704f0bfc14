"""WipeView: two takes over each other, split by a divider the editor drags (A/B)."""

from __future__ import annotations

from PySide6.QtCore import QRect, Qt
from PySide6.QtGui import QColor, QImage, QMouseEvent, QPainter, QPaintEvent, QPen
from PySide6.QtWidgets import QSizePolicy, QWidget

from qcut_ai.ui.compare.cell import TakeCell

_GROUND = QColor("#111318")
_DIVIDER = QColor("#f0c040")


class WipeView(QWidget):
    """Paints take A left of the divider and take B right of it, both fitted to one frame."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("compareWipe")
        self.setAccessibleName("A/B wipe")
        self.setMinimumSize(160, 90)
        self.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Ignored)
        self.setCursor(Qt.CursorShape.SplitHCursor)
        self.a: TakeCell | None = None
        self.b: TakeCell | None = None
        self.split = 0.5  # the divider, as a share of the width

    def set_pair(self, a: TakeCell | None, b: TakeCell | None) -> None:
        for cell in (self.a, self.b):
            if cell is not None:
                cell.frame_shown.disconnect(self._repaint)
        self.a, self.b = a, b
        for cell in (a, b):
            if cell is not None:
                cell.frame_shown.connect(self._repaint)
        self.update()

    def set_split(self, share: float) -> None:
        self.split = min(1.0, max(0.0, share))
        self.update()

    def _repaint(self, _index: int) -> None:
        if self.isVisible():
            self.update()

    def _target(self, image: QImage) -> QRect:
        fitted = image.size().scaled(self.size(), Qt.AspectRatioMode.KeepAspectRatio)
        target = QRect(0, 0, fitted.width(), fitted.height())
        target.moveCenter(self.rect().center())
        return target

    def paintEvent(self, event: QPaintEvent) -> None:
        painter = QPainter(self)
        try:
            painter.fillRect(self.rect(), _GROUND)
            x = round(self.width() * self.split)
            for cell, clip in (
                (self.a, QRect(0, 0, x, self.height())),
                (self.b, QRect(x, 0, self.width() - x, self.height())),
            ):
                image = cell.picture.image() if cell is not None else None
                if image is None:
                    continue
                painter.save()
                painter.setClipRect(clip)
                painter.drawImage(self._target(image), image)
                painter.restore()
            painter.setPen(QPen(_DIVIDER, 2))
            painter.drawLine(x, 0, x, self.height())
            painter.setPen(_DIVIDER)
            names = [c.take.model_name if c is not None else "" for c in (self.a, self.b)]
            painter.drawText(8, 18, f"A  {names[0]}")
            painter.drawText(x + 8, 18, f"B  {names[1]}")
        finally:
            painter.end()

    def mousePressEvent(self, event: QMouseEvent) -> None:
        self.set_split(event.position().x() / max(1, self.width()))

    def mouseMoveEvent(self, event: QMouseEvent) -> None:
        if event.buttons() & Qt.MouseButton.LeftButton:
            self.set_split(event.position().x() / max(1, self.width()))
