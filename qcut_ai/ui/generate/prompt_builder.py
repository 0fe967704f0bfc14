"""The prompt builder beside the prompt box: parts, presets, chips, templates, Enhance with AI."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QComboBox,
    QFormLayout,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPlainTextEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from qcut_ai.core.catalog import ModelSpec
from qcut_ai.core.enhance_prompt import EnhanceResult, enhance_price
from qcut_ai.core.prompt_builder import (
    MAX_SCENES,
    PromptParts,
    build_prompt,
    check_lengths,
    keyword_moves_for,
    models_misreading_keywords,
    shorten,
    uses_camera_keywords,
)
from qcut_ai.core.prompt_presets import (
    CAMERA_MOVES,
    MAX_CAMERA_KEYWORDS,
    PLATFORMS,
    STYLES,
    SUGGESTIONS,
    PlatformPreset,
    Suggestion,
    camera_move,
    platform_preset,
)
from qcut_ai.core.templates import RenderedTemplate, TemplateLibrary
from qcut_ai.jobs.reads import template_store
from qcut_ai.jobs.tasks import Task, TaskRunner, default_runners
from qcut_ai.ui.generate.prompt_templates import TemplatePanel

EnhanceFn = Callable[[str, list[ModelSpec]], EnhanceResult]


class PromptBuilder(QWidget):
    """Builds a prompt from structured parts, worded for the selected models.

    The assembled prompt lands in an editable preview; "Use prompt" hands it
    to the host. Enhance runs on a worker thread after the user confirms its
    price; `confirm` is an attribute so a host or a test can replace the dialog.

    Signals: prompt_built(str), aspect_ratio_chosen(str), duration_chosen(int)
    """

    prompt_built = Signal(str)
    aspect_ratio_chosen = Signal(str)
    duration_chosen = Signal(int)

    def __init__(
        self,
        parent: QWidget | None = None,
        *,
        store: TemplateLibrary | None = None,
        runner: TaskRunner | None = None,
    ):
        super().__init__(parent)
        self.setObjectName("promptBuilder")
        self.specs: list[ModelSpec] = []
        self._enhancer: EnhanceFn | None = None
        self._offline = False
        self._task: Task | None = None
        self._built = ""  # the text the parts produced last, to spot the user's own edits
        self._runner = runner or default_runners().network
        self.confirm: Callable[[str, str], bool] = self._ask_yes_no

        chips = QGridLayout()
        for i, suggestion in enumerate(SUGGESTIONS):
            chip = QPushButton(suggestion.label, self)
            chip.setObjectName("suggestionChip")
            chip.setToolTip(suggestion.subject)
            chip.clicked.connect(lambda _=False, s=suggestion: self.apply_suggestion(s))
            chips.addWidget(chip, i // 3, i % 3)

        self.subject_edit = self._line("subjectEdit", "Subject or hook, e.g. a fox in fresh snow")
        self.scene_edits = [
            self._line(f"sceneEdit{n}", f"Scene {n}: what happens")
            for n in range(1, MAX_SCENES + 1)
        ]
        self.camera_combo = self._combo("cameraCombo", [m.label for m in CAMERA_MOVES])
        self.lighting_edit = self._line("lightingEdit", "e.g. golden-hour backlight")
        self.style_combo = self._combo("styleCombo", [s.label for s in STYLES])
        self.mood_edit = self._line("moodEdit", "e.g. calm and hopeful")
        self.platform_combo = QComboBox(self)
        self.platform_combo.setObjectName("platformCombo")
        self.platform_combo.setAccessibleName("Platform")
        self.platform_combo.addItem("Any platform", "")
        for p in PLATFORMS:
            self.platform_combo.addItem(f"{p.label} · {p.aspect_ratio} · {p.duration} s", p.id)
        self.platform_combo.currentIndexChanged.connect(self._on_platform)

        # Bracket commands only some models read; shown when a selected model does.
        self.keyword_box = QWidget(self)
        self.keyword_box.setObjectName("cameraKeywords")
        grid = QGridLayout(self.keyword_box)
        grid.setContentsMargins(0, 0, 0, 0)
        self.keyword_buttons: dict[str, QPushButton] = {}
        for i, move in enumerate(m for m in CAMERA_MOVES if m.keyword):
            button = QPushButton(move.keyword or move.label, self.keyword_box)
            button.setObjectName(f"keyword_{move.id}")
            button.setCheckable(True)
            button.toggled.connect(self._on_keyword)
            self.keyword_buttons[move.id] = button
            grid.addWidget(button, i // 5, i % 5)
        self.keyword_box.setVisible(False)

        form = QFormLayout()
        form.addRow("Subject", self.subject_edit)
        for n, edit in enumerate(self.scene_edits, start=1):
            form.addRow(f"Scene {n}", edit)
        form.addRow("Camera", self.camera_combo)
        form.addRow("", self.keyword_box)
        form.addRow("Lighting", self.lighting_edit)
        form.addRow("Style", self.style_combo)
        form.addRow("Mood", self.mood_edit)
        form.addRow("Platform", self.platform_combo)

        self.preview = QPlainTextEdit(self)
        self.preview.setObjectName("promptPreview")
        self.preview.setAccessibleName("Built prompt")
        self.preview.textChanged.connect(self._refresh_notes)
        self.note = QLabel(self)
        self.note.setObjectName("lengthNote")
        self.note.setWordWrap(True)
        self.status = QLabel(self)
        self.status.setObjectName("builderStatus")
        self.status.setWordWrap(True)
        self.use_button = self._button("usePromptButton", "Use prompt", self.use_prompt)
        self.shorten_button = self._button("shortenButton", "Shorten to fit", self.shorten_to_fit)
        self.enhance_button = self._button("enhanceButton", "Enhance with AI…", self.enhance)
        self.enhance_button.setEnabled(False)
        actions = QHBoxLayout()
        for button in (self.use_button, self.shorten_button, self.enhance_button):
            actions.addWidget(button)

        self.template_panel = TemplatePanel(store or template_store(), self._current, self)
        self.template_panel.template_applied.connect(self._on_template)
        self.template_panel.message.connect(self.status.setText)

        layout = QVBoxLayout(self)
        layout.addLayout(chips)
        layout.addLayout(form)
        layout.addWidget(self.preview, 1)
        layout.addWidget(self.note)
        layout.addLayout(actions)
        layout.addWidget(self.status)
        layout.addWidget(self.template_panel)
        self.rebuild()

    def _line(self, name: str, placeholder: str) -> QLineEdit:
        edit = QLineEdit(self)
        edit.setObjectName(name)
        edit.setPlaceholderText(placeholder)
        edit.textChanged.connect(self.rebuild)
        return edit

    def _combo(self, name: str, items: list[str]) -> QComboBox:
        combo = QComboBox(self)
        combo.setObjectName(name)
        combo.setEditable(True)  # a preset, or the user's own words
        combo.addItems(["", *items])
        combo.currentTextChanged.connect(self.rebuild)
        return combo

    def _button(self, name: str, text: str, slot: Callable[[], None]) -> QPushButton:
        button = QPushButton(text, self)
        button.setObjectName(name)
        button.clicked.connect(lambda _=False: slot())
        return button

    # -- the prompt ------------------------------------------------------------
    def platform(self) -> PlatformPreset | None:
        return platform_preset(str(self.platform_combo.currentData() or ""))

    def parts(self) -> PromptParts:
        """What the fields hold now."""
        camera = [move for move, b in self.keyword_buttons.items() if b.isChecked()]
        if self.camera_combo.currentText().strip():
            camera.append(self.camera_combo.currentText())
        return PromptParts(
            subject=self.subject_edit.text(),
            scenes=tuple(e.text() for e in self.scene_edits),
            camera=tuple(camera),
            lighting=self.lighting_edit.text(),
            style=self.style_combo.currentText(),
            mood=self.mood_edit.text(),
            platform=str(self.platform_combo.currentData() or ""),
        )

    def prompt(self) -> str:
        """The prompt as it stands in the preview, including the user's own edits."""
        return self.preview.toPlainText().strip()

    def rebuild(self) -> None:
        """Write the parts into the preview, worded for the selected models."""
        parts = self.parts()
        self._built = "" if parts.empty else build_prompt(parts, self.specs)
        self.preview.setPlainText(self._built)

    def use_prompt(self) -> None:
        if self.prompt():
            self.prompt_built.emit(self.prompt())

    def apply_suggestion(self, suggestion: Suggestion) -> None:
        """Fill the fields from a quick-start chip."""
        self.subject_edit.setText(suggestion.subject)
        for i, edit in enumerate(self.scene_edits):
            edit.setText(suggestion.scenes[i] if i < len(suggestion.scenes) else "")
        moves = [m.label for m in CAMERA_MOVES if m.id in suggestion.camera]
        self.camera_combo.setCurrentText(moves[0] if moves else "")
        self.lighting_edit.setText(suggestion.lighting)
        style = next((s.label for s in STYLES if s.id == suggestion.style), suggestion.style)
        self.style_combo.setCurrentText(style)
        self.mood_edit.setText(suggestion.mood)
        self.rebuild()

    def _on_platform(self) -> None:
        preset = self.platform()
        self.rebuild()
        if preset is not None:
            self.aspect_ratio_chosen.emit(preset.aspect_ratio)
            self.duration_chosen.emit(preset.duration)

    def _on_keyword(self) -> None:
        checked = sum(b.isChecked() for b in self.keyword_buttons.values())
        for button in self.keyword_buttons.values():
            button.setEnabled(button.isChecked() or checked < MAX_CAMERA_KEYWORDS)
        self.rebuild()

    # -- models and limits -----------------------------------------------------
    def set_models(self, specs: list[ModelSpec]) -> None:
        """The selected models decide the camera keywords offered and the limits shown."""
        self.specs = list(specs)
        offered = bool(keyword_moves_for(self.specs))
        self.keyword_box.setVisible(offered)
        if not offered:
            for button in self.keyword_buttons.values():
                button.blockSignals(True)  # one rebuild below, not one per button
                button.setChecked(False)
                button.setEnabled(True)
                button.blockSignals(False)
        # Re-word the assembled prompt for the new models, but never overwrite
        # text the user edited, applied from a template or got from Enhance.
        if self.preview.toPlainText() == self._built:
            self.rebuild()
        else:
            self._refresh_notes()

    def _refresh_notes(self) -> None:
        text = self.prompt()
        notes = [c.text() for c in check_lengths(text, self.specs) if not c.ok]
        self.shorten_button.setVisible(bool(notes))
        misread = models_misreading_keywords(text, self.specs)
        if misread:
            names = ", ".join(s.name for s in misread)
            notes.append(f"{names} would read [bracket] camera commands as plain text.")
        elif self._wants_keywords() and not uses_camera_keywords(self.specs):
            notes.append("Camera moves are written as words: not every selected model reads [ ].")
        self.note.setText(" ".join(notes))
        self.note.setVisible(bool(notes))

    def _wants_keywords(self) -> bool:
        """A chosen move has a bracket command and some selected model reads them."""
        moves = [camera_move(c) for c in self.parts().camera]
        return bool(keyword_moves_for(self.specs)) and any(m and m.keyword for m in moves)

    def shorten_to_fit(self) -> None:
        limits = [s.prompt_max_length for s in self.specs if s.prompt_max_length]
        if limits:
            self.preview.setPlainText(shorten(self.prompt(), min(limits)))

    # -- templates -------------------------------------------------------------
    def _current(self) -> tuple[str, str | None, int | None]:
        preset = self.platform()
        return (
            self.prompt(),
            preset.aspect_ratio if preset else None,
            preset.duration if preset else None,
        )

    def _on_template(self, rendered: RenderedTemplate) -> None:
        self.preview.setPlainText(rendered.prompt)
        if rendered.aspect_ratio:
            self.aspect_ratio_chosen.emit(rendered.aspect_ratio)
        if rendered.duration:
            self.duration_chosen.emit(rendered.duration)

    # -- Enhance with AI -------------------------------------------------------
    def set_enhancer(self, fn: EnhanceFn | None, *, offline: bool = False) -> None:
        """The function that calls the LLM (None disables the button); `offline` means free."""
        self._enhancer = fn
        self._offline = offline
        self.enhance_button.setEnabled(fn is not None and self._task is None)

    def _ask_yes_no(self, title: str, text: str) -> bool:
        answer = QMessageBox.question(self, title, text)
        return answer == QMessageBox.StandardButton.Yes

    def enhance(self) -> None:
        """Confirm the price, then rewrite the preview's prompt with the LLM off the GUI thread."""
        draft, fn, specs = self.prompt(), self._enhancer, list(self.specs)
        if fn is None or self._task is not None:
            return
        if not draft:
            self.status.setText("Write or build a draft first, then enhance it.")
            return
        price = enhance_price()
        cost = (
            "It runs on the offline stand-in and costs nothing."
            if self._offline
            else f"It is a paid fal call of about {price.text()} ({price.grade_text})."
        )
        if not self.confirm("Enhance with AI", f"Rewrite this prompt with an LLM? {cost}"):
            return
        self.enhance_button.setEnabled(False)
        self.status.setText("Enhancing…")
        self._task = self._runner.start(
            lambda _abort, _progress: fn(draft, specs),
            self._on_enhanced,
            self._on_enhance_failed,
            receiver=self,
            name="enhance prompt",
        )

    def _on_enhanced(self, result: EnhanceResult) -> None:
        self._task = None
        self.enhance_button.setEnabled(self._enhancer is not None)
        self.preview.setPlainText(result.prompt)
        cost = "offline preview" if self._offline else f"about {result.price.text()}"
        self.status.setText(f"Enhanced with AI ({cost}). Edit it freely, then Use prompt.")

    def _on_enhance_failed(self, text: str) -> None:
        self._task = None
        self.enhance_button.setEnabled(self._enhancer is not None)
        self.status.setText(text)

    def shutdown(self) -> None:
        """Nothing to stop: a running enhance is paid once sent, so the runner's owner
        waits for it at shutdown."""
