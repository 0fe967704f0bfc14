"""A folder import describes its files in worker processes, and leaves none behind:
not when it finishes, not when it is cancelled, not when the window closes meanwhile."""

from __future__ import annotations

import multiprocessing
import os
import shutil
from pathlib import Path

from pytestqt.qtbot import QtBot

from qcut_ai.ui.library.panel import LibraryPanel


def _folder(template: Path, tmp_path: Path, count: int) -> Path:
    folder = tmp_path / "shoot"
    folder.mkdir()
    for i in range(count):
        shutil.copy(template.parent / "raw.mp4", folder / f"take_{i:03d}.mp4")
    return folder


def _watch_workers(panel: LibraryPanel, niceness: list[int] | None = None) -> list[int]:
    """How many worker processes were alive at each progress report (and their niceness)."""
    seen: list[int] = []

    def look(_done: int, _total: int) -> None:
        workers = multiprocessing.active_children()
        seen.append(len(workers))
        if niceness is not None:
            niceness.extend(os.getpriority(os.PRIO_PROCESS, w.pid or 0) for w in workers)

    panel.service.import_progress.connect(look)
    return seen


def test_an_import_describes_in_worker_processes_gone_once_it_finishes(
    qtbot: QtBot, library_panel: LibraryPanel, library_template: Path, tmp_path: Path
) -> None:
    panel = library_panel
    niceness: list[int] = []
    seen = _watch_workers(panel, niceness)
    folder = _folder(library_template, tmp_path, 40)
    with qtbot.waitSignal(panel.items_imported, timeout=60_000) as imported:
        panel.import_paths([folder])
    assert imported.args is not None and len(imported.args[0]) == 40
    assert max(seen) > 0  # the files were described in other processes
    # ... that give way to the window's process when both want the CPU.
    assert niceness and max(niceness) > os.getpriority(os.PRIO_PROCESS, 0)
    assert multiprocessing.active_children() == []
    qtbot.waitUntil(lambda: panel.service.pending_tasks() == 0, timeout=30_000)


def test_cancel_stops_the_worker_processes(
    qtbot: QtBot, library_panel: LibraryPanel, library_template: Path, tmp_path: Path
) -> None:
    panel = library_panel
    seen = _watch_workers(panel)
    folder = _folder(library_template, tmp_path, 200)

    def cancel_once_under_way(done: int, _total: int) -> None:
        if done > 0 and panel.import_bar.cancel.isEnabled():
            panel.import_bar.cancel.click()

    panel.service.import_progress.connect(cancel_once_under_way)
    with qtbot.waitSignal(panel.items_imported, timeout=60_000) as imported:
        panel.import_paths([folder])
    assert imported.args is not None and 0 < len(imported.args[0]) < 200
    assert max(seen) > 0
    qtbot.waitUntil(lambda: multiprocessing.active_children() == [], timeout=10_000)
    qtbot.waitUntil(lambda: panel.service.pending_tasks() == 0, timeout=30_000)


def test_closing_the_panel_during_an_import_stops_the_worker_processes(
    qtbot: QtBot, library_panel: LibraryPanel, library_template: Path, tmp_path: Path
) -> None:
    panel = library_panel
    seen = _watch_workers(panel)
    folder = _folder(library_template, tmp_path, 200)
    panel.import_paths([folder])
    qtbot.waitUntil(lambda: bool(seen) and max(seen) > 0, timeout=30_000)
    panel.shutdown()  # what the window does when it closes
    qtbot.waitUntil(lambda: multiprocessing.active_children() == [], timeout=10_000)
    qtbot.waitUntil(lambda: panel.service.pending_tasks() == 0, timeout=30_000)


def test_a_damaged_file_among_good_ones_gets_one_sentence_and_the_others_land(
    qtbot: QtBot, library_panel: LibraryPanel, library_template: Path, tmp_path: Path
) -> None:
    panel = library_panel
    folder = _folder(library_template, tmp_path, 6)
    good = (folder / "take_000.mp4").read_bytes()
    (folder / "take_003.mp4").write_bytes(good[: len(good) // 3])  # a cut-off copy
    reported: list[str] = []
    panel.error_reported.connect(reported.append)
    with qtbot.waitSignal(panel.items_imported, timeout=60_000) as imported:
        panel.import_paths([folder])
    assert imported.args is not None
    assert sorted(Path(i.path).name for i in imported.args[0]) == [
        f"take_{i:03d}.mp4" for i in (0, 1, 2, 4, 5)
    ]
    assert len(reported) == 1 and "take_003.mp4" in reported[0]
    assert reported[0].count(". ") == 0 and reported[0].endswith(".")
    qtbot.waitUntil(lambda: panel.service.pending_tasks() == 0, timeout=30_000)
