"""The reference images of a tab: a list the user fills from disk or from the library.

The number a model takes comes from its schema (`max_items`); adding more than
the selected models take is refused with one sentence naming the limit, and
the images already chosen are kept.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from PySide6.QtCore import QMimeData, Qt, Signal
from PySide6.QtGui import QDragEnterEvent, QDropEvent
from PySide6.QtWidgets import (
    QFileDialog,
    QFrame,
    QHBoxLayout,
    QLabel,
    QListWidget,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from qcut_ai.core.catalog import MediaRole, ModelSpec
from qcut_ai.core.input_checks import (
    accepted_suffixes,
    kind_of,
    reference_limit,
    reference_problem,
)
from qcut_ai.ui.generate.option_fields import ERROR_STYLE
from qcut_ai.ui.mime import MEDIA_MIME, decode_items


def dropped_images(mime: QMimeData) -> tuple[list[str], str | None]:
    """The image files of a drop (library items or files), and why any were left out."""
    items = decode_items(mime)
    if items:
        paths = [i.get("path") for i in items if i.get("kind") == "image"]
        found = [p for p in paths if isinstance(p, str) and p]
        skipped = len(items) - len(found)
    elif mime.hasUrls():
        local = [u.toLocalFile() for u in mime.urls() if u.isLocalFile()]
        found = [p for p in local if kind_of(p) is MediaRole.IMAGE]
        skipped = len(mime.urls()) - len(found)
    else:
        return [], "Drop images here."
    reason = None
    if skipped:
        reason = "Only images can be references; the other items were left out."
    return found, reason


class ReferenceImages(QFrame):
    """Reference images for the selected models, in the order they are sent.

    Signals: paths_changed(): images were added, removed or cleared
    """

    paths_changed = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("slot_reference_images")
        self.setAcceptDrops(True)
        self.setFrameShape(QFrame.Shape.StyledPanel)
        self.setAccessibleName("Reference images")
        self._paths: list[str] = []
        self._specs: list[ModelSpec] = []
        self.title = QLabel(self)
        self.title.setObjectName("slotTitle")
        self.list = QListWidget(self)
        self.list.setObjectName("referenceList")
        self.list.setMaximumHeight(96)
        self.add_button = QPushButton("Add images…", self)
        self.add_button.setObjectName("addReferences")
        self.remove_button = QPushButton("Remove", self)
        self.remove_button.setObjectName("removeReference")
        self.error_label = QLabel(self)
        self.error_label.setObjectName("slotError")
        self.error_label.setWordWrap(True)
        self.error_label.setStyleSheet(ERROR_STYLE)
        self.error_label.hide()
        buttons = QHBoxLayout()
        buttons.addWidget(self.add_button)
        buttons.addWidget(self.remove_button)
        buttons.addStretch(1)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(6, 6, 6, 6)
        layout.addWidget(self.title)
        layout.addWidget(self.list)
        layout.addLayout(buttons)
        layout.addWidget(self.error_label)
        self.add_button.clicked.connect(self.open_file_dialog)
        self.remove_button.clicked.connect(self.remove_selected)
        self.set_specs([], required=False)

    # -- what the owner asks --------------------------------------------------------
    def paths(self) -> list[str]:
        return list(self._paths)

    def limit(self) -> int | None:
        found = reference_limit(self._specs)
        return found[0] if found else None

    def set_specs(self, specs: Sequence[ModelSpec], *, required: bool) -> None:
        self._specs = list(specs)
        most = self.limit()
        count = f"up to {most}" if most else "any number"
        optional = "" if required else " (optional)"
        self.title.setText(f"<b>Reference images</b>{optional} — {count}")

    def error_text(self) -> str:
        return "" if self.error_label.isHidden() else self.error_label.text()

    def show_error(self, text: str) -> None:
        self.error_label.setText(text)
        self.error_label.setVisible(bool(text))

    # -- changing -------------------------------------------------------------------
    def add_paths(self, paths: Sequence[str]) -> bool:
        """Add images at the end; refused in one sentence (nothing added) over the limit."""
        new = [p for p in paths if p and p not in self._paths]
        refused = reference_problem(len(self._paths) + len(new), self._specs)
        if refused:
            self.show_error(refused)
            return False
        self.show_error("")
        self._paths += new
        self._show()
        return True

    def set_paths(self, paths: Sequence[str]) -> None:
        """Replace the images (a past request, a derive action); the limit is checked later."""
        self._paths = [p for p in paths if p]
        self.show_error("")
        self._show()

    def remove_selected(self) -> None:
        rows = sorted({i.row() for i in self.list.selectedIndexes()}, reverse=True)
        for row in rows or ([len(self._paths) - 1] if self._paths else []):
            del self._paths[row]
        self.show_error("")
        self._show()

    def clear(self) -> None:
        self.set_paths([])

    def _show(self) -> None:
        self.list.clear()
        for path in self._paths:
            self.list.addItem(Path(path).name)
            self.list.item(self.list.count() - 1).setToolTip(path)
        self.remove_button.setEnabled(bool(self._paths))
        self.paths_changed.emit()

    # -- choosing -------------------------------------------------------------------
    def open_file_dialog(self) -> QFileDialog:
        patterns = " ".join(f"*{s}" for s in sorted(accepted_suffixes(MediaRole.IMAGE)))
        dialog = QFileDialog(self, "Choose reference images", "", f"Images ({patterns})")
        dialog.setObjectName("chooseReferences")
        dialog.setFileMode(QFileDialog.FileMode.ExistingFiles)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.filesSelected.connect(self.add_paths)
        dialog.open()
        return dialog

    def dragEnterEvent(self, event: QDragEnterEvent) -> None:
        mime = event.mimeData()
        if mime.hasFormat(MEDIA_MIME) or mime.hasUrls():
            event.setDropAction(Qt.DropAction.CopyAction)
            event.accept()
        else:
            event.ignore()

    def dropEvent(self, event: QDropEvent) -> None:
        paths, reason = dropped_images(event.mimeData())
        event.setDropAction(Qt.DropAction.CopyAction)
        event.accept()
        if paths and not self.add_paths(paths):
            return
        if reason:
            self.show_error(reason)
