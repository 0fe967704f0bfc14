"""The templates part of the prompt builder: list, apply with values, save current, remove."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QInputDialog,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from qcut_ai.core.errors import QcutError
from qcut_ai.core.templates import RenderedTemplate, Template, TemplateLibrary

# What "Save current" stores: the prompt, and the platform's aspect ratio and length.
CurrentPrompt = Callable[[], tuple[str, str | None, int | None]]


def ask_template_values(parent: QWidget, template: Template) -> dict[str, str] | None:
    """A small form with one field per variable; None when the user cancels."""
    dialog = QDialog(parent)
    dialog.setWindowTitle(f"Fill in “{template.name}”")
    form = QFormLayout(dialog)
    edits = {name: QLineEdit(dialog) for name in template.variables}
    for name, edit in edits.items():
        form.addRow(name, edit)
    buttons = QDialogButtonBox(
        QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel, dialog
    )
    buttons.accepted.connect(dialog.accept)
    buttons.rejected.connect(dialog.reject)
    form.addRow(buttons)
    accepted = dialog.exec() == QDialog.DialogCode.Accepted
    values = {name: edit.text() for name, edit in edits.items()}
    dialog.deleteLater()
    return values if accepted else None


class TemplatePanel(QWidget):
    """Saved prompt templates. Dialogs are attributes (`ask_name`, `ask_values`) a test can replace.

    Signals: template_applied(object): a RenderedTemplate; message(str): one line for the user
    """

    template_applied = Signal(object)
    message = Signal(str)

    def __init__(
        self, store: TemplateLibrary, current: CurrentPrompt, parent: QWidget | None = None
    ):
        super().__init__(parent)
        self.setObjectName("templatePanel")
        self.store = store
        self.current = current
        self.ask_name: Callable[[], str | None] = self._ask_name
        self.ask_values: Callable[[Template], dict[str, str] | None] = lambda t: (
            ask_template_values(self, t)
        )
        self.list = QListWidget(self)
        self.list.setObjectName("templateList")
        self.list.setAccessibleName("Templates")
        self.list.itemDoubleClicked.connect(lambda _item: self.apply_selected())
        buttons = QHBoxLayout()
        for name, text, slot in (
            ("applyTemplateButton", "Apply", self.apply_selected),
            ("saveTemplateButton", "Save current…", self.save_current),
            ("removeTemplateButton", "Remove", self.remove_selected),
        ):
            button = QPushButton(text, self)
            button.setObjectName(name)
            button.clicked.connect(lambda _=False, s=slot: s())
            buttons.addWidget(button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(QLabel("Templates", self))
        layout.addWidget(self.list)
        layout.addLayout(buttons)
        self.reload()

    def reload(self) -> None:
        self.list.clear()
        try:
            saved = self.store.list()
        except QcutError as exc:
            self.message.emit(exc.user_text())
            return
        for template in saved:
            item = QListWidgetItem(template.name, self.list)
            item.setToolTip(template.prompt)

    def select(self, name: str) -> None:
        matches = [
            self.list.item(i)
            for i in range(self.list.count())
            if self.list.item(i).text().lower() == name.strip().lower()
        ]
        if matches:
            self.list.setCurrentItem(matches[0])

    def apply_selected(self) -> None:
        """Ask for the variables' values, then emit the rendered template."""
        item = self.list.currentItem()
        if item is None:
            return
        try:
            template = self.store.get(item.text())
            values = self.ask_values(template) if template.variables else {}
            if values is None:
                return
            rendered: RenderedTemplate = self.store.render(template.name, values)
        except QcutError as exc:
            self.message.emit(exc.user_text())
            return
        self.template_applied.emit(rendered)
        self.message.emit(f"Template “{rendered.name}” applied.")

    def save_current(self) -> None:
        name = self.ask_name()
        if not name:
            return
        prompt, aspect_ratio, duration = self.current()
        try:
            saved = self.store.save(name, prompt, aspect_ratio=aspect_ratio, duration=duration)
        except QcutError as exc:
            self.message.emit(exc.user_text())
            return
        self.reload()
        self.select(saved.name)
        self.message.emit(f"Template “{saved.name}” saved.")

    def remove_selected(self) -> None:
        item = self.list.currentItem()
        if item is None:
            return
        try:
            removed = self.store.remove(item.text())
        except QcutError as exc:
            self.message.emit(exc.user_text())
        else:
            self.message.emit(f"Template “{removed.name}” removed.")
        self.reload()

    def _ask_name(self) -> str | None:
        name, ok = QInputDialog.getText(self, "Save template", "Template name:")
        return name if ok else None
