"""The library as a media pool: bins, drag into a bin, undo, colour labels, marks on tiles."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import QPointF, QRect, Qt
from PySide6.QtGui import QAction, QColor, QDropEvent, QImage
from PySide6.QtWidgets import QAbstractItemView, QLineEdit, QMenu
from pytestqt.qtbot import QtBot

from qcut_ai.core.bins import COLOUR_LABELS, TOP_LEVEL
from qcut_ai.core.media import MediaItem
from qcut_ai.core.project import ProjectPaths
from qcut_ai.library.bins import list_bins
from qcut_ai.library.project_db import open_project_db
from qcut_ai.library.repository import MediaRepository
from qcut_ai.ui.library.bin_list import ALL_MEDIA
from qcut_ai.ui.library.panel import LibraryPanel
from qcut_ai.ui.mime import MEDIA_MIME, encode_items


@pytest.fixture
def project(library_project: ProjectPaths) -> ProjectPaths:
    return library_project


@pytest.fixture
def panel(library_panel: LibraryPanel) -> LibraryPanel:
    return library_panel


def _names(panel: LibraryPanel) -> list[str]:
    return [Path(i.path).name for i in panel.model.items]


def _item(panel: LibraryPanel, file_name: str) -> MediaItem:
    return next(i for i in panel.model.items if Path(i.path).name == file_name)


def _stored(project: ProjectPaths, media_id: int) -> MediaItem:
    db = open_project_db(project)
    try:
        found = MediaRepository(db, project.root).get(media_id)
    finally:
        db.close()
    assert found is not None
    return found


def _trigger(panel: LibraryPanel, items: list[MediaItem], name: str) -> None:
    menu = panel.library_actions.build_menu(items)
    action = menu.findChild(QAction, name)
    assert action is not None, name
    action.trigger()
    menu.deleteLater()


def _bin_texts(panel: LibraryPanel) -> list[str]:
    bins = panel.pool.bin_list
    return [bins.item(r).text() for r in range(bins.count())]


def _make_bin(qtbot: QtBot, panel: LibraryPanel) -> int:
    menu = panel.pool.bin_list.build_menu(None)
    action = menu.findChild(QAction, "actionNewBin")
    assert action is not None
    action.trigger()
    qtbot.waitUntil(lambda: "New Bin" in _bin_texts(panel))
    return panel.pool.bins.bins[0].id


def _drop_on_bin(panel: LibraryPanel, items: list[MediaItem], row: int) -> None:
    bins = panel.pool.bin_list
    centre = QPointF(bins.visualItemRect(bins.item(row)).center())
    mime = encode_items(items)
    event = QDropEvent(
        centre,
        Qt.DropAction.CopyAction,
        mime,
        Qt.MouseButton.LeftButton,
        Qt.KeyboardModifier.NoModifier,
    )
    bins.dropEvent(event)
    assert event.isAccepted()


def test_clips_dragged_onto_a_bin_are_shown_there_and_the_move_can_be_undone(
    qtbot: QtBot, panel: LibraryPanel, project: ProjectPaths
) -> None:
    assert _bin_texts(panel)[:2] == [ALL_MEDIA, "Not in a bin"]
    bin_id = _make_bin(qtbot, panel)
    light = _item(panel, "lighthouse.mp4")
    # The tiles' drag payload is the one the timeline reads, and dropping it on a bin moves.
    payload = panel.model.mimeData([panel.model.index(panel.model.row_of(light.id) or 0)])
    assert payload.hasFormat(MEDIA_MIME) and payload.urls()
    _drop_on_bin(panel, [light], panel.pool.bin_list.row_of_bin(bin_id) or 0)
    qtbot.waitUntil(lambda: _stored(project, light.id).bin_id == bin_id)
    qtbot.waitUntil(lambda: "New Bin" in _bin_texts(panel))
    bins = panel.pool.bin_list
    bins.setCurrentRow(bins.row_of_bin(bin_id) or 0)
    qtbot.waitUntil(lambda: _names(panel) == ["lighthouse.mp4"])
    bins.setCurrentRow(bins.row_of_bin(TOP_LEVEL) or 0)
    qtbot.waitUntil(lambda: _names(panel) == ["still.png", "desert.mp4"])

    # Moving from the menu, then undoing it, puts the clip back at the top level.
    desert = _item(panel, "desert.mp4")
    _trigger(panel, [desert], f"actionMoveTo_{bin_id}")
    qtbot.waitUntil(lambda: _names(panel) == ["still.png"])
    _trigger(panel, [_item(panel, "still.png")], "actionUndoMove")
    qtbot.waitUntil(lambda: _names(panel) == ["still.png", "desert.mp4"])
    assert _stored(project, desert.id).bin_id is None


def test_deleting_a_bin_keeps_its_clips_and_a_bad_name_keeps_the_old_one(
    qtbot: QtBot, panel: LibraryPanel, project: ProjectPaths
) -> None:
    errors: list[str] = []
    panel.error_reported.connect(errors.append)
    bin_id = _make_bin(qtbot, panel)
    _trigger(panel, list(panel.model.items), f"actionMoveTo_{bin_id}")
    qtbot.waitUntil(lambda: all(i.bin_id == bin_id for i in panel.model.items))

    bins = panel.pool.bin_list
    row = bins.row_of_bin(bin_id) or 0
    bins.item(row).setText("   ")  # what typing an empty name in place commits
    assert errors == ["A bin name cannot be empty: type at least one character."]
    assert bins.item(row).text() == "New Bin"
    bins.item(row).setText("Selects")
    qtbot.waitUntil(lambda: [b.name for b in panel.pool.bins.bins] == ["Selects"])

    bins.setCurrentRow(row)
    qtbot.keyClick(bins, Qt.Key.Key_Delete)
    qtbot.waitUntil(lambda: _bin_texts(panel) == [ALL_MEDIA, "Not in a bin"])
    qtbot.waitUntil(lambda: len(panel.model.items) == 3)
    assert all(i.bin_id is None for i in panel.model.items)
    db = open_project_db(project)
    try:
        assert list_bins(MediaRepository(db, project.root)) == []
        assert MediaRepository(db, project.root).count() == 3
    finally:
        db.close()


def _tile(panel: LibraryPanel, item: MediaItem) -> tuple[QImage, QRect]:
    view = panel.view
    index = panel.model.index(panel.model.row_of(item.id) or 0)
    view.clearSelection()  # the selection's highlight would tint the tile
    image = view.viewport().grab().toImage()
    return image, view.delegate.thumb_rect(view.visualRect(index))


def _has_colour(image: QImage, area: QRect, wanted: QColor, tolerance: int = 40) -> bool:
    for x in range(area.left(), area.right()):
        for y in range(area.top(), area.bottom()):
            c = image.pixelColor(x, y)
            if (
                abs(c.red() - wanted.red()) < tolerance
                and abs(c.green() - wanted.green()) < tolerance
                and abs(c.blue() - wanted.blue()) < tolerance
            ):
                return True
    return False


def test_colour_labels_rating_and_favourite_are_painted_on_the_tile(
    qtbot: QtBot, panel: LibraryPanel, project: ProjectPaths
) -> None:
    light = _item(panel, "lighthouse.mp4")
    image, thumb = _tile(panel, light)
    stars_corner = QRect(thumb.left() + 4, thumb.bottom() - 18, 50, 18)
    heart_corner = QRect(thumb.right() - 18, thumb.top() + 2, 18, 18)
    yellow, red = QColor("#f5c518"), QColor("#e0445a")
    assert not _has_colour(image, stars_corner, yellow, 20)
    assert not _has_colour(image, heart_corner, red, 20)

    _trigger(panel, [light], "actionColour_Teal")
    _trigger(panel, [light], "actionRate3")
    _trigger(panel, [light], "actionFavourite")
    qtbot.waitUntil(lambda: _item(panel, "lighthouse.mp4").favourite)
    qtbot.waitUntil(lambda: _item(panel, "lighthouse.mp4").colour == "Teal")
    assert _stored(project, light.id).colour == "Teal"
    image, thumb = _tile(panel, _item(panel, "lighthouse.mp4"))
    label = image.pixelColor(thumb.left() + 1, thumb.center().y())
    assert label == QColor(COLOUR_LABELS["Teal"])
    assert _has_colour(image, stars_corner, yellow, 20)
    assert _has_colour(image, heart_corner, red, 20)
    # The column list shows the label as a swatch by the name, the rating and the heart.
    table = panel.pool.table.model()
    row = panel.model.row_of(light.id) or 0
    assert table.index(row, 0).data(Qt.ItemDataRole.DecorationRole) is not None
    assert table.index(row, 7).data() == "★★★☆☆ ♥"
    assert (
        table.index(panel.model.row_of(_item(panel, "desert.mp4").id) or 0, 0).data(
            Qt.ItemDataRole.DecorationRole
        )
        is None
    )

    # The menu shows the label chosen; "No Colour" clears it.
    menu = panel.library_actions.build_menu([_item(panel, "lighthouse.mp4")])
    colours = menu.findChild(QMenu, "colourMenu")
    assert colours is not None
    teal = colours.findChild(QAction, "actionColour_Teal")
    assert teal is not None and teal.isChecked()
    menu.deleteLater()
    _trigger(panel, [_item(panel, "lighthouse.mp4")], "actionColour_none")
    qtbot.waitUntil(lambda: _item(panel, "lighthouse.mp4").colour is None)


def test_f2_edits_the_name_in_place_and_an_empty_name_keeps_the_old_one(
    qtbot: QtBot, panel: LibraryPanel, project: ProjectPaths
) -> None:
    errors: list[str] = []
    panel.error_reported.connect(errors.append)
    light = _item(panel, "lighthouse.mp4")
    panel.view.setCurrentIndex(panel.model.index(panel.model.row_of(light.id) or 0))
    panel.view.setFocus()
    qtbot.keyClick(panel.view, Qt.Key.Key_F2)
    editor = panel.view.findChild(QLineEdit, "libraryNameEditor")
    assert editor is not None and editor.isVisible()
    editor.setText("   ")
    qtbot.keyClick(editor, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: errors == ["A name cannot be empty: type at least one character."])
    qtbot.waitUntil(lambda: panel.view.state() != QAbstractItemView.State.EditingState)
    assert _item(panel, "lighthouse.mp4").display_name == light.display_name

    qtbot.keyClick(panel.view, Qt.Key.Key_F2)
    editor = panel.view.findChild(QLineEdit, "libraryNameEditor")
    assert editor is not None
    editor.setText("Never kept")
    qtbot.keyClick(editor, Qt.Key.Key_Escape)
    qtbot.waitUntil(lambda: panel.view.state() != QAbstractItemView.State.EditingState)
    assert panel.service.pending_tasks() == 0  # Esc wrote nothing
    assert _stored(project, light.id).name == light.name


def test_ctrl_f_puts_the_cursor_in_the_search_field(qtbot: QtBot, panel: LibraryPanel) -> None:
    panel.activateWindow()
    panel.view.setFocus()
    qtbot.waitUntil(lambda: panel.view.hasFocus())
    panel.search.setText("storm")
    qtbot.keyClick(panel.view, Qt.Key.Key_F, Qt.KeyboardModifier.ControlModifier)
    assert panel.search.hasFocus() and panel.search.selectedText() == "storm"
    panel.search.clear()


def test_the_bin_list_refuses_what_is_not_a_library_clip(panel: LibraryPanel) -> None:
    from PySide6.QtCore import QMimeData, QUrl

    mime = QMimeData()
    mime.setUrls([QUrl.fromLocalFile("/tmp/elsewhere.mp4")])
    bins = panel.pool.bin_list
    event = QDropEvent(
        QPointF(bins.visualItemRect(bins.item(1)).center()),
        Qt.DropAction.CopyAction,
        mime,
        Qt.MouseButton.LeftButton,
        Qt.KeyboardModifier.NoModifier,
    )
    bins.dropEvent(event)
    assert not event.isAccepted() and panel.service.pending_tasks() == 0


def test_new_bin_with_these_clips_moves_them_into_it(qtbot: QtBot, panel: LibraryPanel) -> None:
    chosen = [_item(panel, "still.png"), _item(panel, "desert.mp4")]
    _trigger(panel, chosen, "actionMoveToNewBin")
    qtbot.waitUntil(lambda: [b.count for b in panel.pool.bins.bins] == [2])
    assert panel.pool.bins.bins[0].name == "New Bin"
    qtbot.waitUntil(lambda: sum(i.bin_id is not None for i in panel.model.items) == 2)
    moved = {Path(i.path).name for i in panel.model.items if i.bin_id is not None}
    assert moved == {"still.png", "desert.mp4"}
