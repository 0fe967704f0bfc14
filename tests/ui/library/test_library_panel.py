"""The library panel: filters, search, sort, context-menu writes, removal, import, derive."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from PySide6.QtCore import QMimeData, QPoint, QPointF, Qt, QUrl
from PySide6.QtGui import QAction, QDragEnterEvent, QDropEvent, QGuiApplication
from PySide6.QtWidgets import (
    QApplication,
    QFileDialog,
    QLineEdit,
    QMenu,
    QMessageBox,
    QPushButton,
)
from pytestqt.qtbot import QtBot

from qcut_ai.core.media import MediaItem, MediaKind, Origin, ProbeInfo, Provenance
from qcut_ai.core.media_query import PAGE_SIZE
from qcut_ai.core.project import ProjectPaths
from qcut_ai.library.ingest import Library
from qcut_ai.library.media_rows import NewMedia
from qcut_ai.library.project_db import open_project_db
from qcut_ai.library.repository import MediaRepository
from qcut_ai.ui.library.model import BadgesRole
from qcut_ai.ui.library.panel import LibraryPanel


@pytest.fixture
def template(library_template: Path) -> Path:
    return library_template


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


def _stored(project: ProjectPaths, media_id: int) -> MediaItem | None:
    db = open_project_db(project)
    try:
        return MediaRepository(db, project.root).get(media_id)
    finally:
        db.close()


def _trigger(panel: LibraryPanel, item: MediaItem, name: str) -> None:
    menu = panel.library_actions.build_menu([item])
    action = menu.findChild(QAction, name)
    assert action is not None, name
    action.trigger()
    menu.deleteLater()


def test_filters_and_sort_change_what_is_shown(qtbot: QtBot, panel: LibraryPanel) -> None:
    bar = panel.filters
    assert _names(panel) == ["still.png", "desert.mp4", "lighthouse.mp4"]  # newest first
    bar.kind.setCurrentIndex(bar.kind.findData("video"))
    qtbot.waitUntil(lambda: _names(panel) == ["desert.mp4", "lighthouse.mp4"])
    bar.sort.setCurrentIndex(bar.sort.findData("duration"))
    qtbot.waitUntil(lambda: _names(panel) == ["lighthouse.mp4", "desert.mp4"])
    qtbot.waitUntil(lambda: bar.model.findData("Sora 2") >= 0)  # models found in the library
    bar.model.setCurrentIndex(bar.model.findData("Sora 2"))
    qtbot.waitUntil(lambda: _names(panel) == ["desert.mp4"])
    bar.model.setCurrentIndex(0)
    bar.kind.setCurrentIndex(0)
    bar.origin.setCurrentIndex(bar.origin.findData("imported"))
    qtbot.waitUntil(lambda: _names(panel) == ["still.png"])
    bar.origin.setCurrentIndex(bar.origin.findData("ai"))
    bar.sort.setCurrentIndex(bar.sort.findData("name"))
    qtbot.waitUntil(lambda: _names(panel) == ["desert.mp4", "lighthouse.mp4"])
    assert panel.status.text() == "2 items"
    # Best match says which matches it ranks (the newest 1,000 in a large library).
    tip = bar.sort.itemData(bar.sort.findData("rank"), Qt.ItemDataRole.ToolTipRole)
    assert tip == (
        "The most relevant of the newest 1,000 matches first; older matches follow, newest first"
    )


def test_search_finds_by_prompt_and_drops_stale_answers(
    qtbot: QtBot, panel: LibraryPanel, monkeypatch: pytest.MonkeyPatch
) -> None:
    import qcut_ai.library.project_db

    # Searching reuses the query worker's connection: no database open per keystroke.
    opened: list[ProjectPaths] = []
    real_open = qcut_ai.library.project_db.open_project_db

    def counted_open(project: ProjectPaths) -> object:
        opened.append(project)
        return real_open(project)

    monkeypatch.setattr(qcut_ai.library.project_db, "open_project_db", counted_open)
    loaded: list[list[str]] = []
    panel.service.items_loaded.connect(lambda items: loaded.append([i.prompt for i in items]))
    # Typed quickly: one query for the pause, not one per key.
    for text in ("c", "ca", "cam", "camels"):
        panel.search.setText(text)
    qtbot.waitUntil(lambda: _names(panel) == ["desert.mp4"])
    assert loaded == [["camels crossing a desert at dusk"]]
    # Answers to superseded queries are dropped even when they arrive.
    panel.service.refresh("s")
    panel.service.refresh("storm push")
    qtbot.waitUntil(lambda: _names(panel) == ["lighthouse.mp4"])
    assert loaded[1:] == [["a lighthouse in a storm, slow push in"]]
    panel.search.setText("zebra")
    qtbot.waitUntil(lambda: _names(panel) == [])
    assert panel.status.text() == "Nothing matches the search and filters."
    panel.search.clear()
    qtbot.waitUntil(lambda: len(_names(panel)) == 3)
    assert opened == []


def test_menu_rename_tag_rate_favourite_reach_the_database(
    qtbot: QtBot, panel: LibraryPanel, project: ProjectPaths
) -> None:
    item = _item(panel, "lighthouse.mp4")
    # Rename and Edit Tags open an editor in place on the tile (Enter keeps the text).
    _trigger(panel, item, "actionRename")
    editor = panel.view.findChild(QLineEdit, "libraryNameEditor")
    assert editor is not None and editor.text() == item.display_name
    editor.setText("Storm opener")
    qtbot.keyClick(editor, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: _item(panel, "lighthouse.mp4").display_name == "Storm opener")
    assert (_stored(project, item.id) or item).name == "Storm opener"

    _trigger(panel, _item(panel, "lighthouse.mp4"), "actionTags")
    editor = panel.view.findChild(QLineEdit, "libraryTagsEditor")
    assert editor is not None
    editor.setText("coast, night ,")
    qtbot.keyClick(editor, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: _item(panel, "lighthouse.mp4").tags == ["coast", "night"])
    _trigger(panel, _item(panel, "lighthouse.mp4"), "actionRate4")
    _trigger(panel, _item(panel, "lighthouse.mp4"), "actionFavourite")
    qtbot.waitUntil(lambda: _item(panel, "lighthouse.mp4").favourite)
    stored = _stored(project, item.id)
    assert stored is not None and stored.rating == 4 and stored.tags == ["coast", "night"]

    # Quick tag toggles use the library's tags; the filters find what was written.
    qtbot.waitUntil(lambda: "night" in panel.library_actions.known_tags)
    _trigger(panel, _item(panel, "desert.mp4"), "actionTag_night")
    qtbot.waitUntil(lambda: _item(panel, "desert.mp4").tags == ["night"])
    bar = panel.filters
    qtbot.waitUntil(lambda: bar.tag.findData("coast") >= 0)
    bar.tag.setCurrentIndex(bar.tag.findData("night"))
    qtbot.waitUntil(lambda: _names(panel) == ["desert.mp4", "lighthouse.mp4"])
    bar.rating.setCurrentIndex(bar.rating.findData(4))
    qtbot.waitUntil(lambda: _names(panel) == ["lighthouse.mp4"])
    bar.rating.setCurrentIndex(0)
    bar.tag.setCurrentIndex(0)
    bar.favourite.setChecked(True)
    qtbot.waitUntil(lambda: _names(panel) == ["lighthouse.mp4"])


def _answer(panel: LibraryPanel, button: str) -> None:
    box = panel.library_actions.dialog
    assert isinstance(box, QMessageBox)
    found = box.findChild(QPushButton, button)
    assert found is not None
    found.click()


def test_remove_asks_first_then_keeps_or_trashes_the_file(
    qtbot: QtBot,
    panel: LibraryPanel,
    project: ProjectPaths,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "xdg"))
    kling, sora = _item(panel, "lighthouse.mp4"), _item(panel, "desert.mp4")
    panel.view.setCurrentIndex(panel.model.index(panel.model.row_of(kling.id) or 0))
    panel.view.setFocus()
    qtbot.keyClick(panel.view, Qt.Key.Key_Delete)
    box = panel.library_actions.dialog
    assert isinstance(box, QMessageBox)
    box.reject()  # cancelled: nothing changes
    assert _stored(project, kling.id) is not None
    qtbot.keyClick(panel.view, Qt.Key.Key_Delete)
    _answer(panel, "removeKeepFile")
    qtbot.waitUntil(lambda: _names(panel) == ["still.png", "desert.mp4"])
    assert _stored(project, kling.id) is None and Path(kling.path).is_file()

    _trigger(panel, sora, "actionTrash")
    _answer(panel, "removeTrashFile")
    qtbot.waitUntil(lambda: _names(panel) == ["still.png"])
    assert _stored(project, sora.id) is None and not Path(sora.path).exists()


def test_dropped_files_and_folders_are_imported_with_one_error_per_file(
    qtbot: QtBot, panel: LibraryPanel, template: Path, tmp_path: Path
) -> None:
    folder = tmp_path / "drop" / "shoot"
    folder.mkdir(parents=True)
    clip = Path(shutil.copy(template.parent / "raw.mp4", folder / "waves.mp4"))
    (folder / "notes.txt").write_text("not media")  # folders contribute media files only
    broken = tmp_path / "drop" / "broken.mp4"
    broken.write_bytes(b"<html>expired link</html>")
    errors: list[str] = []
    panel.error_reported.connect(errors.append)
    mime = QMimeData()
    mime.setUrls([QUrl.fromLocalFile(str(folder)), QUrl.fromLocalFile(str(broken))])
    args = (
        Qt.DropAction.CopyAction,
        mime,
        Qt.MouseButton.LeftButton,
        Qt.KeyboardModifier.NoModifier,
    )
    enter = QDragEnterEvent(QPoint(20, 20), *args)
    QApplication.sendEvent(panel.view.viewport(), enter)
    assert enter.isAccepted()
    event = QDropEvent(QPointF(20, 20), *args)
    with qtbot.waitSignal(panel.items_imported, timeout=20_000) as imported:
        QApplication.sendEvent(panel.view.viewport(), event)
    assert event.isAccepted()
    assert imported.args is not None and [i.path for i in imported.args[0]] == [str(clip)]
    qtbot.waitUntil(lambda: "waves.mp4" in _names(panel))
    assert errors == ["broken.mp4 is a web page or text document, not a media file."]
    assert not panel.progress.isVisible()
    # Our own drag payload dropped back on the view is not an import.
    own = panel.model.mimeData([panel.model.index(0)])
    assert panel.view.dropped_files(own) == []


def test_import_button_opens_a_file_dialog_and_imports(
    qtbot: QtBot, panel: LibraryPanel, template: Path, tmp_path: Path
) -> None:
    clip = Path(shutil.copy(template.parent / "raw.mp4", tmp_path / "surf.mp4"))
    qtbot.mouseClick(panel.filters.import_button, Qt.MouseButton.LeftButton)
    dialog = panel.library_actions.dialog
    assert isinstance(dialog, QFileDialog) and dialog.objectName() == "importDialog"
    dialog.setDirectory(str(tmp_path))
    dialog.selectFile(str(clip))
    with qtbot.waitSignal(panel.items_imported, timeout=20_000) as imported:
        dialog.accept()
    assert imported.args is not None and [i.path for i in imported.args[0]] == [str(clip)]
    qtbot.waitUntil(lambda: _names(panel)[0] == "surf.mp4")


def test_derive_actions_fit_the_item_kind_and_reach_the_host(
    qtbot: QtBot, panel: LibraryPanel
) -> None:
    def offered(file_name: str) -> list[str]:
        menu: QMenu = panel.library_actions.build_menu([_item(panel, file_name)])
        names = [a.objectName() for a in menu.actions()]
        menu.deleteLater()
        return [n.removeprefix("actionDerive_") for n in names if n.startswith("actionDerive_")]

    clip = ["extend", "continue", "edit", "lipsync", "upscale"]
    assert offered("still.png") == ["animate", "first_frame", "last_frame", "upscale"]
    # Sora's retired remix endpoint is never offered; every clip gets today's actions.
    assert offered("desert.mp4") == [*clip, "regenerate", "regenerate_with"]
    assert offered("lighthouse.mp4") == [*clip, "regenerate", "regenerate_with"]
    still = _item(panel, "still.png")
    with qtbot.waitSignal(panel.derive_requested) as derived:
        _trigger(panel, still, "actionDerive_animate")
    assert derived.args == ["animate", still]
    with qtbot.waitSignal(panel.preview_requested) as preview:
        _trigger(panel, still, "actionPreview")
    assert preview.args == [still]
    sora = _item(panel, "desert.mp4")
    _trigger(panel, sora, "actionCopyPrompt")
    assert QGuiApplication.clipboard().text() == "camels crossing a desert at dusk"
    _trigger(panel, sora, "actionCopyRequestId")
    assert QGuiApplication.clipboard().text() == "req-sora-1"


def test_new_generation_appears_without_a_reload(
    qtbot: QtBot, panel: LibraryPanel, project: ProjectPaths, template: Path, tmp_path: Path
) -> None:
    with Library(project, tmp_path / "thumbs") as lib:
        item = lib.add_generated(
            Path(shutil.copy(template.parent / "raw.mp4", project.media / "new.mp4")),
            Provenance(
                endpoint="fal-ai/veo3",
                model_id="veo-3",
                model_name="Veo 3",
                request_id="req-veo-1",
                prompt="rain on a tin roof",
            ),
        )
    loaded: list[object] = []
    panel.service.items_loaded.connect(loaded.append)
    panel.add_item(item)
    assert _names(panel)[0] == "new.mp4" and loaded == []
    qtbot.waitUntil(lambda: panel.filters.model.findData("Veo 3") >= 0)


def _big_library(root: Path, count: int) -> tuple[ProjectPaths, MediaRepository]:
    """`count` clips, one a second; every other one is a storm. The caller closes repo.db."""
    project = ProjectPaths.at(root).ensure()
    rows = []
    for n in range(count):
        path = project.media / f"clip {n:03d}.mp4"
        path.write_bytes(b"")  # present: the file check leaves it alone
        rows.append(
            NewMedia(
                path=path,
                probe=ProbeInfo(kind=MediaKind.VIDEO, duration=1.0 + n % 7),
                origin=Origin.AI,
                provenance=Provenance(
                    endpoint="fal-ai/veo3",
                    model_id="veo-3",
                    model_name="Veo 3",
                    request_id=f"req-{n}",
                    # Storms repeat the word 1-3 times: best match differs from newest.
                    prompt=f"{'storm ' * (1 + n % 3) if n % 2 else 'calm '}sea, take {n}",
                ),
                created_at=f"2026-03-01T10:{n // 60:02d}:{n % 60:02d}.000Z",
            )
        )
    repo = MediaRepository(open_project_db(project), project.root)
    repo.add_many(rows)
    return project, repo


def _ids(panel: LibraryPanel) -> list[int]:
    return [i.id for i in panel.model.items]


def _wait_for_ids(qtbot: QtBot, panel: LibraryPanel, ids: list[int]) -> None:
    qtbot.waitUntil(lambda: _ids(panel) == ids)


def _scroll_to_the_end(qtbot: QtBot, panel: LibraryPanel) -> None:
    """Scroll down as a user would until nothing more comes."""
    while True:
        shown = panel.model.rowCount()
        panel.view.scrollToBottom()
        qtbot.waitUntil(lambda: panel.service.pending_tasks() == 0)
        if panel.model.rowCount() == shown:
            return


def test_a_large_library_opens_on_its_newest_page_and_scrolling_brings_the_rest(
    qtbot: QtBot, tmp_path: Path
) -> None:
    project, repo = _big_library(tmp_path / "Big", 2 * PAGE_SIZE + 45)
    try:
        newest = [i.id for i in repo.list_recent(limit=1000)]
        storms = [i.id for i in repo.search("storm", limit=1000, sort="newest")]
        best = [i.id for i in repo.search("storm sea", limit=1000, sort="rank")]
        by_duration = [i.id for i in repo.list_recent(limit=1000, sort="duration")]
    finally:
        repo.db.close()
    panel = LibraryPanel()
    qtbot.addWidget(panel)
    panel.resize(640, 560)
    panel.show()
    panel.open(project)
    try:
        qtbot.waitUntil(lambda: panel.service.pending_tasks() == 0 and panel.model.rowCount() > 0)
        # The first screen: the newest items, a page of them and no more until asked.
        assert _ids(panel) == newest[:PAGE_SIZE]
        assert panel.status.text() == f"{PAGE_SIZE}+ items"
        panel.view.setCurrentIndex(panel.model.index(4))
        selected = panel.view.selected_items()
        _scroll_to_the_end(qtbot, panel)
        assert _ids(panel) == newest
        assert panel.status.text() == f"{len(newest)} items"
        # Scrolling kept the selection; the rows that came later drag like the first.
        assert panel.view.selected_items() == selected
        far = panel.model.index(len(newest) - 1)
        assert panel.model.flags(far) & Qt.ItemFlag.ItemIsDragEnabled
        assert panel.model.mimeData([far]).urls()[0].toLocalFile().endswith("clip 000.mp4")

        # Search, sort and filters page the same way, each from its first page.
        bar = panel.filters
        for text, sort, wanted in (
            ("storm", "newest", storms),
            ("storm sea", "rank", best),
            ("", "duration", by_duration),
        ):
            panel.view.scrollToTop()
            bar.sort.setCurrentIndex(bar.sort.findData(sort))
            panel.search.setText(text)
            qtbot.keyClick(panel.search, Qt.Key.Key_Return)
            _wait_for_ids(qtbot, panel, wanted[:PAGE_SIZE])
            _scroll_to_the_end(qtbot, panel)
            assert _ids(panel) == wanted
        assert best != storms
    finally:
        panel.shutdown()


def test_a_reload_keeps_the_rows_already_scrolled_to(qtbot: QtBot, tmp_path: Path) -> None:
    project, repo = _big_library(tmp_path / "Big", PAGE_SIZE + 30)
    repo.db.close()
    panel = LibraryPanel()
    qtbot.addWidget(panel)
    panel.resize(640, 560)
    panel.show()
    panel.open(project)
    try:
        qtbot.waitUntil(lambda: panel.service.pending_tasks() == 0 and panel.model.rowCount() > 0)
        _scroll_to_the_end(qtbot, panel)
        assert panel.model.rowCount() == PAGE_SIZE + 30
        last = panel.model.items[-1]
        panel.view.scrollToTop()
        # A file vanishes; the next check flags it and the reload keeps every row shown.
        Path(last.path).unlink()
        panel.service.check_missing()
        qtbot.waitUntil(lambda: panel.model.items[-1].missing)
        assert panel.model.rowCount() == PAGE_SIZE + 30
        assert "Missing" in panel.model.index(PAGE_SIZE + 29).data(BadgesRole)
    finally:
        panel.shutdown()
