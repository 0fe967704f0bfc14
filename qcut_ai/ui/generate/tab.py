"""A generation tab: model picker, inputs, form, price on the Generate button.

Everything the models would refuse is found here, beside its field, before
anything is sent or paid: a prompt too long for one model, a missing first
frame, frames of different shapes, a file too large, a value out of range.
"""

from __future__ import annotations

from decimal import Decimal

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QLabel,
    QPlainTextEdit,
    QPushButton,
    QScrollArea,
    QSplitter,
    QVBoxLayout,
    QWidget,
)

from qcut_ai.core.catalog import Catalog, Category, MediaRole, ModelSpec, load_catalog
from qcut_ai.core.form_errors import Place, collect_errors
from qcut_ai.core.input_labels import slot_label
from qcut_ai.core.pricing import batch_total, format_usd
from qcut_ai.core.requests import GenerationRequest
from qcut_ai.core.selection import SelectionPlan, plan_selection
from qcut_ai.jobs.tasks import TaskRunner
from qcut_ai.ui.collapsible import CollapsibleSection
from qcut_ai.ui.generate.form import GenerationForm
from qcut_ai.ui.generate.media_inputs import ROLE_ORDER, MediaInputs
from qcut_ai.ui.generate.model_picker import ModelPicker
from qcut_ai.ui.generate.option_fields import ERROR_STYLE
from qcut_ai.ui.generate.tab_titles import TAB_TITLES

PICKER_MIN_HEIGHT = 104  # the filter, a heading and one model
FORM_MIN_HEIGHT = 96  # the prompt's label and three lines


def price_label(plan: SelectionPlan) -> str:
    """ "$1.42", "$0.80 + price unknown" or "price unknown"."""
    known, unknown = batch_total(plan.estimates)
    if not unknown:
        return f"${format_usd(known)}"
    return f"${format_usd(known)} + price unknown" if known > Decimal(0) else "price unknown"


