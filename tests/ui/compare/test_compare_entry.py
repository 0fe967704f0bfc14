"""Where a comparison starts: the library's menu offers it for 2-6 clips, and only then."""

from __future__ import annotations

from PySide6.QtGui import QAction
from pytestqt.qtbot import QtBot

from qcut_ai.core.media import MediaItem
from qcut_ai.ui.library.panel import LibraryPanel


def _items(panel: LibraryPanel) -> list[MediaItem]:
    return list(panel.model.items)


def test_the_library_menu_compares_two_to_six_selected_clips(
    qtbot: QtBot, library_panel: LibraryPanel
) -> None:
    items = _items(library_panel)
    actions = library_panel.library_actions
    single = actions.build_menu(items[:1])
    assert single.findChild(QAction, "actionCompare") is None
    menu = actions.build_menu(items[:2])
    compare = menu.findChild(QAction, "actionCompare")
    assert compare is not None and compare.text() == "Compare Side by Side"
    with qtbot.waitSignal(actions.compare_requested) as asked:
        compare.trigger()
    assert [i.id for i in asked.args[0]] == [i.id for i in items[:2]]
