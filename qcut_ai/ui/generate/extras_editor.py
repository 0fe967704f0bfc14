"""Editors for model-specific fields (cfg scale, fps, enhancement preset, …).

Fields that several selected models share (same wire name, type and limits)
get one editor; a field left at "Model default" is not sent, so fal applies
its own default. Required fields sit in the main form, the rest under Advanced.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from PySide6.QtCore import QObject, Signal
from PySide6.QtWidgets import QComboBox, QFormLayout, QLabel, QLineEdit, QVBoxLayout, QWidget

from qcut_ai.core.catalog import FieldSpec, FieldType, ModelSpec
from qcut_ai.core.input_labels import field_label

ERROR_STYLE = "color: #ff8a80;"


def _plain(value: Any) -> str:
    if isinstance(value, bool):
        return "on" if value else "off"
    return str(value)


@dataclass
class _Group:
    key: str
    field: FieldSpec
    model_ids: list[str]
    model_names: list[str]


def _signature(field: FieldSpec) -> tuple[Any, ...]:
    return (field.name, field.type, field.choices, field.min, field.max)


class FieldEditor(QWidget):
    """One field's editor and the error line under it.

    Signals: edited(): the value changed
    """

    edited = Signal()

    def __init__(self, field: FieldSpec, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.field = field
        self.setObjectName(f"extra_{field.name}")
        self.combo: QComboBox | None = None
        self.line: QLineEdit | None = None
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(1)
        default = "" if field.default is None else f" ({_plain(field.default)})"
        if field.type is FieldType.BOOLEAN or field.choices is not None:
            self.combo = QComboBox(self)
            self.combo.addItem(f"Model default{default}", None)
            choices: Sequence[Any] = (
                (True, False) if field.type is FieldType.BOOLEAN else field.choices or ()
            )
            for choice in choices:
                text = ("On" if choice else "Off") if isinstance(choice, bool) else str(choice)
                self.combo.addItem(text, choice)
            self.combo.currentIndexChanged.connect(self.edited)
            layout.addWidget(self.combo)
        else:
            self.line = QLineEdit(self)
            hint = "comma-separated" if field.type is FieldType.STRING_LIST else ""
            if field.default is not None:
                hint = f"default {_plain(field.default)}"
            elif field.required:
                hint = "required"
            self.line.setPlaceholderText(hint or "optional")
            self.line.textChanged.connect(self.edited)
            layout.addWidget(self.line)
        self.setToolTip(f"{field.name}: {field.allowed_text()}")
        self.error_label = QLabel(self)
        self.error_label.setObjectName("extraError")
        self.error_label.setWordWrap(True)
        self.error_label.setStyleSheet(ERROR_STYLE)
        self.error_label.hide()
        layout.addWidget(self.error_label)

    def value(self) -> Any:
        """The typed value, None for the model default; ValueError when it cannot be read."""
        if self.combo is not None:
            return self.combo.currentData()
        assert self.line is not None
        text = self.line.text().strip()
        if not text:
            return None
        kind = self.field.type
        if kind is FieldType.INTEGER:
            try:
                return int(text)
            except ValueError:
                raise ValueError(f"'{text}' is not a whole number") from None
        if kind is FieldType.NUMBER:
            try:
                return float(text)
            except ValueError:
                raise ValueError(f"'{text}' is not a number") from None
        if kind is FieldType.STRING_LIST:
            return [part.strip() for part in text.split(",") if part.strip()]
        return text

    def set_value(self, value: Any) -> None:
        if self.combo is not None:
            for i in range(self.combo.count()):
                data = self.combo.itemData(i)
                if data == value and type(data) is type(value):
                    self.combo.setCurrentIndex(i)
                    return
            self.combo.setCurrentIndex(0)
            return
        assert self.line is not None
        if value is None:
            self.line.clear()
        elif isinstance(value, list):
            self.line.setText(", ".join(str(v) for v in value))
        else:
            self.line.setText(str(value))

    def show_error(self, text: str) -> None:
        self.error_label.setText(text)
        self.error_label.setVisible(bool(text))


class ExtrasEditor(QObject):
    """Model-specific fields of the selected models.

    `required_part` (fields a model cannot run without) and `advanced_part`
    (everything else) are separate widgets; the form places them in its layout.

    Signals: edited(): a value changed
    """

    edited = Signal()

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.required_part = QWidget()
        self.required_part.setObjectName("requiredFields")
        self.advanced_part = QWidget()
        self.advanced_part.setObjectName("advancedFields")
        self._required_form = QFormLayout(self.required_part)
        self._advanced_form = QFormLayout(self.advanced_part)
        for form in (self._required_form, self._advanced_form):
            form.setContentsMargins(0, 0, 0, 0)
        self.groups: list[_Group] = []
        self.editors: dict[str, FieldEditor] = {}

    # -- building -----------------------------------------------------------------
    def set_specs(self, specs: Sequence[ModelSpec]) -> None:
        """Rebuild for a new selection, keeping values that the new fields still accept."""
        kept: dict[str, Any] = {}
        for group in self.groups:
            try:
                value = self.editors[group.key].value()
            except ValueError:
                continue
            if value is not None:
                kept.setdefault(group.field.name, value)
        for form in (self._required_form, self._advanced_form):
            while form.rowCount():
                form.removeRow(0)
        self.groups, self.editors = self._group(specs), {}
        names = [g.field.name for g in self.groups]
        for group in self.groups:
            editor = FieldEditor(group.field)
            editor.edited.connect(self.edited)
            self.editors[group.key] = editor
            label = field_label(group.field.name)
            if names.count(group.field.name) > 1:
                label += f" ({', '.join(group.model_names)})"
            editor.setToolTip(editor.toolTip() + "\nUsed by " + ", ".join(group.model_names))
            form = self._required_form if group.field.required else self._advanced_form
            form.addRow(label, editor)
            value = kept.get(group.field.name)
            if value is not None and group.field.check(value) is None:
                editor.set_value(value)
        self.required_part.setVisible(self._required_form.rowCount() > 0)

    @staticmethod
    def _group(specs: Sequence[ModelSpec]) -> list[_Group]:
        groups: dict[tuple[Any, ...], _Group] = {}
        for spec in specs:
            for field in spec.fields:
                if field.role is not None:
                    continue
                sig = _signature(field)
                if sig not in groups:
                    groups[sig] = _Group(f"{field.name}#{len(groups)}", field, [], [])
                groups[sig].model_ids.append(spec.id)
                groups[sig].model_names.append(spec.name)
        ordered = list(groups.values())
        ordered.sort(key=lambda g: not g.field.required)
        return ordered

    def has_advanced(self) -> bool:
        return self._advanced_form.rowCount() > 0

    # -- values -------------------------------------------------------------------
    def extras_for(self, spec: ModelSpec) -> dict[str, Any]:
        """This model's fields the user set (readable values only)."""
        out: dict[str, Any] = {}
        for group in self.groups:
            if spec.id not in group.model_ids:
                continue
            try:
                value = self.editors[group.key].value()
            except ValueError:
                continue
            if value is not None:
                out[group.field.name] = value
        return out

    def merged(self) -> dict[str, Any]:
        """Every field set, by wire name (the first editor wins on a clash)."""
        out: dict[str, Any] = {}
        for group in self.groups:
            try:
                value = self.editors[group.key].value()
            except ValueError:
                continue
            if value is not None:
                out.setdefault(group.field.name, value)
        return out

    def set_values(self, values: Mapping[str, Any]) -> None:
        """Set fields by wire name; other fields go back to the model default."""
        for group in self.groups:
            editor = self.editors[group.key]
            editor.set_value(values.get(group.field.name))

    def read_problems(self) -> dict[str, str]:
        """Editor key -> why its text cannot be read as the field's type."""
        out = {}
        for key, editor in self.editors.items():
            try:
                editor.value()
            except ValueError as exc:
                out[key] = f"{exc}."
        return out

    def key_for(self, model_id: str, name: str) -> str | None:
        """The editor key holding `name` for one model."""
        for group in self.groups:
            if group.field.name == name and model_id in group.model_ids:
                return group.key
        return None

    def show_errors(self, errors: Mapping[str, str]) -> None:
        """Errors by editor key; editors not named are cleared."""
        for key, editor in self.editors.items():
            editor.show_error(errors.get(key, ""))
