"""The generation form: tools, prompt with its counter, shared options, model-specific fields.

Built from `combined_options` of the selected models and rebuilt when the
selection changes, keeping the user's values where they still apply. The
prompt counter runs against the strictest selected model's limit.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QHBoxLayout, QLabel, QPlainTextEdit, QVBoxLayout, QWidget

from qcut_ai.core.catalog import Category, ModelSpec, Role
from qcut_ai.core.options import CombinedOptions, combined_options
from qcut_ai.core.requests import GenerationRequest
from qcut_ai.ui.collapsible import CollapsibleSection
from qcut_ai.ui.generate.extras_editor import ExtrasEditor
from qcut_ai.ui.generate.option_fields import ERROR_STYLE, OptionFields, error_label, show_text

_PROMPT_HINTS = {
    Category.AVATAR: "What the person does while speaking: expression, gestures, framing…",
    Category.UPSCALE: "",
}
_DEFAULT_HINT = "Describe the shot: subject, action, camera, light, mood…"


class GenerationForm(QWidget):
    """Prompt, negative prompt, duration, resolution, aspect ratio, sound, seed and
    model-specific fields (required ones in view, the rest under "Advanced"), each
    with its error line.

    Signals: edited(): any value changed
    """

    edited = Signal()

    def __init__(self, category: Category, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("generationForm")
        self.category = category
        self._options: CombinedOptions = combined_options([])
        self._has_prompt = False
        self.tools = QVBoxLayout()
        self.prompt_label = QLabel("Prompt", self)
        self.counter = QLabel(self)
        self.counter.setObjectName("promptCounter")
        self.prompt_edit = QPlainTextEdit(self)
        self.prompt_edit.setObjectName("promptEdit")
        self.prompt_edit.setAccessibleName("Prompt")
        self.prompt_edit.setTabChangesFocus(True)
        self.prompt_edit.setMinimumHeight(72)
        self.prompt_edit.setMaximumHeight(180)
        self.prompt_error = error_label(self, "promptError")
        self.fields = OptionFields(category, self)
        # The option widgets, by the names callers and tests know them.
        self.negative_edit = self.fields.negative_edit
        self.duration_box = self.fields.duration_box
        self.resolution_box = self.fields.resolution_box
        self.aspect_box = self.fields.aspect_box
        self.audio_check = self.fields.audio_check
        self.seed_spin = self.fields.seed_spin
        self.extras = ExtrasEditor(self)
        self.advanced = CollapsibleSection("Advanced", self.extras.advanced_part, self)
        self.advanced.setObjectName("advancedSection")
        head = QHBoxLayout()
        head.addWidget(self.prompt_label)
        head.addStretch(1)
        head.addWidget(self.counter)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(self.tools)
        layout.addLayout(head)
        layout.addWidget(self.prompt_edit)
        layout.addWidget(self.prompt_error)
        layout.addWidget(self.fields)
        layout.addWidget(self.extras.required_part)
        layout.addWidget(self.advanced)
        self.prompt_edit.textChanged.connect(self._update_counter)
        self.prompt_edit.textChanged.connect(self.edited)
        self.fields.edited.connect(self.edited)
        self.extras.edited.connect(self.edited)

    # -- building -----------------------------------------------------------------
    def add_tool_section(self, widget: QWidget, title: str) -> CollapsibleSection:
        """A collapsible section above the prompt (e.g. a prompt builder)."""
        section = CollapsibleSection(title, widget, self)
        self.tools.addWidget(section)
        return section

    def set_specs(self, specs: Sequence[ModelSpec]) -> None:
        """Rebuild for a new selection, keeping values that still exist (else the nearest)."""
        self._options = combined_options(specs)
        self._has_prompt = any(s.field_for(Role.PROMPT) for s in specs)
        required = any(s.prompt_required for s in specs)
        for widget in (self.prompt_label, self.prompt_edit, self.counter):
            widget.setVisible(self._has_prompt)
        optional = self._has_prompt and not required
        self.prompt_label.setText("Prompt (optional)" if optional else "Prompt")
        self.prompt_edit.setPlaceholderText(_PROMPT_HINTS.get(self.category, _DEFAULT_HINT))
        self.fields.set_specs(specs, self._options)
        self.extras.set_specs(specs)
        self.advanced.setVisible(self.extras.has_advanced())
        self._update_counter()

    # -- values -------------------------------------------------------------------
    def options_for_selection(self) -> CombinedOptions:
        return self._options

    def prompt_text(self) -> str:
        return self.prompt_edit.toPlainText()

    def request(self) -> GenerationRequest:
        """The shared request (no media), as the user set it."""
        prompt = self.prompt_text() if self._has_prompt else ""
        return GenerationRequest(
            prompt=prompt if prompt.strip() else None,
            extras=self.extras.merged(),
            **self.fields.values(),
        )

    def set_prompt(self, text: str) -> None:
        self.prompt_edit.setPlainText(text)

    def set_duration(self, seconds: int) -> None:
        self.fields.set_duration(seconds)

    def set_aspect_ratio(self, value: str) -> None:
        self.fields.set_aspect_ratio(value)

    def load_request(self, request: GenerationRequest) -> None:
        """Show a request's values (for "Edit and run"); media are the inputs' business."""
        self.prompt_edit.setPlainText(request.prompt or "")
        self.fields.load(request)
        self.extras.set_values(request.extras)

    # -- feedback -----------------------------------------------------------------
    def _update_counter(self) -> None:
        length = len(self.prompt_text())
        limit = self._options.prompt_max_length
        if limit is None:
            self.counter.setText(f"{length:,}")
            self.counter.setToolTip("")
            self.counter.setStyleSheet("")
            return
        self.counter.setText(f"{length:,} / {limit:,}")
        who = self._options.prompt_limit_model
        self.counter.setToolTip(f"{who} takes at most {limit:,} characters.")
        self.counter.setStyleSheet(ERROR_STYLE if length > limit else "")

    def set_notes(self, notes: Sequence[str]) -> None:
        self.fields.set_notes(notes)

    def show_errors(
        self,
        *,
        prompt: str = "",
        negative: str = "",
        options: str = "",
        extras: Mapping[str, str] | None = None,
    ) -> None:
        """Errors beside their fields; empty texts clear them."""
        show_text(self.prompt_error, prompt)
        self.fields.show_errors(negative=negative, options=options)
        self.extras.show_errors(extras or {})
        folded = [g for g in self.extras.groups if g.key in (extras or {}) and not g.field.required]
        if folded and not self.advanced.is_expanded():
            self.advanced.set_expanded(True)  # an error must never hide in a folded section
