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


def _rows(picker: ModelPicker) -> list[str]:
    """What the list shows, headings in capitals as painted."""
    from qcut_ai.ui.generate.model_row import HEADING_ROLE, SPEC_ROLE

    shown = []
    for row in range(picker.proxy.rowCount()):
        index = picker.proxy.index(row, 0)
        heading = index.data(HEADING_ROLE)
        shown.append(str(heading).upper() if heading else index.data(SPEC_ROLE).id)
    return shown


def test_models_are_grouped_recommended_first_then_by_vendor(qtbot: QtBot) -> None:
    picker = _picker(qtbot)
    shown = _rows(picker)
    assert shown[0] == "RECOMMENDED"
    headings = [r for r in shown if r.isupper()]
    vendors = list(dict.fromkeys(s.vendor.upper() for s in picker.specs() if not s.recommended))
    assert headings == ["RECOMMENDED", *vendors]
    # Every model sits under its own vendor's heading (or Recommended).
    heading = ""
    for row in shown:
        if row.isupper():
            heading = row
            continue
        spec = CATALOG.get(row)
        assert heading == ("RECOMMENDED" if spec.recommended else spec.vendor.upper())
    # A heading is not a model: it cannot be ticked.
    first = picker.proxy.index(0, 0)
    assert not first.flags() & Qt.ItemFlag.ItemIsUserCheckable


def test_the_filter_keeps_only_the_headings_of_what_it_finds(qtbot: QtBot) -> None:
    picker = _picker(qtbot)
    picker.set_filter("kling")
    shown = _rows(picker)
    assert all(CATALOG.get(r).vendor == "Kuaishou" for r in shown if not r.isupper())
    assert set(r for r in shown if r.isupper()) <= {"RECOMMENDED", "KUAISHOU"}
    picker.set_filter("no such model at all")
    assert _rows(picker) == []


def test_models_added_by_the_last_sync_wear_a_new_badge(qtbot: QtBot) -> None:
    added = {"kling-3-std"}
    picker = ModelPicker(
        CATALOG.in_category(Category.TEXT_TO_VIDEO), is_new=lambda s: s.id in added
    )
    qtbot.addWidget(picker)
    spoken = picker.index_of("kling-3-std").data(Qt.ItemDataRole.AccessibleTextRole)
    assert ", new," in spoken
    assert "new" not in picker.index_of("veo3.1-fast").data(Qt.ItemDataRole.AccessibleTextRole)
    assert "(1 new: type new)" in picker.filter_edit.placeholderText()
    picker.set_filter("new")
    assert [s.id for s in picker.visible_specs()] == ["kling-3-std"]


def test_favourites_come_first_and_keep_the_ticks(qtbot: QtBot) -> None:
    picker = _picker(qtbot)
    seen: list[list[str]] = []
    picker.favourites_changed.connect(seen.append)
    picker.select_ids(["veo3.1-fast", "ltx-2.3-fast"])
    picker.view.setFocus()
    picker.view.setCurrentIndex(picker.index_of("ltx-2.3-fast"))
    qtbot.keyClick(picker.view, Qt.Key.Key_F)
    assert seen == [["ltx-2.3-fast"]]
    assert _rows(picker)[:2] == ["FAVOURITES", "ltx-2.3-fast"]
    assert [s.id for s in picker.selected_specs()] == ["ltx-2.3-fast", "veo3.1-fast"]
    assert ", favourite," in picker.index_of("ltx-2.3-fast").data(
        Qt.ItemDataRole.AccessibleTextRole
    )
    picker.set_favourite("ltx-2.3-fast", False)
    assert "FAVOURITES" not in _rows(picker) and seen[-1] == []
