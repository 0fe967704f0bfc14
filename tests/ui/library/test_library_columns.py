"""The list with columns, the tile-size slider (both remembered per user) and Export…."""

from __future__ import annotations

from pathlib import Path

import opentimelineio as otio
import pytest
from PySide6.QtCore import QPoint, Qt
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QFileDialog, QMessageBox
from pytestqt.qtbot import QtBot

from qcut_ai.core.media import MediaItem
from qcut_ai.core.project import ProjectPaths
from qcut_ai.jobs.library_export import export_formats
from qcut_ai.services.settings_store import SettingsStore
from qcut_ai.ui.library.panel import LibraryPanel
from qcut_ai.ui.library.table import COLUMNS
from qcut_ai.ui.mime import MEDIA_MIME


@pytest.fixture
def project(library_project: ProjectPaths) -> ProjectPaths:
    return library_project


@pytest.fixture
def panel(library_panel: LibraryPanel) -> LibraryPanel:
    return library_panel


def _names(panel: LibraryPanel) -> list[str]:
    return [Path(i.path).name for i in panel.model.items]


def _column(title: str) -> int:
    return next(n for n, (t, _) in enumerate(COLUMNS) if t == title)


def _click_header(qtbot: QtBot, panel: LibraryPanel, title: str) -> None:
    header = panel.pool.table.horizontalHeader()
    x = header.sectionViewportPosition(_column(title)) + 5
    qtbot.mouseClick(header.viewport(), Qt.MouseButton.LeftButton, pos=QPoint(x, 5))


def _open_panel(qtbot: QtBot, project: ProjectPaths) -> LibraryPanel:
    panel = LibraryPanel()
    qtbot.addWidget(panel)
    panel.resize(900, 560)
    panel.show()
    panel.open(project)
    qtbot.waitUntil(lambda: panel.model.rowCount() == 3 and panel.service.pending_tasks() == 0)
    return panel


def test_the_column_list_sorts_by_a_header_click_in_the_query(
    qtbot: QtBot, panel: LibraryPanel
) -> None:
    qtbot.mouseClick(panel.filters.table_button, Qt.MouseButton.LeftButton)
    table = panel.pool.table
    assert panel.pool.views.currentWidget() is table and not panel.pool.slider.isVisible()
    model = table.model()
    titles = [model.headerData(n, Qt.Orientation.Horizontal) for n in range(model.columnCount())]
    assert titles == [
        *("Name", "Duration", "Resolution", "FPS", "Codec"),
        *("Model", "Cost", "Rating", "Created"),
    ]
    row = panel.model.row_of(next(i.id for i in panel.model.items if "lighthouse" in i.path))
    assert row is not None
    cells = [model.index(row, n).data() for n in range(model.columnCount())]
    assert cells[1:8] == ["0:01", "160×90", "25", "h264", "Kling 2.5 Turbo Pro", "$0.35", ""]

    _click_header(qtbot, panel, "Duration")
    qtbot.waitUntil(lambda: _names(panel) == ["lighthouse.mp4", "desert.mp4", "still.png"])
    assert (panel.service.query.sort, panel.service.query.descending) == ("duration", False)
    _click_header(qtbot, panel, "Duration")
    qtbot.waitUntil(lambda: _names(panel) == ["desert.mp4", "lighthouse.mp4", "still.png"])
    assert panel.service.query.descending
    _click_header(qtbot, panel, "Model")
    qtbot.waitUntil(lambda: panel.service.query.sort == "model")

    # The bar's Sort takes over again when chosen.
    bar = panel.filters
    bar.sort.setCurrentIndex(bar.sort.findData("name"))
    bar.sort.activated.emit(bar.sort.currentIndex())
    qtbot.waitUntil(lambda: panel.service.query.sort == "name")
    assert table.horizontalHeader().sortIndicatorSection() == -1

    # Rows drag out with the timeline's payload, as from the grid.
    rows = [model.index(0, 0)]
    assert model.mimeData(rows).hasFormat(MEDIA_MIME)


def test_column_widths_order_and_tile_size_are_remembered(
    qtbot: QtBot, panel: LibraryPanel, project: ProjectPaths
) -> None:
    qtbot.mouseClick(panel.filters.table_button, Qt.MouseButton.LeftButton)
    header = panel.pool.table.horizontalHeader()
    header.resizeSection(_column("Model"), 260)
    header.moveSection(header.visualIndex(_column("Codec")), 1)
    with qtbot.waitSignal(panel.pool.prefs.saved):
        panel.pool.save_columns()
    qtbot.mouseClick(panel.filters.grid_button, Qt.MouseButton.LeftButton)
    assert panel.pool.slider.isVisible()
    before = panel.view.gridSize().width()
    with qtbot.waitSignal(panel.pool.prefs.saved):
        panel.pool.slider.setValue(240)
    assert panel.view.gridSize().width() > before
    assert panel.model.thumb_size.width() == 240  # posters decoded again for bigger tiles
    assert SettingsStore().load().library_view["thumb_width"] == 240

    again = _open_panel(qtbot, project)
    try:
        qtbot.waitUntil(lambda: again.pool.slider.value() == 240)
        assert again.view.gridSize().width() == panel.view.gridSize().width()
        other = again.pool.table.horizontalHeader()
        qtbot.waitUntil(lambda: other.sectionSize(_column("Model")) == 260)
        assert other.visualIndex(_column("Codec")) == 1
    finally:
        again.shutdown()


