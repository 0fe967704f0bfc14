"""Scrolling a long library continues from the last row shown, whatever changed above it."""

from __future__ import annotations

from pathlib import Path

from pytestqt.qtbot import QtBot

from qcut_ai.core.media import MediaKind, ProbeInfo
from qcut_ai.core.media_query import PAGE_SIZE, MediaQuery
from qcut_ai.core.project import ProjectPaths
from qcut_ai.library.media_rows import NewMedia
from qcut_ai.library.project_db import open_project_db
from qcut_ai.library.repository import MediaRepository
from qcut_ai.ui.library.panel import LibraryPanel


def _clip(project: ProjectPaths, n: int, created: str) -> NewMedia:
    path = project.media / f"clip {n:03d}.mp4"
    path.write_bytes(b"")  # present: the file check leaves it alone
    return NewMedia(
        path=path, probe=ProbeInfo(kind=MediaKind.VIDEO, duration=1.0), created_at=created
    )


def _library(root: Path, count: int) -> ProjectPaths:
    """`count` clips; every fifth shares its second with the one before (ties on date)."""
    project = ProjectPaths.at(root).ensure()
    db = open_project_db(project)
    try:
        stamps = [n - (n % 5 == 1) for n in range(count)]
        MediaRepository(db, project.root).add_many(
            [
                _clip(project, n, f"2026-03-01T10:{s // 60:02d}:{s % 60:02d}.000Z")
                for n, s in enumerate(stamps)
            ]
        )
    finally:
        db.close()
    return project


def _scroll_to_the_end(qtbot: QtBot, panel: LibraryPanel) -> None:
    while True:
        shown = panel.model.rowCount()
        panel.view.scrollToBottom()
        qtbot.waitUntil(lambda: panel.service.pending_tasks() == 0)
        if panel.model.rowCount() == shown:
            return


def test_rows_removed_elsewhere_above_the_fold_do_not_hide_the_next_page(
    qtbot: QtBot, tmp_path: Path
) -> None:
    project = _library(tmp_path / "Long", 2 * PAGE_SIZE + 30)
    panel = LibraryPanel()
    qtbot.addWidget(panel)
    panel.resize(640, 560)
    panel.show()
    panel.open(project)
    try:
        qtbot.waitUntil(lambda: panel.service.pending_tasks() == 0 and panel.model.rowCount() > 0)
        first_page = [i.id for i in panel.model.items]
        assert len(first_page) == PAGE_SIZE
        # Another process (a `qcut-ai library remove`) forgets ten of the rows on screen.
        db = open_project_db(project)
        try:
            repo = MediaRepository(db, project.root)
            for media_id in first_page[10:20]:
                repo.remove(media_id)
            rest = [i.id for i in repo.list_recent(limit=1000)][PAGE_SIZE - 10 :]
        finally:
            db.close()
        _scroll_to_the_end(qtbot, panel)
        shown = [i.id for i in panel.model.items]
        # Every row after the first page came, once, in order: none skipped.
        assert shown[PAGE_SIZE:] == rest
        assert len(set(shown)) == len(shown)
    finally:
        panel.shutdown()


def test_paging_after_a_row_gives_what_paging_by_offset_gives(tmp_path: Path) -> None:
    project = _library(tmp_path / "Ties", 3 * PAGE_SIZE + 7)
    db = open_project_db(project)
    try:
        repo = MediaRepository(db, project.root)
        for sort in ("newest", "oldest"):
            query = MediaQuery(sort=sort, limit=PAGE_SIZE)
            by_offset = [i.id for i in repo.find(query.with_(limit=10_000))]
            pages = repo.find(query)
            while True:
                page = repo.find(query, after=pages[-1])
                if not page:
                    break
                pages += page
            assert [i.id for i in pages] == by_offset, sort
    finally:
        db.close()


def test_a_damaged_library_is_still_reported_when_the_first_page_skips_the_check(
    qtbot: QtBot, tmp_path: Path
) -> None:
    project = _library(tmp_path / "Damaged", 200)
    data = bytearray(project.database.read_bytes())
    for i in range(4096 * 2, len(data) - 4096, 3):  # scribble over pages past the header
        data[i] = 0xAB
    project.database.write_bytes(bytes(data))  # no connection is open
    panel = LibraryPanel()
    qtbot.addWidget(panel)
    failures: list[str] = []
    panel.service.failed.connect(failures.append)
    panel.open(project)
    try:
        qtbot.waitUntil(lambda: any("damaged" in text for text in failures), timeout=10_000)
    finally:
        panel.shutdown()