class GenerateTab(QWidget):
    """One category's generator: pick models, give inputs, fill the form, press Generate.

    Signals:
        batch_requested(object): the SelectionPlan of one press: each model's fitted,
            validated request with its arguments and price, the facts read from the
            inputs, and the shared request as the user set it
        models_changed(object): list[ModelSpec] now selected
    """

    batch_requested = Signal(object)
    models_changed = Signal(object)

    def __init__(
        self,
        category: Category,
        parent: QWidget | None = None,
        *,
        runner: TaskRunner | None = None,
        catalog: Catalog | None = None,
    ) -> None:
        super().__init__(parent)
        self.category = category
        self.setObjectName(f"tab_{category.value.replace('-', '_')}")
        self.title = TAB_TITLES[category][0]
        self.setAccessibleName(self.title)
        self.specs = (catalog or load_catalog()).in_category(category)
        self.picker = ModelPicker(self.specs, self)
        self.inputs = MediaInputs(category, self, runner=runner)
        self.form = GenerationForm(category, self)
        self.error_label = QLabel(self)
        self.error_label.setObjectName("validationError")
        self.error_label.setWordWrap(True)
        self.error_label.setStyleSheet(ERROR_STYLE)
        self.error_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.generate_button = QPushButton("Generate", self)
        self.generate_button.setObjectName("generateButton")
        self.generate_button.setAccessibleName("Generate")
        self.generate_button.setDefault(True)
        self._plan = plan_selection([], GenerationRequest())
        self._attempted = False  # missing inputs are shown only once Generate was pressed
        self._waiting = False  # Generate pressed while a file was still being read
        self._build_layout()
        self._connect()
        if self.specs:
            self.picker.select_ids([self.specs[0].id])
        else:
            self._on_models_changed([])

    # Names the previous tab offered; the panel and its tests use them.
    @property
    def prompt(self) -> QPlainTextEdit:
        return self.form.prompt_edit

    @property
    def counter(self) -> QLabel:
        return self.form.counter

    def _build_layout(self) -> None:
        body = QWidget(self)
        body_layout = QVBoxLayout(body)
        body_layout.setContentsMargins(0, 0, 4, 0)
        body_layout.addWidget(self.inputs)
        body_layout.addWidget(self.form)
        body_layout.addStretch(1)
        scroll = QScrollArea(self)
        scroll.setObjectName("formScroll")
        scroll.setWidgetResizable(True)
        # The form reflows to the dock's width; it never scrolls sideways.
        scroll.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        scroll.setFrameShape(QScrollArea.Shape.NoFrame)
        scroll.setWidget(body)
        split = QSplitter(Qt.Orientation.Vertical, self)
        split.setObjectName("pickerFormSplitter")
        split.setChildrenCollapsible(False)
        split.addWidget(self.picker)
        split.addWidget(scroll)
        # A short pane still shows a model and a few lines of the prompt; the rest of
        # the height goes to both in these shares (the user's drag moves it).
        self.picker.setMinimumHeight(PICKER_MIN_HEIGHT)
        scroll.setMinimumHeight(FORM_MIN_HEIGHT)
        split.setSizes([4 * PICKER_MIN_HEIGHT, 5 * FORM_MIN_HEIGHT])
        self.splitter = split
        layout = QVBoxLayout(self)
        layout.addWidget(split, 1)
        layout.addWidget(self.error_label)
        layout.addWidget(self.generate_button)

    def _connect(self) -> None:
        self.picker.selection_changed.connect(self._on_models_changed)
        self.form.edited.connect(self.refresh)
        self.inputs.inputs_changed.connect(self._on_inputs_changed)
        self.generate_button.clicked.connect(self.request_generate)
        for keys in ("Ctrl+Return", "Ctrl+Enter"):
            shortcut = QShortcut(QKeySequence(keys), self)
            # Each tab has its own; only the one holding focus may answer.
            shortcut.setContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
            shortcut.activated.connect(self.request_generate)

    # -- public API -----------------------------------------------------------------
    def reload_models(self) -> None:
        """List the catalogue as it now stands (after a sync added or retired models)."""
        self.specs = load_catalog().in_category(self.category)
        self.picker.set_specs(self.specs)
        if not self.picker.selected_specs() and self.specs:
            self.picker.select_ids([self.specs[0].id])

    def selected_specs(self) -> list[ModelSpec]:
        return self.picker.selected_specs()

    def select_models(self, model_ids: list[str]) -> None:
        self.picker.select_ids(model_ids)

    def set_prompt(self, text: str) -> None:
        self.form.set_prompt(text)

    def set_aspect_ratio(self, value: str) -> None:
        """Choose an aspect ratio, or the nearest the selected models offer."""
        self.form.set_aspect_ratio(value)

    def set_duration(self, seconds: int) -> None:
        """Choose a length, or the nearest the selected models offer."""
        self.form.set_duration(seconds)

    def set_input(self, role: str, path: str) -> None:
        """Use a file for an input role ("image", "end_image", "audio", "video",
        "reference_images"); "" clears."""
        self.inputs.set_input(MediaRole(role), path)

    def set_reference_images(self, paths: list[str]) -> bool:
        """Add reference images; False (and one sentence beside them) over the limit."""
        return self.inputs.references.add_paths(paths)

    def load_request(self, model_ids: list[str], request: GenerationRequest) -> None:
        """Show a past request with its models, ready to edit and run again."""
        self.picker.select_ids(model_ids)
        self.form.load_request(request)
        for role in ROLE_ORDER:
            self.inputs.set_input(role, getattr(request, role.value) or "")
        self.inputs.references.set_paths(request.reference_images or [])
        self.refresh()

    def add_tool_widget(self, widget: QWidget, title: str) -> CollapsibleSection:
        """Put a tool (e.g. a prompt builder) in a collapsible section above the prompt."""
        return self.form.add_tool_section(widget, title)

    def current_request(self) -> GenerationRequest:
        """The shared request: the form's values and the given input files."""
        media: dict[str, object] = {role.value: p for role, p in self.inputs.paths().items()}
        references = self.inputs.reference_paths()
        if references:
            media[MediaRole.REFERENCE_IMAGES.value] = references
        return self.form.request().model_copy(update=media)

    def plan(self) -> SelectionPlan:
        """Each selected model's fitted request, problems, notes and price, as last shown."""
        return self._plan

    # -- reacting -------------------------------------------------------------------
    def _on_models_changed(self, specs: list[ModelSpec]) -> None:
        self.form.set_specs(specs)
        self.inputs.set_specs(specs)
        self.refresh()
        self.models_changed.emit(specs)

    def _on_inputs_changed(self) -> None:
        self.refresh()
        if self._waiting and not self.inputs.pending():
            self._waiting = False
            self.request_generate()

    def refresh(self) -> None:
        """Re-plan the batch: notes, errors beside fields, price on the button."""
        specs = self.selected_specs()
        self._plan = plan_selection(
            specs, self.current_request(), self.form.extras.extras_for, self.inputs.facts()
        )
        self.form.set_notes(self._plan.notes)
        self._show_errors(self._errors(missing=self._attempted))
        self._update_button()

    def _update_button(self) -> None:
        count = len(self._plan.models)
        if not count:
            self.generate_button.setText("Select a model to generate")
            self.generate_button.setEnabled(False)
            self.generate_button.setToolTip("")
            return
        noun = "video" if count == 1 else "videos"
        self.generate_button.setText(f"Generate {count} {noun} · {price_label(self._plan)}")
        self.generate_button.setEnabled(True)
        lines = []
        for model in self._plan.models:
            est = model.estimate
            line = f"{model.spec.name}: {est.text()}"
            detail = ", ".join(t for t in (est.rate_text, est.grade_text) if t)
            if detail and est.known:
                line += f" ({detail})"
            elif est.missing:
                line += f" (needs {est.missing})"
            lines.append(line)
        self.generate_button.setToolTip("\n".join(lines))

    # -- errors -----------------------------------------------------------------------
    def _errors(self, *, missing: bool) -> dict[Place, str]:
        return collect_errors(
            self.category,
            self._plan,
            input_problems=self.inputs.problems(),
            unreadable_extras=self.form.extras.read_problems(),
            extra_key=self.form.extras.key_for,
            missing=missing,
        )

    def _show_errors(self, errors: dict[Place, str]) -> None:
        def text(kind: str) -> str:
            return next((t for p, t in errors.items() if p.kind == kind), "")

        self.inputs.show_errors(
            {MediaRole(p.key): t for p, t in errors.items() if p.kind == "input"}
        )
        self.form.show_errors(
            prompt=text("prompt"),
            negative=text("negative"),
            options=text("options"),
            extras={p.key: t for p, t in errors.items() if p.kind == "extra"},
        )
        self._say(next(iter(errors.values()), ""))

    def _say(self, text: str) -> None:
        """The line under the form, above the Generate button (hidden when empty)."""
        self.error_label.setText(text)
        self.error_label.setVisible(bool(text))

    # -- generating ---------------------------------------------------------------------
    def request_generate(self) -> None:
        """Validate every selected model; emit the batch only when nothing would be refused."""
        self._attempted = True
        self.refresh()
        pending = self.inputs.pending()
        errors = self._errors(missing=True)
        if pending and not errors:
            self._waiting = True  # generate as soon as the files are read
            names = ", ".join(slot_label(self.category, r).lower() for r in pending)
            self._say(f"Reading the {names}; generating when done…")
            return
        if errors:
            return  # shown beside the fields by refresh(); nothing is sent
        self._attempted = False
        self.batch_requested.emit(self._plan)
