"""The library grid: thumbnails, hover scrubbing, badges, keyboard, drag payload, details."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from PySide6.QtCore import QEvent, QPoint, Qt
from PySide6.QtGui import QImage
from PySide6.QtWidgets import QApplication, QLineEdit, QListView
from pytestqt.qtbot import QtBot

from qcut_ai.core.media import MediaItem
from qcut_ai.core.project import ProjectPaths
from qcut_ai.ui.library.model import BadgesRole
from qcut_ai.ui.library.panel import LibraryPanel
from qcut_ai.ui.library.tile import LIST_THUMB
from qcut_ai.ui.mime import MEDIA_MIME


@pytest.fixture
def template(library_template: Path) -> Path:
    return library_template


@pytest.fixture
def panel(library_panel: LibraryPanel) -> LibraryPanel:
    return library_panel


def _row(panel: LibraryPanel, file_name: str) -> int:
    return next(r for r, i in enumerate(panel.model.items) if Path(i.path).name == file_name)


def _item(panel: LibraryPanel, file_name: str) -> MediaItem:
    return panel.model.items[_row(panel, file_name)]


def _select(panel: LibraryPanel, file_name: str) -> None:
    index = panel.model.index(_row(panel, file_name))
    panel.view.setCurrentIndex(index)
    panel.view.setFocus()


def test_grid_shows_display_names_badges_and_lazy_thumbnails(
    qtbot: QtBot, panel: LibraryPanel
) -> None:
    model = panel.model
    index = model.index(_row(panel, "lighthouse.mp4"))
    assert index.data() == "AI (Kling 2.5 Turbo Pro): a lighthouse in a storm, slow push in"
    assert index.data(BadgesRole) == ["0:01", "Kling 2.5 Turbo Pro"]
    assert "req-light-1" in index.data(Qt.ItemDataRole.ToolTipRole)
    # Painting the visible rows asked the workers for their posters.
    item = _item(panel, "lighthouse.mp4")
    qtbot.waitUntil(lambda: model.pixmap(item.thumbnail) is not None)
    pixmap = model.pixmap(item.thumbnail)
    assert pixmap is not None and pixmap.devicePixelRatio() == panel.devicePixelRatioF()
    assert panel.view.uniformItemSizes()


def test_hover_scrubs_through_the_filmstrip(qtbot: QtBot, panel: LibraryPanel) -> None:
    view, row = panel.view, _row(panel, "lighthouse.mp4")
    thumb = view.delegate.thumb_rect(view.visualRect(panel.model.index(row)))

    def shown() -> QImage:
        return view.viewport().grab(thumb).toImage()

    assert view.scrub_frame(row) is None  # the poster until the cursor comes
    qtbot.mouseMove(view.viewport(), QPoint(thumb.left() + 4, thumb.center().y()))
    qtbot.waitUntil(lambda: view.scrub_frame(row) is not None)
    scrub = view.scrub_frame(row)
    assert scrub is not None and scrub[1:] == (0, 10)
    first = shown()
    qtbot.mouseMove(view.viewport(), QPoint(thumb.right() - 4, thumb.center().y()))
    qtbot.waitUntil(lambda: (view.scrub_frame(row) or (None, 0))[1] == 9)
    assert shown() != first
    QApplication.sendEvent(view.viewport(), QEvent(QEvent.Type.Leave))
    assert view.scrub_frame(row) is None


def test_drag_payload_carries_ready_items(qtbot: QtBot, panel: LibraryPanel) -> None:
    model = panel.model
    rows = [_row(panel, "lighthouse.mp4"), _row(panel, "desert.mp4")]
    mime = model.mimeData([model.index(r) for r in rows])
    payload = json.loads(bytes(mime.data(MEDIA_MIME).data()))
    wanted = [model.items[r] for r in sorted(rows)]
    assert payload["version"] == 1
    assert [i["id"] for i in payload["items"]] == [i.id for i in wanted]
    assert [i["duration"] for i in payload["items"]] == [i.probe.duration for i in wanted]
    assert [u.toLocalFile() for u in mime.urls()] == [i.path for i in wanted]
    assert model.flags(model.index(rows[0])) & Qt.ItemFlag.ItemIsDragEnabled


def test_missing_file_shows_a_badge_cannot_be_dragged_and_relinks(
    qtbot: QtBot, template: Path, tmp_path: Path
) -> None:
    root = Path(shutil.copytree(template, tmp_path / "Project"))
    moved = tmp_path / "Moved"
    moved.mkdir()
    shutil.move(root / "media" / "desert.mp4", moved / "desert.mp4")
    panel = LibraryPanel()
    qtbot.addWidget(panel)
    panel.show()
    pages: list[list[MediaItem]] = []
    panel.service.items_loaded.connect(pages.append)
    panel.open(ProjectPaths.at(root))
    try:
        qtbot.waitUntil(lambda: panel.model.rowCount() == 3 and _item(panel, "desert.mp4").missing)
        # The first page is shown before the files are checked; the badge follows.
        assert not any(i.missing for i in pages[0])
        assert any(i.missing for i in pages[-1])
        index = panel.model.index(_row(panel, "desert.mp4"))
        assert "Missing" in index.data(BadgesRole)
        assert not panel.model.flags(index) & Qt.ItemFlag.ItemIsDragEnabled
        assert panel.model.mimeData([index]).urls() == []
        menu = panel.library_actions.build_menu([_item(panel, "desert.mp4")])
        relink = menu.findChild(type(menu.actions()[0]), "actionRelink")
        assert relink is not None
        relink.trigger()
        dialog = panel.library_actions.dialog
        assert dialog is not None and dialog.objectName() == "relinkDialog"
        dialog.setDirectory(str(moved))  # type: ignore[attr-defined]
        dialog.accept()
        qtbot.waitUntil(lambda: not _item(panel, "desert.mp4").missing)
        assert _item(panel, "desert.mp4").path == str(moved / "desert.mp4")
        assert "Missing" not in panel.model.index(_row(panel, "desert.mp4")).data(BadgesRole)
    finally:
        panel.shutdown()


def test_keyboard_space_previews_f2_renames_delete_asks(qtbot: QtBot, panel: LibraryPanel) -> None:
    _select(panel, "lighthouse.mp4")
    with qtbot.waitSignal(panel.preview_requested) as preview:
        qtbot.keyClick(panel.view, Qt.Key.Key_Space)
    assert preview.args is not None and Path(preview.args[0].path).name == "lighthouse.mp4"
    qtbot.keyClick(panel.view, Qt.Key.Key_F2)
    editor = panel.view.findChild(QLineEdit, "libraryNameEditor")
    assert editor is not None and editor.text().startswith("AI (Kling 2.5 Turbo Pro)")
    qtbot.keyClick(editor, Qt.Key.Key_Escape)
    qtbot.keyClick(panel.view, Qt.Key.Key_Delete)
    box = panel.library_actions.dialog
    assert box is not None and box.objectName() == "removeDialog"
    box.reject()
    assert panel.model.rowCount() == 3


def test_list_mode_and_details_pane(qtbot: QtBot, panel: LibraryPanel) -> None:
    qtbot.mouseClick(panel.filters.list_button, Qt.MouseButton.LeftButton)
    view = panel.view
    assert view.viewMode() == QListView.ViewMode.ListMode and view.mode == "list"
    assert view.visualRect(panel.model.index(0)).height() == LIST_THUMB.height() + 8
    with qtbot.waitSignal(panel.item_selected) as selected:
        _select(panel, "lighthouse.mp4")
    assert selected.args is not None and selected.args[0].request_id == "req-light-1"
    text = panel.details.text()
    for line in (
        "Prompt: a lighthouse in a storm, slow push in",
        "Model: Kling 2.5 Turbo Pro",
        "Endpoint: fal-ai/kling-video/v2.5-turbo/pro/text-to-video",
        "Request ID: req-light-1",
        "Estimated cost: $0.35",
        "Seed: 7",
        "Aspect ratio: 16:9",
    ):
        assert line in text
    _select(panel, "still.png")
    assert "Origin: Imported from disk" in panel.details.text()
    qtbot.mouseClick(panel.filters.grid_button, Qt.MouseButton.LeftButton)
    assert view.viewMode() == QListView.ViewMode.IconMode
    # Switching modes keeps both drag to the timeline and drop from the file manager.
    assert view.dragEnabled() and view.viewport().acceptDrops()
