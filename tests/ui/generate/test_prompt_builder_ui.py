"""The prompt builder widget: fills the prompt, sets aspect ratio and length, templates, enhance."""

from __future__ import annotations

import threading
from decimal import Decimal

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QPushButton
from pytestqt.qtbot import QtBot

from qcut_ai.core.catalog import ModelSpec, load_catalog
from qcut_ai.core.enhance_prompt import EnhanceResult
from qcut_ai.core.pricing import Estimate
from qcut_ai.core.templates import Template
from qcut_ai.services.template_store import TemplateStore
from qcut_ai.ui.generate.prompt_builder import PromptBuilder

CATALOG = load_catalog()
HAILUO = CATALOG.get("hailuo-2.3-pro")
VEO = CATALOG.get("veo3.1")


def _builder(qtbot: QtBot) -> PromptBuilder:
    builder = PromptBuilder(store=TemplateStore())
    qtbot.addWidget(builder)
    builder.show()
    return builder


def _select_platform(builder: PromptBuilder, platform_id: str) -> None:
    builder.platform_combo.setCurrentIndex(builder.platform_combo.findData(platform_id))


def test_the_builder_fills_the_prompt_and_hands_it_over(qtbot: QtBot) -> None:
    builder = _builder(qtbot)
    assert builder.objectName() == "promptBuilder"
    qtbot.keyClicks(builder.subject_edit, "a red fox in fresh snow")
    builder.scene_edits[0].setText("it pauses and sniffs the air")
    builder.style_combo.setCurrentText("Noir")
    builder.mood_edit.setText("tense")
    prompt = builder.preview.toPlainText()
    assert prompt.startswith("A red fox in fresh snow. It pauses and sniffs the air.")
    assert "black and white" in prompt and "The mood is tense." in prompt

    # The user may still edit the assembled text before using it.
    builder.preview.setPlainText(prompt + " Snow falls.")
    with qtbot.waitSignal(builder.prompt_built) as sent:
        qtbot.mouseClick(builder.use_button, Qt.MouseButton.LeftButton)
    assert sent.args == [prompt + " Snow falls."]


def test_a_platform_preset_emits_its_aspect_ratio_and_duration(qtbot: QtBot) -> None:
    builder = _builder(qtbot)
    builder.subject_edit.setText("a dancer on a rooftop")
    with (
        qtbot.waitSignal(builder.aspect_ratio_chosen) as aspect,
        qtbot.waitSignal(builder.duration_chosen) as duration,
    ):
        _select_platform(builder, "tiktok")
    assert aspect.args == ["9:16"] and duration.args == [6]
    assert "vertical framing" in builder.preview.toPlainText().lower()
    with qtbot.waitSignal(builder.aspect_ratio_chosen) as aspect:
        _select_platform(builder, "youtube")
    assert aspect.args == ["16:9"]


def test_camera_keyword_buttons_only_for_models_that_read_them(qtbot: QtBot) -> None:
    builder = _builder(qtbot)
    builder.subject_edit.setText("a lighthouse")
    builder.set_models([VEO])
    assert builder.keyword_box.isHidden()

    builder.set_models([HAILUO])
    assert not builder.keyword_box.isHidden()
    pan = builder.findChild(QPushButton, "keyword_pan_left")
    assert pan is not None and pan.text() == "[Pan left]"
    qtbot.mouseClick(pan, Qt.MouseButton.LeftButton)
    assert builder.preview.toPlainText().startswith("[Pan left] A lighthouse.")

    # With a model that would read brackets literally, the move is written in words.
    builder.set_models([HAILUO, VEO])
    assert "[" not in builder.preview.toPlainText()
    assert "pans left" in builder.preview.toPlainText()
    assert "not every selected model" in builder.note.text()

    builder.set_models([VEO])
    assert not pan.isChecked()


def test_changing_models_rewords_the_built_prompt_but_keeps_the_users_text(
    qtbot: QtBot,
) -> None:
    builder = _builder(qtbot)
    builder.subject_edit.setText("a lighthouse")
    builder.camera_combo.setCurrentText("Zoom in")
    builder.set_models([HAILUO])
    assert builder.prompt().startswith("[Zoom in] A lighthouse.")
    builder.set_models([VEO])
    assert builder.prompt().startswith("A lighthouse. The lens zooms in.")

    builder.preview.setPlainText("My own words about a lighthouse.")
    builder.set_models([HAILUO])
    assert builder.prompt() == "My own words about a lighthouse."


