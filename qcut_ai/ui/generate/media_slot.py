"""One media input slot: drop zone, preview, Choose… button and the error beside it."""

from __future__ import annotations

from pathlib import Path
from typing import ClassVar

from PySide6.QtCore import QMimeData, Qt, Signal
from PySide6.QtGui import QDragEnterEvent, QDragLeaveEvent, QDragMoveEvent, QDropEvent, QPixmap
from PySide6.QtWidgets import (
    QFileDialog,
    QFrame,
    QGridLayout,
    QLabel,
    QPushButton,
    QToolButton,
    QWidget,
)

from qcut_ai.core.catalog import MediaRole
from qcut_ai.core.input_checks import accepted_suffixes
from qcut_ai.jobs.input_reading import THUMB_SIZE, Preview
from qcut_ai.ui.mime import MEDIA_MIME, decode_items

ERROR_STYLE = "color: #ff8a80;"
_KIND_WORDS = {
    MediaRole.IMAGE: "image",
    MediaRole.END_IMAGE: "image",
    MediaRole.AUDIO: "audio",
    MediaRole.VIDEO: "video",
}
_FILTER_NAMES = {"image": "Images", "audio": "Audio", "video": "Videos"}


def dropped_path(mime: QMimeData, role: MediaRole) -> tuple[str | None, str | None]:
    """(path, None) for a usable drop, or (None, reason) for one this slot cannot take.

    A library drag names its kind, so a clip dropped on an image slot is refused
    with a reason; a file manager drop is checked by extension later.
    """
    wanted = _KIND_WORDS[role]
    items = decode_items(mime)
    if items:
        item = items[0]
        path, kind = item.get("path"), item.get("kind")
        name = item.get("name") or (Path(path).name if isinstance(path, str) else "This item")
        if not isinstance(path, str) or not path:
            return None, f"{name} has no file on disk to use."
        if kind != wanted:
            return None, f"{name} is {kind or 'not media'}; drop {_article(wanted)} here."
        return path, None
    if mime.hasUrls():
        local = [u.toLocalFile() for u in mime.urls() if u.isLocalFile()]
        if not local:
            return None, "Only files on this computer can be used; download it first."
        return local[0], None
    return None, f"Drop {_article(wanted)} file here."


def _article(word: str) -> str:
    if word == "audio":  # uncountable: "drop audio here"
        return word
    return f"an {word}" if word[0] in "aeiou" else f"a {word}"


