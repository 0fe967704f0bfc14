"""A generation tab: prompt, model choice, price on the Generate button, errors before paying."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QComboBox,
    QFormLayout,
    QLabel,
    QPlainTextEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from qcut_ai.core.catalog import Category, ModelSpec, load_catalog
from qcut_ai.core.errors import InvalidRequestError, QcutError
from qcut_ai.core.pricing import Estimate, batch_total, estimate
from qcut_ai.core.requests import GenerationRequest, build_arguments


class GenerateTab(QWidget):
    """Builds a GenerationRequest for the chosen models.

    Signals: generate_requested(object, object): list[ModelSpec], GenerationRequest
    """

    generate_requested = Signal(object, object)

    def __init__(self, category: Category, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.category = category
        slug = category.value.replace("-", "_")
        self.setObjectName(f"tab_{slug}")
        self.specs = load_catalog().in_category(category)
        self.prompt = QPlainTextEdit(self)
        self.prompt.setObjectName("promptEdit")
        self.prompt.setAccessibleName("Prompt")
        self.prompt.setPlaceholderText("Describe the shot: subject, action, camera, light, mood…")
        self.counter = QLabel(self)
        self.counter.setObjectName("promptCounter")
        self.model_box = QComboBox(self)
        self.model_box.setObjectName("modelCombo")
        self.model_box.setAccessibleName("Model")
        for spec in self.specs:
            badge = f"{spec.tier} · {spec.vendor}"
            self.model_box.addItem(f"{spec.name}  —  {badge}", spec.id)
        self.error_label = QLabel(self)
        self.error_label.setObjectName("validationError")
        self.error_label.setWordWrap(True)
        self.error_label.setStyleSheet("color: #ff8a80;")
        self.generate_button = QPushButton("Generate", self)
        self.generate_button.setObjectName("generateButton")
        self.generate_button.setAccessibleName("Generate")
        self.generate_button.setDefault(True)
        self.generate_button.clicked.connect(self.request_generate)
        shortcut = QShortcut(QKeySequence("Ctrl+Return"), self)
        shortcut.activated.connect(self.request_generate)

        form = QFormLayout()
        form.addRow("Model", self.model_box)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(QLabel("Prompt", self))
        layout.addWidget(self.prompt, 1)
        layout.addWidget(self.counter, 0, Qt.AlignmentFlag.AlignRight)
        layout.addWidget(self.error_label)
        layout.addWidget(self.generate_button)
        self.prompt.textChanged.connect(self.refresh)
        self.model_box.currentIndexChanged.connect(self.refresh)
        self.refresh()

    def selected_specs(self) -> list[ModelSpec]:
        model_id = self.model_box.currentData()
        return [s for s in self.specs if s.id == model_id]

    def build_request(self) -> GenerationRequest:
        text = self.prompt.toPlainText()
        return GenerationRequest(prompt=text if text.strip() else None)

    def estimates(self) -> list[Estimate]:
        """Prices for the current form; a prompt not yet typed doesn't hide the price."""
        request = self.build_request()
        out = []
        for spec in self.selected_specs():
            try:
                arguments = build_arguments(spec, request, require_inputs=False)
            except QcutError:
                arguments = build_arguments(spec, GenerationRequest(), require_inputs=False)
            out.append(estimate(spec, arguments))
        return out

    def refresh(self) -> None:
        specs = self.selected_specs()
        limit = min((s.prompt_max_length for s in specs if s.prompt_max_length), default=None)
        length = len(self.prompt.toPlainText())
        self.counter.setText(f"{length} / {limit}" if limit else f"{length}")
        over = limit is not None and length > limit
        self.counter.setStyleSheet("color: #ff8a80;" if over else "")
        estimates = self.estimates()
        known, unknown = batch_total(estimates)
        count = len(specs)
        noun = "video" if count == 1 else "videos"
        price = (
            f"${known:.2f}"
            if not unknown
            else (f"${known:.2f} + price unknown" if known else "price unknown")
        )
        self.generate_button.setText(f"Generate {count} {noun} · {price}")
        self.generate_button.setToolTip(
            "\n".join(f"{s.name}: {e.text()}" for s, e in zip(specs, estimates, strict=True))
        )
        self.error_label.clear()

    def request_generate(self) -> None:
        specs = self.selected_specs()
        request = self.build_request()
        try:
            for spec in specs:
                build_arguments(spec, request)
        except InvalidRequestError as exc:
            # Shown beside the form before anything is paid.
            self.error_label.setText(exc.message)
            return
        self.error_label.clear()
        self.generate_requested.emit(specs, request)
