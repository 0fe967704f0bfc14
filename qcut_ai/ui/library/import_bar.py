"""The import's progress above the library view, with the button that stops it."""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QHBoxLayout, QProgressBar, QPushButton, QWidget


class ImportBar(QWidget):
    """ "Importing 12 of 500…" and Cancel; hidden while nothing is imported.

    Signals:
        cancel_requested(): the user asked to stop; the files done so far stay
    """

    cancel_requested = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.progress = QProgressBar(self)
        self.progress.setObjectName("libraryImportProgress")
        self.progress.setFormat("Importing %v of %m…")
        self.cancel = QPushButton("Cancel", self)
        self.cancel.setObjectName("libraryImportCancel")
        self.cancel.setToolTip("Stop importing; the files already imported stay in the library")
        self.cancel.clicked.connect(self._cancel)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.progress, 1)
        layout.addWidget(self.cancel)
        self.hide()

    def start(self, total: int) -> None:
        self.progress.setRange(0, total)
        self.progress.setValue(0)
        self.progress.setFormat("Importing %v of %m…")
        self.cancel.setEnabled(True)
        self.show()

    def _cancel(self) -> None:
        # Files already being read finish first: say so until the import answers.
        self.cancel.setEnabled(False)
        self.progress.setFormat("Stopping after %v of %m…")
        self.cancel_requested.emit()
