"""The window shows before its generator is built; the tab on screen follows by itself,
sized and chosen as if it had been there from the start."""

from __future__ import annotations

import argparse
from pathlib import Path

from pytestqt.qtbot import QtBot

from qcut_ai.app.main import build_window
from qcut_ai.app.shell import MainWindow
from qcut_ai.core.catalog import Category, load_catalog
from qcut_ai.core.project import ProjectPaths
from qcut_ai.ui.generate.tab import GenerateTab
from qcut_ai.ui.panel_layout import GENERATOR_FLOOR
from tests.ui.layout_check import clipped_controls, open_window


def _shown(qtbot: QtBot, project: Path, state: dict[str, object] | None = None) -> MainWindow:
    window = build_window(argparse.Namespace(project=str(project), offline=True, size=(1440, 900)))
    assert isinstance(window, MainWindow)
    qtbot.addWidget(window)
    window.remember_layout = False
    if state is not None:
        window.panel.restore_layout_state(state)
    window.show()
    qtbot.waitExposed(window)
    return window


def _tab_on_screen(qtbot: QtBot, window: MainWindow) -> GenerateTab:
    tabs = window.panel.tabs
    # Nobody asks for the tab: its first paint alone builds it.
    qtbot.waitUntil(lambda: isinstance(tabs.currentWidget(), GenerateTab), timeout=10_000)
    tab = tabs.currentWidget()
    assert isinstance(tab, GenerateTab)
    return tab


def test_the_tab_on_screen_appears_after_the_first_paint_with_room(
    qtbot: QtBot, library_project: ProjectPaths
) -> None:
    window = open_window(qtbot, library_project.root, (1440, 900))
    tab = _tab_on_screen(qtbot, window)
    assert tab.category is Category.TEXT_TO_VIDEO
    assert tab.picker.specs and tab.selected_specs()  # models listed, one chosen
    assert tab.generate_button.text().startswith("Generate 1 video · $")
    # The default split was made again for the tab, not left at the placeholder's size.
    qtbot.wait(50)
    assert clipped_controls(window) == []
    assert window.panel.sections.generator.height() >= GENERATOR_FLOOR
    window.close()


def test_a_saved_choice_for_the_first_tab_is_kept_and_a_gone_model_dropped(
    qtbot: QtBot, tmp_path: Path
) -> None:
    catalog = load_catalog()
    other = [s for s in catalog.in_category(Category.TEXT_TO_VIDEO) if s.active][1].id
    state: dict[str, object] = {
        "models": {Category.TEXT_TO_VIDEO.value: [other, "no-such-model"]},
        "favourites": [other],
    }
    window = _shown(qtbot, tmp_path / "P", state)
    # Saved before the tab exists: the layout says what was restored.
    assert window.panel.layout_state()["models"] == {Category.TEXT_TO_VIDEO.value: [other]}
    assert window.panel.layout_state()["favourites"] == [other]
    tab = _tab_on_screen(qtbot, window)
    assert [s.id for s in tab.selected_specs()] == [other]
    assert tab.picker.favourites() == [other]
    window.close()