def test_a_suggestion_chip_fills_the_fields(qtbot: QtBot) -> None:
    builder = _builder(qtbot)
    chip = next(
        b
        for b in builder.findChildren(QPushButton, "suggestionChip")
        if b.text() == "City at night"
    )
    qtbot.mouseClick(chip, Qt.MouseButton.LeftButton)
    assert "cyclist" in builder.subject_edit.text()
    assert builder.style_combo.currentText() == "Neon"
    assert "magenta and cyan" in builder.preview.toPlainText()


def test_the_length_note_names_the_refusing_model_and_shorten_fits_it(qtbot: QtBot) -> None:
    builder = _builder(qtbot)
    builder.set_models([VEO, HAILUO])
    builder.preview.setPlainText("A fox runs through snow. " * 90)
    assert "Hailuo 2.3 Pro refuses prompts over 2,000 characters" in builder.note.text()
    assert not builder.shorten_button.isHidden()
    qtbot.mouseClick(builder.shorten_button, Qt.MouseButton.LeftButton)
    assert len(builder.prompt()) <= 2000
    assert builder.note.text() == ""


def test_save_and_apply_a_template_with_values(qtbot: QtBot) -> None:
    builder = _builder(qtbot)
    panel = builder.template_panel
    _select_platform(builder, "square")
    builder.preview.setPlainText("A {subject} in {place} at dawn")
    panel.ask_name = lambda: "Dawn walk"
    qtbot.mouseClick(panel.findChild(QPushButton, "saveTemplateButton"), Qt.MouseButton.LeftButton)
    assert TemplateStore().get("dawn walk").aspect_ratio == "1:1"
    assert panel.list.count() == 1

    builder.preview.setPlainText("")
    asked: list[tuple[str, ...]] = []

    def values(template: Template) -> dict[str, str]:
        asked.append(template.variables)
        return {"subject": "heron", "place": "a misty marsh"}

    panel.ask_values = values
    panel.list.setCurrentRow(0)
    with qtbot.waitSignal(builder.aspect_ratio_chosen) as aspect:
        qtbot.mouseClick(
            panel.findChild(QPushButton, "applyTemplateButton"), Qt.MouseButton.LeftButton
        )
    assert asked == [("subject", "place")]
    assert builder.prompt() == "A heron in a misty marsh at dawn"
    assert aspect.args == ["1:1"]

    panel.ask_values = lambda _t: {"subject": "heron"}
    qtbot.mouseClick(panel.findChild(QPushButton, "applyTemplateButton"), Qt.MouseButton.LeftButton)
    assert "{place}" in builder.status.text()


def _fake_result(draft: str) -> EnhanceResult:
    price = Estimate("fal-ai/any-llm", Decimal("0.001"), "per_request", "", "third-party")
    return EnhanceResult(draft + ", rewritten", draft, price, "req-1", "fal-ai/any-llm")


def test_enhance_asks_first_with_the_price_and_runs_off_the_gui_thread(qtbot: QtBot) -> None:
    builder = _builder(qtbot)
    builder.set_models([VEO])
    builder.preview.setPlainText("a fox")
    assert not builder.enhance_button.isEnabled()  # no enhancer, no button

    threads: list[threading.Thread] = []

    def enhancer(draft: str, models: list[ModelSpec]) -> EnhanceResult:
        threads.append(threading.current_thread())
        assert [m.id for m in models] == ["veo3.1"]
        return _fake_result(draft)

    questions: list[str] = []

    def decline(_title: str, text: str) -> bool:
        questions.append(text)
        return False

    builder.set_enhancer(enhancer)
    builder.confirm = decline
    qtbot.mouseClick(builder.enhance_button, Qt.MouseButton.LeftButton)
    assert "$0.001" in questions[0] and threads == []  # declined: nothing was sent

    builder.confirm = lambda _title, _text: True
    qtbot.mouseClick(builder.enhance_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: builder.prompt() == "a fox, rewritten", timeout=5000)
    assert threads and threads[0] is not threading.main_thread()
    assert builder.enhance_button.isEnabled()
    assert "about $0.001" in builder.status.text()
    builder.shutdown()


def test_an_enhance_failure_is_shown_and_the_draft_kept(qtbot: QtBot) -> None:
    from qcut_ai.core.errors import AuthError

    builder = _builder(qtbot)
    builder.preview.setPlainText("a fox")

    def failing(_draft: str, _models: list[ModelSpec]) -> EnhanceResult:
        raise AuthError("fal refused the key.", hint="Check it in Settings.")

    builder.set_enhancer(failing, offline=True)
    questions: list[str] = []

    def accept(_title: str, text: str) -> bool:
        questions.append(text)
        return True

    builder.confirm = accept
    qtbot.mouseClick(builder.enhance_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: "refused the key" in builder.status.text(), timeout=5000)
    assert "costs nothing" in questions[0]
    assert builder.prompt() == "a fox"
    builder.shutdown()
