"""The generation tabs the user has not opened yet behave as if they had been built."""

from __future__ import annotations

from pytestqt.qtbot import QtBot

from qcut_ai.core.catalog import Category
from qcut_ai.core.project import ProjectPaths
from qcut_ai.ui.generate.tab import TAB_TITLES, GenerateTab
from tests.ui.layout_check import open_window


def _index(category: Category) -> int:
    return list(TAB_TITLES).index(category)


def test_opening_a_tab_shows_its_generator_under_its_title(
    qtbot: QtBot, library_project: ProjectPaths
) -> None:
    window = open_window(qtbot, library_project.root, (1440, 900))
    tabs = window.panel.tabs
    assert tabs.count() == len(TAB_TITLES)
    tabs.setCurrentIndex(_index(Category.LIPSYNC))
    shown = tabs.currentWidget()
    assert isinstance(shown, GenerateTab) and shown.category is Category.LIPSYNC
    assert shown is window.panel.generate_tabs[Category.LIPSYNC]
    assert tabs.tabText(tabs.currentIndex()) == "Lipsync"
    assert [tabs.tabText(i) for i in range(tabs.count())] == [t for t, _ in TAB_TITLES.values()]
    assert shown.picker.specs  # its models are listed
    window.close()


def test_a_choice_in_a_tab_not_opened_again_survives_two_sessions(
    qtbot: QtBot, library_project: ProjectPaths
) -> None:
    window = open_window(qtbot, library_project.root, (1440, 900))
    upscale = window.panel.generate_tabs[Category.UPSCALE]
    default = [s.id for s in upscale.selected_specs()]
    other = next(s.id for s in upscale.specs if s.active and s.id not in default)
    upscale.picker.select_ids([other])
    window.panel.text_tab.picker.set_favourite(other, True)
    state = window.panel.layout_state()
    window.close()

    # The second session never opens the Upscale tab, and saves its layout again.
    second = open_window(qtbot, library_project.root, (1440, 900))
    second.panel.restore_layout_state(state)
    again = second.panel.layout_state()
    second.close()
    assert again["models"] == state["models"]

    third = open_window(qtbot, library_project.root, (1440, 900))
    third.panel.restore_layout_state(again)
    third.panel.tabs.setCurrentIndex(_index(Category.UPSCALE))
    shown = third.panel.tabs.currentWidget()
    assert isinstance(shown, GenerateTab)
    assert [s.id for s in shown.selected_specs()] == [other]
    assert shown.picker.favourites() == [other]
    third.close()
