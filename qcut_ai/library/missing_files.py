"""Which library items' files are gone: one stat per item, read and written in slices.

A million-item library takes seconds to stat. Reading it in slices of ids
(the primary key, so each slice is one short range read) keeps memory flat,
lets the caller stop between slices, and keeps each write transaction short,
so the window's own writes and other processes never wait long behind it.
"""

from __future__ import annotations

import os
import sqlite3
from collections.abc import Callable
from typing import Any

from qcut_ai.core.errors import LibraryError
from qcut_ai.library.layout import ProjectLayout
from qcut_ai.library.library_writes import updating

SLICE = 5_000
_READ = "SELECT id, path, rel_path, missing FROM media WHERE id > ? ORDER BY id LIMIT ?"


def check_project_files(project: ProjectLayout, abort: Callable[[], bool]) -> bool:
    """Check the files of `project`'s library on a connection of its own (which runs
    the integrity check, once per process); whether any item is, or was, missing."""
    # Here, not at the top: the repository imports relinking, which imports this module.
    from qcut_ai.library.project_db import project_database
    from qcut_ai.library.repository import MediaRepository

    with project_database(project, abort=abort) as db:
        repo = MediaRepository(db, project.root)
        was_missing = bool(repo.missing_items())
        return bool(check_missing(repo, abort)) or was_missing


def check_missing(
    repo: Any, abort: Callable[[], bool] | None = None, slice_size: int = SLICE
) -> int:
    """Flag items of `repo` (a MediaRepository) whose file is gone, unflag those back.

    Returns how many are gone among the items checked. The database is written
    only where a flag changes, so an unchanged library takes no write lock.
    `abort` is asked between slices; a stopped check keeps the flags it wrote.
    """
    conn = repo.db.conn
    root = str(repo.root) if repo.root is not None else None
    gone = 0
    last = 0
    while abort is None or not abort():
        try:
            rows = conn.execute(_READ, [last, slice_size]).fetchall()
        except sqlite3.Error as exc:
            raise LibraryError(f"The media library could not be read: {exc}.") from exc
        if not rows:
            break
        last = rows[-1][0]
        newly_gone: list[list[int]] = []
        back: list[list[int]] = []
        for media_id, path, rel_path, missing in rows:
            # Plain strings: building a Path per item costs more than its stat.
            where = os.path.join(root, rel_path) if root is not None and rel_path else path
            if not os.path.exists(where):
                gone += 1
                if not missing:
                    newly_gone.append([media_id])
            elif missing:
                back.append([media_id])
        if newly_gone or back:
            with updating(repo.db):
                conn.executemany("UPDATE media SET missing = 1 WHERE id = ?", newly_gone)
                conn.executemany("UPDATE media SET missing = 0 WHERE id = ?", back)
        if len(rows) < slice_size:
            break
    return gone
