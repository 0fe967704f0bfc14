"""The window at the sizes editors have, and the panel docked narrow to wide: every
control fits, the library keeps room to work, and selecting a clip moves nothing."""

from __future__ import annotations

import pytest
from pytestqt.qtbot import QtBot

from qcut_ai.core.project import ProjectPaths
from qcut_ai.ui.panel_layout import COMPACT_WIDTH
from tests.ui.layout_check import clipped_controls
from tests.ui.layout_check import open_window as _window

SIZES = [
    pytest.param((1280, 720), None, id="1280x720"),
    pytest.param((1440, 900), None, id="1440x900"),
    pytest.param((1920, 1080), None, id="1920x1080"),
    pytest.param((1440, 900), 320, id="docked-320"),
    pytest.param((1440, 900), 480, id="docked-480"),
    pytest.param((1440, 900), 800, id="docked-800"),
]


@pytest.mark.parametrize(("size", "dock"), SIZES)
def test_nothing_is_clipped(
    qtbot: QtBot, library_project: ProjectPaths, size: tuple[int, int], dock: int | None
) -> None:
    window = _window(qtbot, library_project.root, size, dock)
    assert (window.width(), window.height()) == size
    if dock is not None:
        assert abs(window.panel.width() - dock) <= 12  # the dock's frame and handle
    assert clipped_controls(window) == []
    # With a clip selected: the preview's transport, the derive buttons, the details.
    panel = window.panel
    row = max(range(3), key=lambda r: panel.model.items[r].duration or 0)
    panel.view.setCurrentIndex(panel.model.index(row, 0))
    if panel.preview.isVisible():
        qtbot.waitUntil(lambda: panel.preview.state == "ready", timeout=20_000)
        bar = panel.preview_derive
        assert not bar.isHidden() and bar.offered()
        # Every action offered is a button or an entry under More.
        shown = [a for a in bar.offered() if not bar.buttons[a].isHidden()]
        under_more = [a.text() for a in bar.more.menu().actions()]
        assert len(shown) + len(under_more) == len(bar.offered())
    qtbot.wait(50)
    assert clipped_controls(window) == []
    window.close()


@pytest.mark.parametrize("size", [(1440, 900), (1920, 1080)])
def test_library_shows_two_rows_of_tiles(
    qtbot: QtBot, library_project: ProjectPaths, size: tuple[int, int]
) -> None:
    window = _window(qtbot, library_project.root, size)
    view = window.panel.view
    assert view.viewport().height() >= 2 * view.gridSize().height()
    # The library is the panel's largest area.
    sizes = window.panel.splitter.sizes()
    assert sizes[2] == max(sizes)
    window.close()


def test_narrow_dock_is_compact_and_wide_is_not(
    qtbot: QtBot, library_project: ProjectPaths
) -> None:
    window = _window(qtbot, library_project.root, (1440, 900), 320)
    panel = window.panel
    assert panel.width() < COMPACT_WIDTH
    assert not panel.preview.isVisible() and panel.tabs.tabText(0) == "Text"
    jobs = panel.job_list
    assert jobs.more_button.isVisible() and not jobs.clear_finished_button.isVisible()
    assert [a.text() for a in jobs.more_button.menu().actions()] == [
        "Clear finished",
        "Cancel queued",
    ]
    window.set_dock_width(800)
    qtbot.waitUntil(lambda: panel.width() > COMPACT_WIDTH, timeout=5000)
    assert panel.preview.isVisible() and panel.tabs.tabText(0) == "Text to Video"
    assert jobs.clear_finished_button.isVisible() and not jobs.more_button.isVisible()
    window.close()


def test_widening_the_window_widens_the_panel(qtbot: QtBot, library_project: ProjectPaths) -> None:
    window = _window(qtbot, library_project.root, (1280, 720))
    before = window.panel.width()
    window.resize(1920, 1080)
    qtbot.waitUntil(lambda: window.panel.width() > before + 200, timeout=5000)
    share = window.panel.width() / window.width()
    assert 0.5 < share < 0.65
    window.close()


def test_selecting_a_clip_resizes_no_pane(qtbot: QtBot, library_project: ProjectPaths) -> None:
    window = _window(qtbot, library_project.root, (1440, 900))
    panel = window.panel
    before = (window.dock.width(), panel.splitter.sizes(), panel.lower_split.sizes())
    for row in range(3):
        panel.view.setCurrentIndex(panel.model.index(row, 0))
        qtbot.wait(100)
        assert (window.dock.width(), panel.splitter.sizes(), panel.lower_split.sizes()) == before
    window.close()


def test_folded_sections_give_the_library_their_room(
    qtbot: QtBot, library_project: ProjectPaths
) -> None:
    window = _window(qtbot, library_project.root, (1280, 720))
    panel = window.panel
    before = panel.lower_split.height()
    panel.sections.toggles["generator"].click()
    panel.sections.toggles["jobs"].click()
    qtbot.waitUntil(lambda: panel.lower_split.height() > before + 200, timeout=5000)
    assert not panel.tabs.isVisible() and not panel.job_list.isVisible()
    assert clipped_controls(window) == []
    window.close()


def test_layout_is_remembered(qtbot: QtBot, library_project: ProjectPaths) -> None:
    window = _window(qtbot, library_project.root, (1440, 900))
    panel = window.panel
    panel.sections.toggles["jobs"].click()
    panel.text_tab.picker.select_ids(["kling-2.5-turbo-pro"])
    panel.text_tab.picker.set_favourite("kling-2.5-turbo-pro", True)
    sizes = panel.lower_split.sizes()
    panel.lower_split.setSizes([sizes[0] + 60, sizes[1] - 60])
    state = panel.layout_state()
    window.close()

    again = _window(qtbot, library_project.root, (1440, 900))
    again.panel.restore_layout_state(state)
    qtbot.wait(50)
    assert not again.panel.job_list.isVisible()
    assert [s.id for s in again.panel.text_tab.selected_specs()] == ["kling-2.5-turbo-pro"]
    assert again.panel.lower_split.sizes() == state["lower"]
    # Favourites are the user's, in every tab.
    for tab in again.panel.generate_tabs.values():
        assert tab.picker.favourites() == ["kling-2.5-turbo-pro"]
    again.close()


def test_a_retired_or_unknown_saved_model_is_left_at_the_default(
    qtbot: QtBot, library_project: ProjectPaths
) -> None:
    window = _window(qtbot, library_project.root, (1440, 900))
    panel = window.panel
    default = [s.id for s in panel.text_tab.selected_specs()]
    panel.restore_layout_state({"models": {"text-to-video": ["sora-2", "no-such-model"]}})
    assert [s.id for s in panel.text_tab.selected_specs()] == default
    window.close()