class MediaSlot(QFrame):
    """A drop zone for one input role, with preview, file name, size and errors.

    It only shows what it is told and reports what the user chose; reading
    and checking the file is the owner's job (off the GUI thread).

    Signals: path_chosen(str): a file was picked or dropped ("" when cleared)
    """

    path_chosen = Signal(str)
    _last_folder: ClassVar[str] = ""

    def __init__(self, role: MediaRole, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.role = role
        self.setObjectName(f"slot_{role.value}")
        self.setAcceptDrops(True)
        self.setFrameShape(QFrame.Shape.StyledPanel)
        self.path = ""
        self._label = role.value
        self.thumb = QLabel(self)
        self.thumb.setObjectName("slotThumb")
        self.thumb.setFixedSize(THUMB_SIZE)
        self.thumb.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.thumb.setStyleSheet("background: #1b1d21; color: #8a8f98;")
        self.title = QLabel(self)
        self.title.setObjectName("slotTitle")
        self.info = QLabel(self)
        self.info.setObjectName("slotInfo")
        self.info.setWordWrap(True)
        self.choose_button = QPushButton("Choose…", self)
        self.choose_button.setObjectName("chooseButton")
        self.clear_button = QToolButton(self)
        self.clear_button.setObjectName("clearButton")
        self.clear_button.setText("✕")
        self.clear_button.setToolTip("Remove this input")
        self.error_label = QLabel(self)
        self.error_label.setObjectName("slotError")
        self.error_label.setWordWrap(True)
        self.error_label.setStyleSheet(ERROR_STYLE)
        self.error_label.hide()
        grid = QGridLayout(self)
        grid.setContentsMargins(6, 6, 6, 6)
        grid.addWidget(self.thumb, 0, 0, 3, 1)
        grid.addWidget(self.title, 0, 1, 1, 2)
        grid.addWidget(self.info, 1, 1, 1, 2)
        grid.addWidget(self.choose_button, 2, 1)
        grid.addWidget(self.clear_button, 2, 2)
        grid.addWidget(self.error_label, 3, 0, 1, 3)
        grid.setColumnStretch(1, 1)
        self.choose_button.clicked.connect(self.open_file_dialog)
        self.clear_button.clicked.connect(lambda: self.path_chosen.emit(""))
        self.show_empty()

    # -- what the owner tells it --------------------------------------------------
    def set_label(self, label: str, *, required: bool) -> None:
        self._label = label
        self.title.setText(f"<b>{label}</b>" + ("" if required else " (optional)"))
        self.setAccessibleName(label)
        self.choose_button.setAccessibleName(f"Choose {label.lower()}")

    def show_empty(self) -> None:
        self.path = ""
        self.thumb.setPixmap(QPixmap())
        self.thumb.setText(f"Drop {_article(_KIND_WORDS[self.role])}\nhere")
        self.info.setText("")
        self.clear_button.setEnabled(False)

    def show_loading(self, path: str) -> None:
        self.path = path
        self.thumb.setPixmap(QPixmap())
        self.thumb.setText("Reading…")
        self.info.setText(Path(path).name)
        self.info.setToolTip(path)
        self.clear_button.setEnabled(True)

    def show_preview(self, preview: Preview) -> None:
        self.path = preview.path
        if preview.image is not None and not preview.image.isNull():
            ratio = self.devicePixelRatioF()
            fitted = preview.image.scaled(
                THUMB_SIZE * ratio,
                Qt.AspectRatioMode.KeepAspectRatio,
                Qt.TransformationMode.SmoothTransformation,
            )
            pixmap = QPixmap.fromImage(fitted)
            pixmap.setDevicePixelRatio(ratio)
            self.thumb.setText("")
            self.thumb.setPixmap(pixmap)
        else:
            self.thumb.setPixmap(QPixmap())
            self.thumb.setText("♪" if self.role is MediaRole.AUDIO else "No preview")
        summary = preview.summary()
        name = Path(preview.path).name
        self.info.setText(f"{name}\n{summary}" if summary else name)
        self.clear_button.setEnabled(True)

    def show_error(self, text: str) -> None:
        self.error_label.setText(text)
        self.error_label.setVisible(bool(text))

    def error_text(self) -> str:
        return self.error_label.text() if self.error_label.isVisible() else ""

    # -- choosing -----------------------------------------------------------------
    def name_filter(self) -> str:
        kind = _KIND_WORDS[self.role]
        patterns = " ".join(f"*{s}" for s in sorted(accepted_suffixes(self.role)))
        return f"{_FILTER_NAMES[kind]} ({patterns})"

    def open_file_dialog(self) -> QFileDialog:
        """A non-blocking file dialog; choosing a file emits path_chosen."""
        start = str(Path(self.path).parent) if self.path else MediaSlot._last_folder
        dialog = QFileDialog(self, f"Choose {self._label.lower()}", start, self.name_filter())
        dialog.setObjectName("chooseDialog")
        dialog.setFileMode(QFileDialog.FileMode.ExistingFile)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.fileSelected.connect(self._on_file_selected)
        dialog.open()
        return dialog

    def _on_file_selected(self, path: str) -> None:
        if path:
            MediaSlot._last_folder = str(Path(path).parent)
            self.path_chosen.emit(path)

    # -- dropping -----------------------------------------------------------------
    def _accepts(self, mime: QMimeData) -> bool:
        return mime.hasFormat(MEDIA_MIME) or mime.hasUrls()

    def dragEnterEvent(self, event: QDragEnterEvent) -> None:
        if self._accepts(event.mimeData()):
            event.setDropAction(Qt.DropAction.CopyAction)
            event.accept()
            self.setStyleSheet(f"#{self.objectName()} {{ border: 2px dashed #3d7bd9; }}")
        else:
            event.ignore()

    def dragMoveEvent(self, event: QDragMoveEvent) -> None:
        if self._accepts(event.mimeData()):
            event.setDropAction(Qt.DropAction.CopyAction)
            event.accept()

    def dragLeaveEvent(self, event: QDragLeaveEvent) -> None:
        self.setStyleSheet("")
        super().dragLeaveEvent(event)

    def dropEvent(self, event: QDropEvent) -> None:
        self.setStyleSheet("")
        path, reason = dropped_path(event.mimeData(), self.role)
        if path is None:
            event.ignore()
            self.show_error(reason or "")
            return
        event.setDropAction(Qt.DropAction.CopyAction)
        event.accept()
        self.path_chosen.emit(path)
