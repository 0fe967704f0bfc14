"""Importing a folder from the library panel: progress while it runs, Cancel, filmstrips after."""

from __future__ import annotations

import shutil
from pathlib import Path

from pytestqt.qtbot import QtBot

from qcut_ai.core.project import ProjectPaths
from qcut_ai.library.project_db import open_project_db
from qcut_ai.ui.library.panel import LibraryPanel


def _folder(template: Path, tmp_path: Path, count: int) -> Path:
    folder = tmp_path / "shoot"
    folder.mkdir()
    for i in range(count):
        shutil.copy(template.parent / "raw.mp4", folder / f"take_{i:03d}.mp4")
    return folder


def _stored_names(project: ProjectPaths) -> set[str]:
    db = open_project_db(project)
    try:
        return {Path(row[0]).name for row in db.conn.execute("SELECT path FROM media")}
    finally:
        db.close()


def test_folder_import_shows_progress_then_lists_every_clip_with_a_filmstrip(
    qtbot: QtBot, library_panel: LibraryPanel, library_template: Path, tmp_path: Path
) -> None:
    panel = library_panel
    folder = _folder(library_template, tmp_path, 6)
    shown: list[tuple[int, int, bool]] = []
    panel.service.import_progress.connect(
        lambda done, total: shown.append((done, total, panel.progress.isVisible()))
    )
    with qtbot.waitSignal(panel.items_imported, timeout=30_000) as imported:
        panel.import_paths([folder])
    assert imported.args is not None and len(imported.args[0]) == 6
    assert shown and all(visible for _d, _t, visible in shown)
    assert shown[-1][:2] == (6, 6)
    assert not panel.import_bar.isVisible()
    takes = lambda: [i for i in panel.model.items if i.path.startswith(str(folder))]  # noqa: E731
    qtbot.waitUntil(lambda: len(takes()) == 6, timeout=10_000)
    # The filmstrips (hover scrubbing) follow the rows.
    qtbot.waitUntil(lambda: all(i.filmstrip and i.thumbnail for i in takes()), timeout=30_000)
    qtbot.waitUntil(lambda: panel.service.pending_tasks() == 0, timeout=30_000)


def test_cancel_stops_the_import_and_keeps_the_clips_already_imported(
    qtbot: QtBot,
    library_panel: LibraryPanel,
    library_project: ProjectPaths,
    library_template: Path,
    tmp_path: Path,
) -> None:
    panel = library_panel
    count = 80
    folder = _folder(library_template, tmp_path, count)

    def cancel_once_under_way(done: int, _total: int) -> None:
        if done > 0 and panel.import_bar.cancel.isEnabled():
            panel.import_bar.cancel.click()

    panel.service.import_progress.connect(cancel_once_under_way)
    with qtbot.waitSignal(panel.items_imported, timeout=30_000) as imported:
        panel.import_paths([folder])
    assert imported.args is not None
    kept = {Path(i.path).name for i in imported.args[0]}
    assert 0 < len(kept) < count
    assert not panel.import_bar.isVisible()
    # What the import reported is exactly what the library holds of the folder.
    assert {n for n in _stored_names(library_project) if n.startswith("take_")} == kept
    qtbot.waitUntil(lambda: panel.service.pending_tasks() == 0, timeout=30_000)
