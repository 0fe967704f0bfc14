"""Generation tabs driven like a user: models, combined options, price, errors before paying."""

from __future__ import annotations

import wave
from pathlib import Path
from typing import Any

import pytest
from PIL import Image
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel, QLineEdit
from pytestqt.qtbot import QtBot

from qcut_ai.core.catalog import Category, MediaRole, ModelSpec
from qcut_ai.core.requests import GenerationRequest
from qcut_ai.core.selection import SelectionPlan
from qcut_ai.services.ffmpeg_tools import run_ffmpeg
from qcut_ai.ui.generate.tab import GenerateTab
from qcut_ai.ui.generate.tabs import TAB_TITLES


def _picture(path: Path, size: tuple[int, int]) -> Path:
    Image.new("RGB", size, (40, 120, 200)).save(path)
    return path


@pytest.fixture(scope="module")
def media(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    d = tmp_path_factory.mktemp("tab-inputs")
    files = {
        "wide": _picture(d / "wide.png", (160, 90)),
        "wide_big": _picture(d / "wide_big.jpg", (320, 180)),
        "tall": _picture(d / "tall.jpg", (90, 160)),
        "panorama": _picture(d / "panorama.png", (200, 100)),
    }
    voice = d / "voice.wav"
    with wave.open(str(voice), "wb") as out:
        out.setnchannels(1)
        out.setsampwidth(2)
        out.setframerate(8000)
        out.writeframes(b"\x00\x00" * 16000)  # 2 s
    files["voice"] = voice
    clip = d / "clip.mp4"
    run_ffmpeg(
        [
            *("-f", "lavfi", "-i", "testsrc2=size=160x90:rate=25:duration=1"),
            *("-c:v", "libx264", "-preset", "ultrafast", "-pix_fmt", "yuv420p"),
            str(clip),
        ]
    )
    files["clip"] = clip
    return files


class Emitted:
    """Records what the tab asked to generate."""

    def __init__(self, tab: GenerateTab) -> None:
        self.shared: list[tuple[list[ModelSpec], GenerationRequest]] = []
        self.batches: list[tuple[list[ModelSpec], list[GenerationRequest]]] = []
        tab.batch_requested.connect(self._on_plan)

    def _on_plan(self, plan: SelectionPlan) -> None:
        # One signal per press carries the whole plan: the shared request and each
        # model's fitted one.
        self.shared.append((plan.specs, plan.shared))
        self.batches.append((plan.specs, plan.requests))


def _tab(qtbot: QtBot, category: Category, *model_ids: str) -> tuple[GenerateTab, Emitted]:
    tab = GenerateTab(category)
    qtbot.addWidget(tab)
    tab.resize(460, 900)
    tab.show()
    qtbot.waitExposed(tab)
    if model_ids:
        tab.picker.select_ids(list(model_ids))
    return tab, Emitted(tab)


def _wait_inputs(qtbot: QtBot, tab: GenerateTab) -> None:
    qtbot.waitUntil(lambda: not tab.inputs.pending(), timeout=10_000)


def _click_generate(qtbot: QtBot, tab: GenerateTab) -> None:
    qtbot.mouseClick(tab.generate_button, Qt.MouseButton.LeftButton)


def _label(tab: GenerateTab, name: str) -> str:
    label = tab.findChild(QLabel, name)
    assert label is not None, name
    return label.text() if label.isVisibleTo(tab) else ""


def test_every_category_has_a_working_tab(qtbot: QtBot) -> None:
    # Every category of the catalogue has its tab, extend, edit and lipsync included.
    assert set(TAB_TITLES) == set(Category)
    for category in TAB_TITLES:
        tab, _ = _tab(qtbot, category)
        assert tab.objectName() == f"tab_{category.value.replace('-', '_')}"
        assert tab.accessibleName() == tab.title and tab.title
        assert tab.findChild(QLineEdit, "modelFilter") is not None
        assert tab.picker.objectName() == "modelPicker"
        assert tab.generate_button.objectName() == "generateButton"
        assert tab.prompt.objectName() == "promptEdit"
        # A recommended model is ticked from the start, so the price shows at once.
        assert len(tab.selected_specs()) == 1 and tab.selected_specs()[0].recommended
        assert tab.generate_button.text().startswith("Generate 1 video · ")


def test_price_on_the_button_follows_models_and_options(qtbot: QtBot) -> None:
    tab, _ = _tab(qtbot, Category.TEXT_TO_VIDEO, "grok-imagine")
    # 8 s (the pre-selected model's default, which Grok offers too) at $0.07/s.
    assert tab.generate_button.text() == "Generate 1 video · $0.56"
    tab.set_duration(6)
    assert tab.generate_button.text() == "Generate 1 video · $0.42"
    changed: list[list[str]] = []
    tab.models_changed.connect(lambda specs: changed.append([s.id for s in specs]))
    tab.picker.select_ids(["veo3.1-fast", "grok-imagine"])
    assert changed == [["veo3.1-fast", "grok-imagine"]]
    # 6 s kept: Grok $0.42 + Veo 3.1 Fast with sound $0.90.
    assert tab.generate_button.text() == "Generate 2 videos · $1.32"
    tip = tab.generate_button.toolTip()
    assert "Grok Imagine: $0.42" in tip and "Veo 3.1 Fast: $0.90" in tip
    tab.form.audio_check.setChecked(False)
    assert tab.generate_button.text() == "Generate 2 videos · $1.02"
    tab.picker.select_ids(["seedance-2.0", "grok-imagine"])
    assert tab.generate_button.text() == "Generate 2 videos · $0.42 + price unknown"
    assert "Seedance 2.0: price unknown" in tab.generate_button.toolTip()
    tab.picker.select_ids([])
    assert not tab.generate_button.isEnabled()


def test_form_shows_the_combined_options_of_the_selection(qtbot: QtBot) -> None:
    tab, _ = _tab(qtbot, Category.TEXT_TO_VIDEO, "veo3.1")
    form = tab.form
    durations = [form.duration_box.itemText(i) for i in range(form.duration_box.count())]
    assert durations == ["4 s", "6 s", "8 s"]
    assert form.counter.text() == "0 / 20,000"
    assert form.negative_edit.isVisibleTo(tab) and form.seed_spin.isVisibleTo(tab)
    tab.set_duration(8)
    tab.set_aspect_ratio("9:16")

    tab.picker.select_ids(["veo3.1", "kling-2.1-master"])
    durations = [form.duration_box.itemText(i) for i in range(form.duration_box.count())]
    assert durations == ["4 s", "5 s", "6 s", "8 s", "10 s"]
    assert form.duration_box.currentText() == "8 s"  # the user's value is kept
    assert form.aspect_box.currentText() == "9:16"
    assert "1:1" in [form.aspect_box.itemText(i) for i in range(form.aspect_box.count())]
    assert form.counter.text() == "0 / 2,500"  # Kling's limit is the strictest
    assert "Kling 2.1 Master" in form.counter.toolTip()
    assert "Kling 2.1 Master: 8 s → 10 s" in _label(tab, "fitNotes")
    assert form.advanced.isVisibleTo(tab)  # cfg scale, auto fix, …

    tab.picker.select_ids(["hailuo-2.3-standard"])
    assert [form.duration_box.itemText(i) for i in range(form.duration_box.count())] == [
        "6 s",
        "10 s",
    ]
    assert form.duration_box.currentText() == "10 s"  # nearest to 8 s, longer on a tie
    assert not form.negative_edit.isVisibleTo(tab) and not form.aspect_box.isVisibleTo(tab)


def test_each_model_gets_its_own_fitted_request(qtbot: QtBot) -> None:
    tab, emitted = _tab(qtbot, Category.TEXT_TO_VIDEO, "veo3.1", "kling-2.1-master")
    tab.set_prompt("a lighthouse in a storm, slow push in")
    tab.set_duration(8)
    tab.form.negative_edit.setText("text, watermark")
    _click_generate(qtbot, tab)
    specs, shared = emitted.shared[-1]
    assert [s.id for s in specs] == ["veo3.1", "kling-2.1-master"]
    assert shared.prompt == "a lighthouse in a storm, slow push in"
    assert shared.duration == 8 and shared.negative_prompt == "text, watermark"
    _, fitted = emitted.batches[-1]
    veo, kling = fitted
    assert veo.duration == 8 and veo.resolution == shared.resolution
    assert kling.duration == 10 and kling.resolution is None
    assert kling.generate_audio is None and kling.negative_prompt == "text, watermark"


def test_prompt_too_long_for_one_model_is_refused_before_generate(qtbot: QtBot) -> None:
    tab, emitted = _tab(qtbot, Category.TEXT_TO_VIDEO, "veo3.1", "kling-2.1-master")
    tab.set_prompt("x" * 2600)
    assert tab.counter.styleSheet()  # the counter turns red while typing
    problem = _label(tab, "promptError")
    assert "Kling 2.1 Master" in problem and "2,600" in problem and "2,500" in problem
    _click_generate(qtbot, tab)
    assert emitted.shared == [] and emitted.batches == []
    assert "Kling 2.1 Master" in _label(tab, "validationError")
    tab.picker.select_ids(["veo3.1"])  # Veo takes 20,000 characters
    assert _label(tab, "promptError") == ""
    _click_generate(qtbot, tab)
    assert len(emitted.shared) == 1


def test_missing_prompt_is_shown_only_once_generate_is_pressed(qtbot: QtBot) -> None:
    tab, emitted = _tab(qtbot, Category.TEXT_TO_VIDEO, "kling-2.1-master")
    tab.set_prompt("   ")
    assert _label(tab, "validationError") == ""
    _click_generate(qtbot, tab)
    assert emitted.shared == []
    assert "prompt" in _label(tab, "validationError").lower()
    assert "Kling 2.1 Master" in _label(tab, "promptError")
    tab.set_prompt("a paper boat on a puddle")
    assert _label(tab, "promptError") == ""


def test_ctrl_return_generates(qtbot: QtBot) -> None:
    tab, emitted = _tab(qtbot, Category.TEXT_TO_VIDEO, "veo3.1-fast")
    tab.set_prompt("a fox in the snow")
    tab.set_aspect_ratio("9:16")
    tab.prompt.setFocus()
    qtbot.waitUntil(tab.prompt.hasFocus)
    qtbot.keyClick(tab.prompt, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)
    assert len(emitted.shared) == 1
    _, request = emitted.shared[0]
    assert request.prompt == "a fox in the snow" and request.aspect_ratio == "9:16"


def test_advanced_field_out_of_range_is_shown_beside_it(qtbot: QtBot) -> None:
    tab, emitted = _tab(qtbot, Category.TEXT_TO_VIDEO, "kling-2.5-turbo-pro")
    tab.set_prompt("a kite over a beach")
    key = tab.form.extras.key_for("kling-2.5-turbo-pro", "cfg_scale")
    assert key is not None
    editor = tab.form.extras.editors[key]
    assert editor.line is not None
    editor.line.setText("3")
    assert tab.form.advanced.is_expanded()  # an error never hides in a folded section
    assert "out of range" in editor.error_label.text()
    _click_generate(qtbot, tab)
    assert emitted.shared == []
    editor.line.setText("abc")
    assert "not a number" in editor.error_label.text()
    editor.line.setText("0.7")
    _click_generate(qtbot, tab)
    _, fitted = emitted.batches[-1]
    assert fitted[0].extras == {"cfg_scale": 0.7}


def test_image_tab_needs_an_image_then_sends_it(qtbot: QtBot, media: dict[str, Path]) -> None:
    tab, emitted = _tab(qtbot, Category.IMAGE_TO_VIDEO, "veo3.1-fast-i2v")
    tab.set_prompt("the camera drifts past the subject")
    _click_generate(qtbot, tab)
    assert emitted.shared == []
    assert "Image is required" in tab.inputs.slots[MediaRole.IMAGE].error_text()
    tab.set_input("image", str(media["wide"]))
    _wait_inputs(qtbot, tab)
    assert _label(tab, "validationError") == ""
    _click_generate(qtbot, tab)
    _, request = emitted.shared[-1]
    assert request.image == str(media["wide"])


def test_aspect_mismatch_with_a_fixed_ratio_model_blocks_generate(
    qtbot: QtBot, media: dict[str, Path]
) -> None:
    tab, emitted = _tab(qtbot, Category.IMAGE_TO_VIDEO, "luma-ray-3.2-i2v")
    tab.set_prompt("slow zoom")
    tab.set_input("image", str(media["panorama"]))  # 2:1, none of the ratios Ray offers
    _wait_inputs(qtbot, tab)
    assert "16:9" in _label(tab, "validationError")
    _click_generate(qtbot, tab)
    assert emitted.shared == []


def test_frame_tab_refuses_frames_of_different_shapes(qtbot: QtBot, media: dict[str, Path]) -> None:
    tab, emitted = _tab(
        qtbot, Category.FRAME_TO_VIDEO, "veo3.1-fast-flf", "kling-2.5-turbo-pro-i2v"
    )
    tab.set_prompt("day turns to night over the city")
    tab.set_input("image", str(media["wide"]))
    tab.set_input("end_image", str(media["tall"]))
    _wait_inputs(qtbot, tab)
    _click_generate(qtbot, tab)
    assert emitted.shared == []
    problem = _label(tab, "validationError")
    assert "last frame" in problem.lower() and "same aspect ratio" in problem
    tab.set_input("end_image", str(media["wide_big"]))
    _wait_inputs(qtbot, tab)
    _click_generate(qtbot, tab)
    specs, request = emitted.shared[-1]
    assert len(specs) == 2
    assert request.image == str(media["wide"]) and request.end_image == str(media["wide_big"])


def test_generate_waits_for_inputs_still_being_read(qtbot: QtBot, media: dict[str, Path]) -> None:
    tab, emitted = _tab(qtbot, Category.IMAGE_TO_VIDEO, "veo3.1-fast-i2v")
    tab.set_prompt("a slow dolly in")
    tab.set_input("image", str(media["wide_big"]))
    _click_generate(qtbot, tab)  # pressed before the picture is read
    qtbot.waitUntil(lambda: bool(emitted.shared), timeout=10_000)
    assert emitted.shared[0][1].image == str(media["wide_big"])


def test_avatar_price_follows_the_voice_length(qtbot: QtBot, media: dict[str, Path]) -> None:
    tab, emitted = _tab(qtbot, Category.AVATAR, "kling-avatar-pro")
    assert tab.generate_button.text() == "Generate 1 video · price unknown"
    assert "needs the input length" in tab.generate_button.toolTip()
    tab.set_input("image", str(media["tall"]))
    tab.set_input("audio", str(media["voice"]))
    _wait_inputs(qtbot, tab)
    assert tab.generate_button.text() == "Generate 1 video · $0.23"  # 2 s at $0.115/s
    _click_generate(qtbot, tab)
    _, request = emitted.shared[-1]
    assert request.audio == str(media["voice"]) and request.prompt is None


def test_upscale_tab_prices_the_source_video(qtbot: QtBot, media: dict[str, Path]) -> None:
    tab, emitted = _tab(qtbot, Category.UPSCALE, "bytedance-upscaler")
    assert "price unknown" in tab.generate_button.text()
    assert not tab.prompt.isVisibleTo(tab)  # upscalers take no prompt
    tab.set_input("video", str(media["clip"]))
    _wait_inputs(qtbot, tab)
    text = tab.generate_button.text()
    assert text.startswith("Generate 1 video · $") and "unknown" not in text
    _click_generate(qtbot, tab)
    specs, request = emitted.shared[-1]
    assert [s.id for s in specs] == ["bytedance-upscaler"]
    assert request.video == str(media["clip"])


def test_load_request_restores_models_values_and_inputs(
    qtbot: QtBot, media: dict[str, Path]
) -> None:
    tab, emitted = _tab(qtbot, Category.IMAGE_TO_VIDEO)
    past = GenerationRequest(
        prompt="a heron takes off",
        image=str(media["wide"]),
        duration=10,
        resolution="1080p",
        seed=42,
        extras={"camera_fixed": True},
    )
    tab.load_request(["seedance-pro-i2v"], past)
    _wait_inputs(qtbot, tab)
    assert [s.id for s in tab.selected_specs()] == ["seedance-pro-i2v"]
    assert tab.prompt.toPlainText() == "a heron takes off"
    assert tab.form.duration_box.currentText() == "10 s"
    assert tab.form.seed_spin.value() == 42
    _click_generate(qtbot, tab)
    _, request = emitted.shared[-1]
    expected: dict[str, Any] = {
        "prompt": "a heron takes off",
        "image": str(media["wide"]),
        "duration": 10,
        "resolution": "1080p",
        "seed": 42,
        "extras": {"camera_fixed": True},
    }
    assert {k: getattr(request, k) for k in expected} == expected


def test_tool_sections_sit_above_the_prompt(qtbot: QtBot) -> None:
    tab, _ = _tab(qtbot, Category.TEXT_TO_VIDEO)
    builder = QLabel("prompt builder here")
    section = tab.add_tool_widget(builder, "Prompt builder")
    assert section.header.text() == "Prompt builder"
    assert not builder.isVisibleTo(tab)
    qtbot.waitUntil(section.header.isVisible)  # a section added to a shown tab appears soon
    qtbot.mouseClick(section.header, Qt.MouseButton.LeftButton)
    assert builder.isVisibleTo(tab)
    qtbot.waitUntil(lambda: builder.height() > 0)
    top_of = lambda w: w.mapTo(tab, w.rect().topLeft()).y()  # noqa: E731
    assert top_of(section) < top_of(builder) < top_of(tab.prompt)
