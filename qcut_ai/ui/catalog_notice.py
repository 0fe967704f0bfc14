"""The line that says a catalogue sync brought new models or retired some, with
"What changed" for the details and × to put it away."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtWidgets import QHBoxLayout, QLabel, QMessageBox, QToolButton, QWidget

if TYPE_CHECKING:
    from qcut_ai.core.catalog_news import CatalogNews


class CatalogNotice(QWidget):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("catalogNotice")
        self.news: CatalogNews | None = None
        self.label = QLabel(self)
        self.label.setObjectName("catalogNoticeText")
        self.label.setWordWrap(True)
        self.details_button = QToolButton(self)
        self.details_button.setText("What changed")
        self.details_button.setObjectName("catalogDetailsButton")
        self.details_button.clicked.connect(self.show_details)
        self.close_button = QToolButton(self)
        self.close_button.setText("×")
        self.close_button.setAccessibleName("Dismiss")
        self.close_button.setAutoRaise(True)
        self.close_button.clicked.connect(self.hide)
        row = QHBoxLayout(self)
        row.setContentsMargins(0, 0, 0, 0)
        row.addWidget(self.label, 1)
        row.addWidget(self.details_button)
        row.addWidget(self.close_button)
        self.hide()

    def say(self, news: CatalogNews | None) -> None:
        self.news = news
        if news is None:
            self.hide()
            return
        self.label.setText(news.headline)
        self.details_button.setVisible(bool(news.details))
        self.show()

    def show_details(self) -> QMessageBox | None:
        if self.news is None:
            return None
        box = QMessageBox(QMessageBox.Icon.Information, "What changed at fal", self.news.headline)
        box.setParent(self, box.windowFlags())
        box.setInformativeText("\n".join(self.news.details[:40]))
        if len(self.news.details) > 40:
            box.setDetailedText("\n".join(self.news.details))
        box.open()
        return box
