"""The model picker: one category's models with their facts, filter, and ticking several."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel
from pytestqt.qtbot import QtBot

from qcut_ai.core.catalog import Category, load_catalog
from qcut_ai.core.model_facts import duration_text, price_text, resolution_text, typical_time_text
from qcut_ai.ui.generate.model_picker import ModelPicker

CATALOG = load_catalog()


def _picker(qtbot: QtBot, category: Category = Category.TEXT_TO_VIDEO) -> ModelPicker:
    picker = ModelPicker(CATALOG.in_category(category))
    qtbot.addWidget(picker)
    picker.resize(420, 600)
    picker.show()
    qtbot.waitExposed(picker)
    return picker


def test_lists_the_category_with_recommended_models_first(qtbot: QtBot) -> None:
    picker = _picker(qtbot)
    assert picker.objectName() == "modelPicker"
    specs = picker.specs()
    assert {s.id for s in specs} == {s.id for s in CATALOG.in_category(Category.TEXT_TO_VIDEO)}
    flags = [s.recommended for s in specs]
    assert flags == sorted(flags, reverse=True)
    assert picker.selected_specs() == []
    count = picker.findChild(QLabel, "modelCount")
    assert count is not None and count.text() == "Tick one or more models"


def test_each_row_tells_vendor_tier_ranges_audio_time_and_price(qtbot: QtBot) -> None:
    picker = _picker(qtbot)
    index = picker.index_of("veo3.1-fast")
    spoken = index.data(Qt.ItemDataRole.AccessibleTextRole)
    assert "Veo 3.1 Fast" in spoken and "recommended" in spoken
    assert "Fast" in spoken and "audio" in spoken
    assert "Google" in spoken and "720p–4k" in spoken and "4–8 s" in spoken
    assert "~60 s" in spoken and "$" in spoken
    assert "Google" in index.data(Qt.ItemDataRole.ToolTipRole)


def test_model_facts_read_like_a_spec_sheet() -> None:
    veo = CATALOG.get("veo3.1")
    assert resolution_text(veo) == "720p–4k"
    assert duration_text(veo) == "4–8 s"
    assert typical_time_text(veo) == "~2 min"
    assert price_text(CATALOG.get("grok-imagine")) == "$0.42 / 6 s"
    assert price_text(CATALOG.get("seedance-2.0")) == "price unknown"
    assert duration_text(CATALOG.get("hailuo-02-pro")) == "fixed 6 s"
    assert duration_text(CATALOG.get("kling-avatar-pro")) == "input length"
    # An upscaler's total needs the source video: the rate is shown instead.
    assert price_text(CATALOG.get("bytedance-upscaler")).endswith("/s")


def test_filter_box_keeps_rows_matching_every_word(qtbot: QtBot) -> None:
    picker = _picker(qtbot)
    qtbot.keyClicks(picker.filter_edit, "google fast")
    visible = {s.id for s in picker.visible_specs()}
    assert visible == {"veo3.1-fast"}
    picker.set_filter("premium audio")
    assert all(s.tier.value == "Premium" and s.audio for s in picker.visible_specs())
    picker.set_filter("")
    assert len(picker.visible_specs()) == len(picker.specs())


def test_clicking_rows_ticks_several_models(qtbot: QtBot) -> None:
    picker = _picker(qtbot)
    seen: list[list[str]] = []
    picker.selection_changed.connect(lambda specs: seen.append([s.id for s in specs]))
    for model_id in ("kling-3-std", "veo3.1-fast"):
        rect = picker.view.visualRect(picker.index_of(model_id))
        qtbot.mouseClick(picker.view.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    # Selection is reported in list order, not click order.
    assert seen[-1] == ["veo3.1-fast", "kling-3-std"]
    assert [s.id for s in picker.selected_specs()] == ["veo3.1-fast", "kling-3-std"]
    assert picker.count_label.text().startswith("2 of ")
    rect = picker.view.visualRect(picker.index_of("veo3.1-fast"))
    qtbot.mouseClick(picker.view.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    assert seen[-1] == ["kling-3-std"]


def test_space_toggles_the_current_row(qtbot: QtBot) -> None:
    picker = _picker(qtbot)
    picker.view.setFocus()
    picker.view.setCurrentIndex(picker.index_of("ltx-2.3-fast"))
    with qtbot.waitSignal(picker.selection_changed) as blocker:
        qtbot.keyClick(picker.view, Qt.Key.Key_Space)
    assert [s.id for s in blocker.args[0]] == ["ltx-2.3-fast"]


def test_select_ids_ticks_exactly_those_with_one_signal(qtbot: QtBot) -> None:
    picker = _picker(qtbot)
    seen: list[list[str]] = []
    picker.selection_changed.connect(lambda specs: seen.append([s.id for s in specs]))
    picker.select_ids(["kling-2.1-master", "veo3.1", "not-a-model-here"])
    assert seen == [["veo3.1", "kling-2.1-master"]]
    picker.select_ids(["veo3.1", "kling-2.1-master"])
    assert len(seen) == 1  # nothing changed, nothing said
    picker.select_ids([])
    assert seen[-1] == []


def test_ticked_rows_stay_ticked_while_filtered_out(qtbot: QtBot) -> None:
    picker = _picker(qtbot, Category.UPSCALE)
    picker.select_ids(["topaz-precision"])
    picker.set_filter("bytedance upscaler")
    assert [s.id for s in picker.visible_specs()] == ["bytedance-upscaler"]
    assert [s.id for s in picker.selected_specs()] == ["topaz-precision"]
