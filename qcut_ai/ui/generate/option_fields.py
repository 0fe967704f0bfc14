"""The shared options of a selection: negative prompt, duration, resolution, aspect ratio,
sound and seed, with the notes on how each model takes them.

Every value some selected model offers is listed (a model that lacks it gets
its nearest value, and the notes say so). A new selection keeps the user's
values where they still exist, else moves to the nearest one.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from qcut_ai.core.catalog import Category, ModelSpec, Role
from qcut_ai.core.options import (
    CombinedOptions,
    nearest_aspect,
    nearest_duration,
    nearest_resolution,
)
from qcut_ai.core.requests import GenerationRequest

ERROR_STYLE = "color: #ff8a80;"
_SEED_MAX = 2_147_483_647
_ROWS = ("negative", "duration", "resolution", "aspect", "audio", "seed")


def error_label(parent: QWidget, name: str) -> QLabel:
    """A hidden, red, wrapping label for the error beside a field."""
    label = QLabel(parent)
    label.setObjectName(name)
    label.setWordWrap(True)
    label.setStyleSheet(ERROR_STYLE)
    label.hide()
    return label


def show_text(label: QLabel, text: str) -> None:
    label.setText(text)
    label.setVisible(bool(text))


def first_default(specs: Sequence[ModelSpec], role: Role) -> Any:
    """The default of the first selected model that has this option."""
    for spec in specs:
        field = spec.field_for(role)
        if field is not None and field.default is not None:
            return field.default
    return None


class OptionFields(QWidget):
    """Rows for the options the selected models share, shown only when some model has them.

    Signals: edited(): a value changed
    """

    edited = Signal()

    def __init__(self, category: Category, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.category = category
        self._specs: list[ModelSpec] = []
        self.negative_edit = QLineEdit(self)
        self.negative_edit.setObjectName("negativePromptEdit")
        self.negative_edit.setAccessibleName("Negative prompt")
        self.negative_edit.setClearButtonEnabled(True)
        self.negative_error = error_label(self, "negativePromptError")
        self.duration_box = self._combo("durationCombo", "Duration")
        self.duration_info = QLabel(self)
        self.duration_info.setObjectName("durationInfo")
        self.resolution_box = self._combo("resolutionCombo", "Resolution")
        self.aspect_box = self._combo("aspectCombo", "Aspect ratio")
        self.audio_check = QCheckBox("Generate sound", self)
        self.audio_check.setObjectName("audioCheck")
        self.seed_spin = QSpinBox(self)
        self.seed_spin.setObjectName("seedSpin")
        self.seed_spin.setAccessibleName("Seed")
        self.seed_spin.setRange(-1, _SEED_MAX)
        self.seed_spin.setSpecialValueText("Random")
        self.seed_spin.setValue(-1)
        self.notes_label = QLabel(self)
        self.notes_label.setObjectName("fitNotes")
        self.notes_label.setWordWrap(True)
        self.notes_label.setStyleSheet("color: #b0b6bf;")
        self.error = error_label(self, "optionsError")
        self._build()
        for signal in (
            self.negative_edit.textChanged,
            self.duration_box.currentIndexChanged,
            self.resolution_box.currentIndexChanged,
            self.aspect_box.currentIndexChanged,
            self.audio_check.toggled,
            self.seed_spin.valueChanged,
        ):
            signal.connect(self._emit_edited)
        self._quiet = False

    def _combo(self, name: str, accessible: str) -> QComboBox:
        box = QComboBox(self)
        box.setObjectName(name)
        box.setAccessibleName(accessible)
        return box

    def _build(self) -> None:
        negative = QWidget(self)
        neg_layout = QVBoxLayout(negative)
        neg_layout.setContentsMargins(0, 0, 0, 0)
        neg_layout.addWidget(self.negative_edit)
        neg_layout.addWidget(self.negative_error)
        duration = QWidget(self)
        dur_layout = QHBoxLayout(duration)
        dur_layout.setContentsMargins(0, 0, 0, 0)
        dur_layout.addWidget(self.duration_box, 1)
        dur_layout.addWidget(self.duration_info, 1)
        self.rows = QFormLayout()
        self.rows.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        self.rows.addRow("Negative prompt", negative)
        self.rows.addRow("Duration", duration)
        self.rows.addRow("Resolution", self.resolution_box)
        self.rows.addRow("Aspect ratio", self.aspect_box)
        self.rows.addRow("Sound", self.audio_check)
        self.rows.addRow("Seed", self.seed_spin)
        self._shown = dict.fromkeys(_ROWS, False)
        for row in range(len(_ROWS)):
            self.rows.setRowVisible(row, False)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(self.rows)
        layout.addWidget(self.notes_label)
        layout.addWidget(self.error)

    def _emit_edited(self, *_args: object) -> None:
        if not self._quiet:
            self.edited.emit()

    def _row(self, key: str, visible: bool) -> None:
        self._shown[key] = visible
        self.rows.setRowVisible(_ROWS.index(key), visible)

    def shown(self, key: str) -> bool:
        """True when the row (one of negative, duration, resolution, aspect, audio, seed) shows."""
        return self._shown[key]

    # -- building -----------------------------------------------------------------
    def set_specs(self, specs: Sequence[ModelSpec], options: CombinedOptions) -> None:
        """Rebuild the rows for a new selection without reporting edits."""
        self._specs = list(specs)
        self._quiet = True
        try:
            has = {role: any(s.field_for(role) for s in specs) for role in Role}
            self.negative_edit.setPlaceholderText(self._negative_hint())
            self._row("negative", has[Role.NEGATIVE_PROMPT])
            self._fill_durations(options.all_durations)
            self._fill(self.resolution_box, options.all_resolutions, Role.RESOLUTION)
            self._fill(self.aspect_box, options.all_aspect_ratios, Role.ASPECT_RATIO)
            self._row("resolution", bool(options.all_resolutions))
            self._row("aspect", bool(options.all_aspect_ratios))
            if has[Role.GENERATE_AUDIO] and not self._shown["audio"]:
                self.audio_check.setChecked(first_default(specs, Role.GENERATE_AUDIO) is not False)
            self._row("audio", has[Role.GENERATE_AUDIO])
            self._row("seed", has[Role.SEED])
        finally:
            self._quiet = False

    def _negative_hint(self) -> str:
        default = first_default(self._specs, Role.NEGATIVE_PROMPT)
        if default:
            return f"Model default: {default}"
        return "What to avoid, e.g. blur, text, watermark"

    def _fill_durations(self, values: Sequence[int]) -> None:
        box = self.duration_box
        previous = box.currentData()
        wanted = previous if previous is not None else self._default_seconds()
        box.clear()
        for seconds in values:
            box.addItem(f"{seconds} s", seconds)
        if values:
            pick = nearest_duration(wanted, values) if wanted is not None else values[0]
            box.setCurrentIndex(box.findData(pick))
        info = self._length_info()
        self.duration_info.setText(info)
        box.setVisible(bool(values))
        self.duration_info.setVisible(not values and bool(info))
        self._row("duration", bool(values) or bool(info))

    def _default_seconds(self) -> int | None:
        return next((s.default_request().duration for s in self._specs if s.durations()), None)

    def _length_info(self) -> str:
        fixed = {s.fixed_seconds for s in self._specs if s.fixed_seconds}
        if len(fixed) == 1 and all(s.fixed_seconds for s in self._specs):
            return f"Fixed at {fixed.pop()} s"
        if self.category in (Category.AVATAR, Category.UPSCALE):
            return "Follows the length of the input"
        return ""

    def _fill(self, box: QComboBox, values: Sequence[str], role: Role) -> None:
        previous = box.currentData()
        wanted = previous if previous is not None else first_default(self._specs, role)
        box.clear()
        for value in values:
            box.addItem(value, value)
        if not values:
            return
        nearest = nearest_resolution if role is Role.RESOLUTION else nearest_aspect
        pick = nearest(str(wanted), values) if wanted is not None else values[0]
        box.setCurrentIndex(box.findData(pick))

    # -- values -------------------------------------------------------------------
    def values(self) -> dict[str, Any]:
        """The shared options as GenerationRequest fields (None where no model has one)."""
        negative = self.negative_edit.text().strip() if self._shown["negative"] else ""
        seed = self.seed_spin.value() if self._shown["seed"] else -1
        return {
            "negative_prompt": negative or None,
            "duration": self.duration_box.currentData() if self.duration_box.count() else None,
            "resolution": self.resolution_box.currentData() if self._shown["resolution"] else None,
            "aspect_ratio": self.aspect_box.currentData() if self._shown["aspect"] else None,
            "generate_audio": self.audio_check.isChecked() if self._shown["audio"] else None,
            "seed": seed if seed >= 0 else None,
        }

    def set_duration(self, seconds: int) -> None:
        """Pick `seconds`, or the nearest length the selection offers."""
        values = [self.duration_box.itemData(i) for i in range(self.duration_box.count())]
        if values:
            self.duration_box.setCurrentIndex(values.index(nearest_duration(seconds, values)))

    def set_resolution(self, value: str) -> None:
        self._pick(self.resolution_box, value, nearest_resolution)

    def set_aspect_ratio(self, value: str) -> None:
        """Pick `value`, or the nearest shape the selection offers."""
        self._pick(self.aspect_box, value, nearest_aspect)

    @staticmethod
    def _pick(box: QComboBox, value: str, nearest: Callable[[str, Sequence[str]], str]) -> None:
        values = [str(box.itemData(i)) for i in range(box.count())]
        if values:
            box.setCurrentIndex(values.index(nearest(value, values)))

    def load(self, request: GenerationRequest) -> None:
        """Show a past request's options."""
        self.negative_edit.setText(request.negative_prompt or "")
        if request.duration is not None:
            self.set_duration(request.duration)
        if request.resolution is not None:
            self.set_resolution(request.resolution)
        if request.aspect_ratio is not None:
            self.set_aspect_ratio(request.aspect_ratio)
        if request.generate_audio is not None:
            self.audio_check.setChecked(request.generate_audio)
        self.seed_spin.setValue(request.seed if request.seed is not None else -1)

    # -- feedback -----------------------------------------------------------------
    def set_notes(self, notes: Sequence[str]) -> None:
        """How the shared choice fits each model ("Kling 2.1 Master: 8 s → 10 s")."""
        show_text(self.notes_label, "\n".join(notes))

    def show_errors(self, *, negative: str = "", options: str = "") -> None:
        show_text(self.negative_error, negative)
        show_text(self.error, options)