def _item(panel: LibraryPanel, file_name: str) -> MediaItem:
    return next(i for i in panel.model.items if Path(i.path).name == file_name)


def test_export_writes_the_selection_in_a_worker_and_says_what_it_wrote(
    qtbot: QtBot, panel: LibraryPanel, tmp_path: Path
) -> None:
    chosen = [_item(panel, "desert.mp4"), _item(panel, "lighthouse.mp4")]
    menu = panel.library_actions.build_menu(chosen)
    action = menu.findChild(QAction, "actionExport")
    assert action is not None
    action.trigger()
    dialog = panel.pool.menu.dialog
    assert isinstance(dialog, QFileDialog)
    assert dialog.nameFilters() == [f.name_filter for f in export_formats()]
    dialog.reject()
    menu.deleteLater()

    out = tmp_path / "cut.otio"
    with qtbot.waitSignal(panel.pool.menu.export_finished) as finished:
        panel.pool.menu.export([i.id for i in chosen], out, export_formats()[0].name_filter)
    assert finished.args is not None and finished.args[0].error is None
    timeline = otio.adapters.read_from_file(str(out))
    names = [Path(c.media_reference.target_url).name for c in timeline.video_tracks()[0]]
    assert names == ["desert.mp4", "lighthouse.mp4"]
    box = panel.findChild(QMessageBox, "exportDone")
    assert box is not None and "Wrote 2 clip(s)" in box.text()
    box.close()


def test_an_export_that_cannot_be_written_is_one_sentence(
    qtbot: QtBot, panel: LibraryPanel, tmp_path: Path
) -> None:
    errors: list[str] = []
    panel.error_reported.connect(errors.append)
    (tmp_path / "a-file").write_text("x")
    out = tmp_path / "a-file" / "cut.edl"  # its folder is a file
    with qtbot.waitSignal(panel.pool.menu.export_finished):
        panel.pool.menu.export([panel.model.items[0].id], out, "")
    assert len(errors) == 1 and errors[0].endswith(".")
    assert not out.exists()


def test_a_large_library_sorts_by_column_a_page_at_a_time(qtbot: QtBot, tmp_path: Path) -> None:
    from qcut_ai.core.media_query import PAGE_SIZE, MediaQuery
    from tests.ui.library.test_library_panel import _big_library

    big, repo = _big_library(tmp_path / "Big", PAGE_SIZE + 30)
    try:
        longest_first = [
            i.id for i in repo.find(MediaQuery(sort="duration", descending=True, limit=1000))
        ]
    finally:
        repo.db.close()
    panel = _open_panel_at(qtbot, big)
    try:
        qtbot.mouseClick(panel.filters.table_button, Qt.MouseButton.LeftButton)
        _click_header(qtbot, panel, "Duration")
        _click_header(qtbot, panel, "Duration")
        qtbot.waitUntil(
            lambda: panel.service.query.descending and panel.service.pending_tasks() == 0
        )
        # Only the first page is held, already in the library's order for all rows.
        assert [i.id for i in panel.model.items] == longest_first[:PAGE_SIZE]
        table = panel.pool.table
        while panel.model.rowCount() < len(longest_first):
            shown = panel.model.rowCount()
            table.scrollToBottom()
            qtbot.waitUntil(lambda: panel.service.pending_tasks() == 0)
            if panel.model.rowCount() == shown:
                break
        assert [i.id for i in panel.model.items] == longest_first
    finally:
        panel.shutdown()


def _open_panel_at(qtbot: QtBot, project: ProjectPaths) -> LibraryPanel:
    panel = LibraryPanel()
    qtbot.addWidget(panel)
    panel.resize(900, 560)
    panel.show()
    panel.open(project)
    qtbot.waitUntil(lambda: panel.model.rowCount() > 0 and panel.service.pending_tasks() == 0)
    return panel


def test_export_shows_the_warning_of_each_clip(
    qtbot: QtBot, panel: LibraryPanel, tmp_path: Path
) -> None:
    desert = _item(panel, "desert.mp4")
    Path(desert.path).unlink()  # moved away since the library last looked
    out = tmp_path / "cut.edl"
    with qtbot.waitSignal(panel.pool.menu.export_finished) as finished:
        panel.pool.menu.export([desert.id, _item(panel, "lighthouse.mp4").id], out, "")
    assert finished.args is not None
    outcome = finished.args[0]
    assert outcome.error is None and out.is_file() and outcome.clips == 2
    # One sentence per clip: the missing file, and the EDL's 8-character reel.
    assert any("desert.mp4 is missing" in n for n in outcome.notes)
    assert any("its reel is" in n for n in outcome.notes)
    box = panel.findChild(QMessageBox, "exportDone")
    assert box is not None and box.informativeText().splitlines() == outcome.notes
    box.close()


def test_the_column_list_keeps_its_selection_when_the_rows_reload(
    qtbot: QtBot, panel: LibraryPanel
) -> None:
    qtbot.mouseClick(panel.filters.table_button, Qt.MouseButton.LeftButton)
    table = panel.pool.table
    desert = _item(panel, "desert.mp4")
    table.selectRow(panel.model.row_of(desert.id) or 0)
    assert table.selected_items() == [desert]
    assert panel.details.item is not None and panel.details.item.id == desert.id
    _click_header(qtbot, panel, "Name")
    qtbot.waitUntil(
        lambda: panel.service.query.sort == "name" and panel.service.pending_tasks() == 0
    )
    assert [i.id for i in table.selected_items()] == [desert.id]
